import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';

const input = z.object({
  ...repoInput,
  branch: z.string().min(1).describe('Existing branch to commit to.'),
  files: z.array(z.object({ path: z.string().min(1), content: z.string() })).min(1).max(100).describe('Files to create or replace, each with its whole content.'),
  message: z.string().min(1).describe('Commit message.'),
});

export const pushFiles = defineGithubTool({
  name: 'push_files',
  title: 'Push several files',
  description: 'Commits several files to a branch in one commit (created or replaced as a whole), fast-forward only. Only with --allow-write.',
  toolset: 'repos',
  kind: 'write',
  openWorld: true,
  input,
  output: z.object({ commit: z.string(), files: z.number() }),
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, branch, files, message }, ctx) {
    const gh = await ctx.deps.github();
    const signal = ctx.signal;
    const fail = (what: string) => (e: unknown) => githubError(e, `${what} (${owner}/${repo}, ${branch})`);
    const { data: ref } = await gh.git.getRef({ owner, repo, ref: `heads/${branch}`, request: { signal } }).catch(fail('reading the branch'));
    const { data: head } = await gh.git.getCommit({ owner, repo, commit_sha: ref.object.sha, request: { signal } }).catch(fail('reading its head commit'));
    const { data: tree } = await gh.git
      .createTree({ owner, repo, base_tree: head.tree.sha, tree: files.map((f) => ({ path: f.path, mode: '100644' as const, type: 'blob' as const, content: f.content })), request: { signal } })
      .catch(fail('writing the tree'));
    const { data: commit } = await gh.git.createCommit({ owner, repo, message, tree: tree.sha, parents: [ref.object.sha], request: { signal } }).catch(fail('writing the commit'));
    await gh.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.sha, request: { signal } }).catch(fail('moving the branch'));
    return { note: `Pushed ${files.length} file${files.length === 1 ? '' : 's'} to ${branch} in commit ${commit.sha.slice(0, 7)}.`, structured: { commit: commit.sha, files: files.length } };
  },
});
