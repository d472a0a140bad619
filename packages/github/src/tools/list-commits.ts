import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, nextPage, pageInput, repoInput } from './common.js';

export const listCommits = defineGithubTool({
  name: 'list_commits',
  title: 'List commits',
  description: 'Lists the commits of a branch (default: the default branch), newest first, with author, date and message. Paged (page, per_page).',
  toolset: 'repos',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...repoInput, sha: z.string().min(1).optional().describe('Branch name or commit SHA to start from.'), path: z.string().optional().describe('Only commits touching this path.'), ...pageInput }),
  output: z.object({ commits: z.array(z.object({ sha: z.string(), author: z.string(), date: z.string().nullable(), message: z.string(), url: z.string() })), next_page: z.number().optional() }),
  async handler({ owner, repo, sha, path, page, per_page }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.repos
      .listCommits({ owner, repo, page, per_page, ...(sha ? { sha } : {}), ...(path ? { path } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `the commits of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const commits = res.data.map((c) => ({ sha: c.sha, author: c.author?.login ?? c.commit.author?.name ?? 'unknown', date: c.commit.author?.date ?? null, message: c.commit.message, url: c.html_url }));
    const next = nextPage(res.headers, page);
    return {
      text: commits.map((c) => `${c.sha.slice(0, 7)} ${c.date?.slice(0, 10) ?? ''} ${c.author}: ${c.message.split('\n')[0]}`).join('\n'),
      note: `${commits.length} commits${next ? `; more on page ${next}` : ''}.`,
      structured: { commits, ...(next ? { next_page: next } : {}) },
      rows: commits.length,
    };
  },
});
