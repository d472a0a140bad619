import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, nextPage, pageInput, repoInput } from './common.js';
import { issueLine, issueSummary, summarize } from './issues-shared.js';

export const listIssues = defineGithubTool({
  name: 'list_issues',
  title: 'List issues',
  description: 'Lists the issues of a repository (pull requests are marked), newest first, filtered by state and labels. Paged (page, per_page). Use get_issue for the body and comments.',
  toolset: 'issues',
  kind: 'read',
  openWorld: true,
  input: z.object({
    ...repoInput,
    state: z.enum(['open', 'closed', 'all']).default('open'),
    labels: z.array(z.string()).optional().describe('Only issues with all of these labels.'),
    ...pageInput,
  }),
  output: z.object({ issues: z.array(issueSummary), next_page: z.number().optional() }),
  async handler({ owner, repo, state, labels, page, per_page }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.issues
      .listForRepo({ owner, repo, state, page, per_page, ...(labels?.length ? { labels: labels.join(',') } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `the issues of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const issues = res.data.map(summarize);
    const next = nextPage(res.headers, page);
    return { text: issues.map(issueLine).join('\n'), note: `${issues.length} ${state === 'all' ? '' : `${state} `}issues${next ? `; more on page ${next}` : ''}.`, structured: { issues, ...(next ? { next_page: next } : {}) }, rows: issues.length };
  },
});
