import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';

const input = z.object({ ...repoInput, issue_number: z.number().int().min(1), body: z.string().min(1).max(65_536) });

export const addIssueComment = defineGithubTool({
  name: 'add_issue_comment',
  title: 'Comment on an issue',
  description: 'Adds a comment to an issue or pull request. Only with --allow-write. On a public repository, after this session read a private one, the user confirms it first.',
  toolset: 'issues',
  kind: 'write',
  openWorld: true,
  input,
  output: z.object({ id: z.number(), url: z.string() }),
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, issue_number, body }, ctx) {
    const gh = await ctx.deps.github();
    const { data } = await gh.issues.createComment({ owner, repo, issue_number, body, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `commenting on #${issue_number} of ${owner}/${repo}`));
    return { note: `Commented: ${data.html_url}`, structured: { id: data.id, url: data.html_url } };
  },
});
