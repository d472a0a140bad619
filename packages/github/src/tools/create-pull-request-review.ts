import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite } from './common.js';
import { pullInput } from './pulls-shared.js';

const input = z.object({ ...pullInput, event: z.enum(['APPROVE', 'REQUEST_CHANGES', 'COMMENT']), body: z.string().max(65_536).optional().describe('Required for REQUEST_CHANGES and COMMENT.') });

export const createPullRequestReview = defineGithubTool({
  name: 'create_pull_request_review',
  title: 'Review a pull request',
  description: 'Submits a review of a pull request: approve, request changes, or comment. Only with --allow-write.',
  toolset: 'pull_requests',
  kind: 'write',
  openWorld: true,
  input,
  output: z.object({ id: z.number(), state: z.string() }),
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, pull_number, event, body }, ctx) {
    const gh = await ctx.deps.github();
    const { data } = await gh.pulls
      .createReview({ owner, repo, pull_number, event, ...(body === undefined ? {} : { body }), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `reviewing #${pull_number} of ${owner}/${repo}`));
    return { note: `Review submitted on #${pull_number}: ${data.state}.`, structured: { id: data.id, state: data.state } };
  },
});
