import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, nextPage, pageInput, repoInput } from './common.js';
import { pullLine, pullSummary, summarizePull } from './pulls-shared.js';

export const listPullRequests = defineGithubTool({
  name: 'list_pull_requests',
  title: 'List pull requests',
  description: 'Lists the pull requests of a repository by state, optionally by base or head branch. Paged (page, per_page).',
  toolset: 'pull_requests',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...repoInput, state: z.enum(['open', 'closed', 'all']).default('open'), base: z.string().optional(), head: z.string().optional().describe('owner:branch'), ...pageInput }),
  output: z.object({ pull_requests: z.array(pullSummary), next_page: z.number().optional() }),
  async handler({ owner, repo, state, base, head, page, per_page }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.pulls
      .list({ owner, repo, state, page, per_page, ...(base ? { base } : {}), ...(head ? { head } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `the pull requests of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const pull_requests = res.data.map(summarizePull);
    const next = nextPage(res.headers, page);
    return { text: pull_requests.map(pullLine).join('\n'), note: `${pull_requests.length} pull requests${next ? `; more on page ${next}` : ''}.`, structured: { pull_requests, ...(next ? { next_page: next } : {}) }, rows: pull_requests.length };
  },
});
