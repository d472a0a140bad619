import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite } from './common.js';
import { pullInput } from './pulls-shared.js';

const input = z.object(pullInput);

export const updatePullRequestBranch = defineGithubTool({
  name: 'update_pull_request_branch',
  title: 'Update a pull request branch',
  description: 'Merges the latest base branch into a pull request\'s head branch (GitHub\'s "Update branch"). Only with --allow-write.',
  toolset: 'pull_requests',
  kind: 'write',
  openWorld: true,
  input,
  output: z.object({ message: z.string() }),
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, pull_number }, ctx) {
    const gh = await ctx.deps.github();
    const { data } = await gh.pulls.updateBranch({ owner, repo, pull_number, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `updating the branch of #${pull_number} of ${owner}/${repo}`));
    return { note: `${(data.message ?? 'Updating the branch.').replace(/\.$/, '')} (#${pull_number}).`, structured: { message: data.message ?? '' } };
  },
});
