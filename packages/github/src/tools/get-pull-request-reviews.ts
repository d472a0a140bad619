import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead } from './common.js';
import { pullInput } from './pulls-shared.js';

export const getPullRequestReviews = defineGithubTool({
  name: 'get_pull_request_reviews',
  title: 'Get pull request reviews and comments',
  description: 'The reviews of a pull request (approved, changes requested, commented) and its review comments on lines of code (the first 100 of each).',
  toolset: 'pull_requests',
  kind: 'read',
  openWorld: true,
  input: z.object(pullInput),
  output: z.object({
    reviews: z.array(z.object({ id: z.number(), author: z.string(), state: z.string(), body: z.string() })),
    comments: z.array(z.object({ id: z.number(), author: z.string(), path: z.string(), line: z.number().nullable(), body: z.string() })),
  }),
  async handler({ owner, repo, pull_number }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const [r, c] = await Promise.all([
      gh.pulls.listReviews({ owner, repo, pull_number, per_page: 100, request: { signal: ctx.signal } }),
      gh.pulls.listReviewComments({ owner, repo, pull_number, per_page: 100, request: { signal: ctx.signal } }),
    ]).catch((e: unknown) => githubError(e, `the reviews of #${pull_number} of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const reviews = r.data.map((v) => ({ id: v.id, author: v.user?.login ?? 'ghost', state: v.state, body: v.body ?? '' }));
    const comments = c.data.map((k) => ({ id: k.id, author: k.user?.login ?? 'ghost', path: k.path, line: k.line ?? null, body: k.body }));
    const text = [...reviews.map((v) => `review ${v.id} by ${v.author}: ${v.state}${v.body ? `\n${v.body}` : ''}`), ...comments.map((k) => `comment ${k.id} by ${k.author} on ${k.path}:${k.line ?? '?'}\n${k.body}`)].join('\n\n');
    return { text, note: `${reviews.length} reviews, ${comments.length} review comments.`, structured: { reviews, comments }, rows: reviews.length + comments.length };
  },
});
