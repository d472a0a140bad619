import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite } from './common.js';
import { pullInput } from './pulls-shared.js';

const input = z.object({ ...pullInput, merge_method: z.enum(['merge', 'squash', 'rebase']).default('merge'), commit_title: z.string().optional(), commit_message: z.string().optional() });

export const mergePullRequest = defineGithubTool({
  name: 'merge_pull_request',
  title: 'Merge a pull request',
  description: 'Merges a pull request into its base branch (merge, squash or rebase). The user confirms each merge. Only with --allow-write.',
  toolset: 'pull_requests',
  kind: 'destructive',
  openWorld: true,
  input,
  output: z.object({ merged: z.boolean(), sha: z.string() }),
  ...guardedWrite<z.output<typeof input>>(),
  preview: ({ owner, repo, pull_number, merge_method }) => `Merge pull request #${pull_number} of ${owner}/${repo} (${merge_method}).`,
  async handler({ owner, repo, pull_number, merge_method, commit_title, commit_message }, ctx) {
    const gh = await ctx.deps.github();
    const { data } = await gh.pulls
      .merge({ owner, repo, pull_number, merge_method, ...(commit_title ? { commit_title } : {}), ...(commit_message ? { commit_message } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `merging #${pull_number} of ${owner}/${repo}`));
    return { note: `Merged #${pull_number} as ${data.sha.slice(0, 7)}.`, structured: { merged: data.merged, sha: data.sha } };
  },
});
