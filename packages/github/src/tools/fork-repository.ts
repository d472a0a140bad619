import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { repoInput } from './common.js';

export const forkRepository = defineGithubTool({
  name: 'fork_repository',
  title: 'Fork a repository',
  description: 'Forks a repository to the authenticated user or an organization. GitHub creates the fork in the background; it may take a moment to appear. Only with --allow-write.',
  toolset: 'repos',
  kind: 'write',
  confirm: true,
  openWorld: true,
  input: z.object({ ...repoInput, organization: z.string().regex(/^[A-Za-z0-9-]+$/).optional().describe('Organization to fork into (default: the authenticated user).') }),
  output: z.object({ full_name: z.string(), private: z.boolean(), url: z.string() }),
  async handler({ owner, repo, organization }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const { data } = await gh.repos.createFork({ owner, repo, ...(organization ? { organization } : {}), request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `forking ${owner}/${repo}`));
    return { note: `Forking ${owner}/${repo} to ${data.full_name}: ${data.html_url}`, structured: { full_name: data.full_name, private: data.private, url: data.html_url } };
  },
});
