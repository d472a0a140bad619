import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';
import { issueSummary, summarize } from './issues-shared.js';

const input = z.object({ ...repoInput, title: z.string().min(1).max(256), body: z.string().max(65_536).optional(), labels: z.array(z.string()).optional(), assignees: z.array(z.string()).optional() });

export const createIssue = defineGithubTool({
  name: 'create_issue',
  title: 'Create an issue',
  description: 'Opens an issue. Only with --allow-write. On a public repository, after this session read a private one, the user confirms it first.',
  toolset: 'issues',
  kind: 'write',
  openWorld: true,
  input,
  output: issueSummary,
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, title, body, labels, assignees }, ctx) {
    const gh = await ctx.deps.github();
    const { data } = await gh.issues
      .create({ owner, repo, title, ...(body === undefined ? {} : { body }), ...(labels ? { labels } : {}), ...(assignees ? { assignees } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `creating an issue in ${owner}/${repo}`));
    const s = summarize(data);
    return { note: `Created issue #${s.number}: ${s.url}`, structured: s };
  },
});
