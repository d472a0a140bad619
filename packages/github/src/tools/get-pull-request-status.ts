import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { pullInput } from './pulls-shared.js';

export const getPullRequestStatus = defineGithubTool({
  name: 'get_pull_request_status',
  title: 'Get pull request checks',
  description: 'The combined status and the check runs of a pull request\'s head commit: whether CI passed, is pending or failed, and which checks.',
  toolset: 'pull_requests',
  kind: 'read',
  openWorld: true,
  input: z.object(pullInput),
  output: z.object({
    state: z.string(),
    sha: z.string(),
    statuses: z.array(z.object({ context: z.string(), state: z.string(), description: z.string().nullable() })),
    check_runs: z.array(z.object({ name: z.string(), status: z.string(), conclusion: z.string().nullable() })),
  }),
  async handler({ owner, repo, pull_number }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const what = `the checks of #${pull_number} of ${owner}/${repo}`;
    const { data: p } = await gh.pulls.get({ owner, repo, pull_number, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, what));
    const ref = p.head.sha;
    const [status, checks] = await Promise.all([
      gh.repos.getCombinedStatusForRef({ owner, repo, ref, request: { signal: ctx.signal } }),
      gh.checks.listForRef({ owner, repo, ref, per_page: 100, request: { signal: ctx.signal } }),
    ]).catch((e: unknown) => githubError(e, what));
    const statuses = status.data.statuses.map((s) => ({ context: s.context, state: s.state, description: s.description ?? null }));
    const check_runs = checks.data.check_runs.map((c) => ({ name: c.name, status: c.status, conclusion: c.conclusion ?? null }));
    const failed = check_runs.filter((c) => c.conclusion && !['success', 'neutral', 'skipped'].includes(c.conclusion));
    const pending = check_runs.filter((c) => c.status !== 'completed');
    const state = status.data.state === 'failure' || failed.length ? 'failure' : status.data.state === 'pending' || pending.length ? 'pending' : 'success';
    const text = [...statuses.map((s) => `status ${s.context}: ${s.state}${s.description ? ` (${s.description})` : ''}`), ...check_runs.map((c) => `check ${c.name}: ${c.conclusion ?? c.status}`)].join('\n');
    return { text, note: `Overall: ${state} at ${ref.slice(0, 7)}${failed.length ? `; failed: ${failed.map((c) => c.name).join(', ')}` : ''}.`, structured: { state, sha: ref, statuses, check_runs } };
  },
});
