import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, repoInput } from './common.js';

/** Lines kept from the end of a failed job's log: where the error is. */
const TAIL_LINES = 60;

export const getJobLogs = defineGithubTool({
  name: 'get_job_logs',
  title: 'Summarize the job logs of a run',
  description:
    'For one workflow run: each job with its conclusion and failed steps, and for failed jobs the last lines of the log (where the error is). Use it to find why CI failed. Read-only.',
  toolset: 'actions',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...repoInput, run_id: z.number().int().min(1), failed_only: z.boolean().default(true).describe('Only the failed jobs.') }),
  output: z.object({ jobs: z.array(z.object({ id: z.number(), name: z.string(), conclusion: z.string().nullable(), failed_steps: z.array(z.string()), log_tail: z.string().optional() })) }),
  async handler({ owner, repo, run_id, failed_only }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const what = `the jobs of run ${run_id} of ${owner}/${repo}`;
    const { data } = await gh.actions.listJobsForWorkflowRun({ owner, repo, run_id, per_page: 100, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, what));
    await afterRead(ctx, { owner, repo });
    const failed = (c: string | null | undefined) => Boolean(c && !['success', 'skipped', 'neutral'].includes(c));
    const jobs = [];
    for (const j of data.jobs) {
      if (failed_only && !failed(j.conclusion)) continue;
      const failed_steps = (j.steps ?? []).filter((s) => failed(s.conclusion)).map((s) => s.name);
      let log_tail: string | undefined;
      if (failed(j.conclusion)) {
        // GitHub answers with a redirect to a short-lived URL; Octokit follows it.
        const log = await gh.actions.downloadJobLogsForWorkflowRun({ owner, repo, job_id: j.id, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `the log of job ${j.id}`));
        log_tail = String(log.data).split('\n').slice(-TAIL_LINES).join('\n');
      }
      jobs.push({ id: j.id, name: j.name, conclusion: j.conclusion ?? null, failed_steps, ...(log_tail === undefined ? {} : { log_tail }) });
    }
    const text = jobs.map((j) => `job ${j.id} ${j.name}: ${j.conclusion ?? 'running'}${j.failed_steps.length ? `; failed steps: ${j.failed_steps.join(', ')}` : ''}${j.log_tail ? `\n${j.log_tail}` : ''}`).join('\n\n');
    return { text: text || 'No failed jobs.', note: `${jobs.length} job${jobs.length === 1 ? '' : 's'}${failed_only ? ' that failed' : ''} in run ${run_id}.`, structured: { jobs }, rows: jobs.length };
  },
});
