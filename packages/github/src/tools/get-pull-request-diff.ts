import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead } from './common.js';
import { pullInput } from './pulls-shared.js';

export const getPullRequestDiff = defineGithubTool({
  name: 'get_pull_request_diff',
  title: 'Get a pull request diff',
  description: 'The unified diff of a pull request, cut at the server\'s byte limit. For a per-file view with counts use get_pull_request_files.',
  toolset: 'pull_requests',
  kind: 'read',
  openWorld: true,
  input: z.object(pullInput),
  async handler({ owner, repo, pull_number }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.pulls
      .get({ owner, repo, pull_number, mediaType: { format: 'diff' }, request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `the diff of #${pull_number} of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const diff = String(res.data as unknown);
    return { text: diff || '(empty diff)', note: `Diff of #${pull_number}: ${Buffer.byteLength(diff)} bytes.` };
  },
});
