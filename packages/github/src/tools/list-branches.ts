import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { nextPage, pageInput, repoInput } from './common.js';

export const listBranches = defineGithubTool({
  name: 'list_branches',
  title: 'List branches',
  description: 'Lists the branches of a repository with their head commit. Paged (page, per_page).',
  toolset: 'repos',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...repoInput, ...pageInput }),
  output: z.object({ branches: z.array(z.object({ name: z.string(), sha: z.string(), protected: z.boolean() })), next_page: z.number().optional() }),
  async handler({ owner, repo, page, per_page }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.repos.listBranches({ owner, repo, page, per_page, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `the branches of ${owner}/${repo}`));
    const branches = res.data.map((b) => ({ name: b.name, sha: b.commit.sha, protected: b.protected }));
    const next = nextPage(res.headers, page);
    return {
      text: branches.map((b) => `${b.name} ${b.sha.slice(0, 7)}${b.protected ? ' (protected)' : ''}`).join('\n'),
      note: `${branches.length} branches${next ? `; more on page ${next}` : ''}.`,
      structured: { branches, ...(next ? { next_page: next } : {}) },
      rows: branches.length,
    };
  },
});
