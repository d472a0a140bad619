import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';
import { pullSummary, summarizePull } from './pulls-shared.js';

const input = z.object({ ...repoInput, title: z.string().min(1).max(256), head: z.string().min(1).describe('Branch with the changes.'), base: z.string().min(1).describe('Branch to merge into.'), body: z.string().max(65_536).optional(), draft: z.boolean().optional() });

export const createPullRequest = defineGithubTool({
  name: 'create_pull_request',
  title: 'Open a pull request',
  description: 'Opens a pull request from head into base. Only with --allow-write.',
  toolset: 'pull_requests',
  kind: 'write',
  openWorld: true,
  input,
  output: pullSummary,
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, title, head, base, body, draft }, ctx) {
    const gh = await ctx.deps.github();
    const { data } = await gh.pulls
      .create({ owner, repo, title, head, base, ...(body === undefined ? {} : { body }), ...(draft === undefined ? {} : { draft }), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `opening a pull request ${head} → ${base} in ${owner}/${repo}`));
    const s = summarizePull(data);
    return { note: `Opened pull request #${s.number}: ${s.url}`, structured: s };
  },
});
