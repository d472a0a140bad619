import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { nextPage, pageInput } from './common.js';
import { issueLine, issueSummary, summarize } from './issues-shared.js';

export const searchIssues = defineGithubTool({
  name: 'search_issues',
  title: 'Search issues and pull requests',
  description:
    'Searches issues and pull requests with GitHub search syntax, such as "is:open is:pr review-requested:@me" or "label:bug crash repo:acme/app". ' +
    'Limited to the allowlisted repositories when --repos is set. Paged (page, per_page).',
  toolset: 'search',
  kind: 'read',
  openWorld: true,
  input: z.object({ query: z.string().min(1).max(256), ...pageInput }),
  output: z.object({ total_count: z.number(), items: z.array(issueSummary.extend({ repository: z.string() })), next_page: z.number().optional() }),
  async handler({ query, page, per_page }, { deps, signal, principal }) {
    const scope = deps.searchScope();
    const gh = await deps.github();
    const res = await gh.search.issuesAndPullRequests({ q: scope ? `${query} ${scope.join(' ')}` : query, page, per_page, request: { signal } }).catch((e: unknown) => githubError(e, `searching issues for "${query}"`));
    const items = [];
    for (const i of res.data.items) {
      const [owner = '', repo = ''] = i.repository_url.split('/').slice(-2);
      if (!deps.allowed({ owner, repo })) continue;
      await deps.noteRead(principal, { owner, repo }, signal);
      items.push({ ...summarize(i), repository: `${owner}/${repo}` });
    }
    const next = nextPage(res.headers, page);
    return { text: items.map((i) => `${i.repository} ${issueLine(i)}`).join('\n'), note: `${items.length} of ${res.data.total_count} results${next ? `; more on page ${next}` : ''}.`, structured: { total_count: res.data.total_count, items, ...(next ? { next_page: next } : {}) }, rows: items.length };
  },
});
