import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';

const input = z.object({ ...repoInput, branch: z.string().min(1).max(255).describe('Name of the new branch.'), from_branch: z.string().min(1).optional().describe('Branch to start from (default: the default branch).') });

export const createBranch = defineGithubTool({
  name: 'create_branch',
  title: 'Create a branch',
  description: 'Creates a branch from the head of another (default: the default branch). Only with --allow-write.',
  toolset: 'repos',
  kind: 'write',
  openWorld: true,
  input,
  output: z.object({ branch: z.string(), sha: z.string() }),
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, branch, from_branch }, ctx) {
    const gh = await ctx.deps.github();
    const base = from_branch ?? (await gh.repos.get({ owner, repo, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `${owner}/${repo}`))).data.default_branch;
    const { data: ref } = await gh.git.getRef({ owner, repo, ref: `heads/${base}`, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `branch ${base} of ${owner}/${repo}`));
    await gh.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: ref.object.sha, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `creating branch ${branch} in ${owner}/${repo}`));
    return { note: `Created branch ${branch} from ${base} at ${ref.object.sha.slice(0, 7)}.`, structured: { branch, sha: ref.object.sha } };
  },
});
