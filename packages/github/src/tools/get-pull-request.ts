import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead } from './common.js';
import { pullInput, pullLine, pullSummary, summarizePull } from './pulls-shared.js';

export const getPullRequest = defineGithubTool({
  name: 'get_pull_request',
  title: 'Get a pull request',
  description: 'Reads one pull request: title, state, branches, body, size (additions, deletions, files). Its diff, files, reviews and checks have their own tools.',
  toolset: 'pull_requests',
  kind: 'read',
  openWorld: true,
  input: z.object(pullInput),
  output: pullSummary.extend({ body: z.string(), additions: z.number(), deletions: z.number(), changed_files: z.number(), mergeable: z.boolean().nullable() }),
  async handler({ owner, repo, pull_number }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const { data: p } = await gh.pulls.get({ owner, repo, pull_number, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `pull request #${pull_number} of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const s = summarizePull(p);
    const out = { ...s, body: p.body ?? '', additions: p.additions, deletions: p.deletions, changed_files: p.changed_files, mergeable: p.mergeable ?? null };
    return { text: `${pullLine(s)}\n+${out.additions} -${out.deletions} in ${out.changed_files} files\n\n${out.body}`, note: s.url, structured: out };
  },
});
