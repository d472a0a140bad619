import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, nextPage, pageInput, repoInput } from './common.js';

export const listWorkflowRuns = defineGithubTool({
  name: 'list_workflow_runs',
  title: 'List workflow runs',
  description: 'Lists the GitHub Actions workflow runs of a repository, newest first, optionally for one branch: name, status, conclusion, event. Paged (page, per_page). Read-only.',
  toolset: 'actions',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...repoInput, branch: z.string().optional(), ...pageInput }),
  output: z.object({ total_count: z.number(), runs: z.array(z.object({ id: z.number(), name: z.string(), status: z.string().nullable(), conclusion: z.string().nullable(), branch: z.string().nullable(), event: z.string(), url: z.string() })), next_page: z.number().optional() }),
  async handler({ owner, repo, branch, page, per_page }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.actions
      .listWorkflowRunsForRepo({ owner, repo, page, per_page, ...(branch ? { branch } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `the workflow runs of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const runs = res.data.workflow_runs.map((r) => ({ id: r.id, name: r.name ?? '', status: r.status ?? null, conclusion: r.conclusion ?? null, branch: r.head_branch ?? null, event: r.event, url: r.html_url }));
    const next = nextPage(res.headers, page);
    return { text: runs.map((r) => `${r.id} ${r.name} [${r.conclusion ?? r.status}] ${r.branch ?? ''} (${r.event})`).join('\n'), note: `${runs.length} of ${res.data.total_count} runs${next ? `; more on page ${next}` : ''}.`, structured: { total_count: res.data.total_count, runs, ...(next ? { next_page: next } : {}) }, rows: runs.length };
  },
});
