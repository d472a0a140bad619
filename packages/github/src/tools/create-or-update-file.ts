import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';

const input = z.object({
  ...repoInput,
  path: z.string().min(1).describe('File path in the repository.'),
  content: z.string().describe('The whole new content of the file (text).'),
  message: z.string().min(1).describe('Commit message.'),
  branch: z.string().min(1).optional().describe('Branch to commit to (default: the default branch).'),
  sha: z.string().optional().describe('SHA of the file being replaced, from get_file_contents; when left out the current one is used.'),
});

export const createOrUpdateFile = defineGithubTool({
  name: 'create_or_update_file',
  title: 'Create or update a file',
  description: 'Commits one file (created, or replaced as a whole) to a branch. Only with --allow-write. For several files in one commit use push_files.',
  toolset: 'repos',
  kind: 'write',
  openWorld: true,
  input,
  output: z.object({ path: z.string(), commit: z.string(), url: z.string(), created: z.boolean() }),
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, path, content, message, branch, sha }, ctx) {
    const gh = await ctx.deps.github();
    let current = sha;
    if (current === undefined) {
      const existing = await gh.repos.getContent({ owner, repo, path, ...(branch ? { ref: branch } : {}), request: { signal: ctx.signal } }).catch((e: { status?: number }) => {
        if (e.status === 404) return undefined;
        return githubError(e, `${path} in ${owner}/${repo}`);
      });
      if (existing && !Array.isArray(existing.data)) current = existing.data.sha;
    }
    const res = await gh.repos
      .createOrUpdateFileContents({ owner, repo, path, message, content: Buffer.from(content).toString('base64'), ...(branch ? { branch } : {}), ...(current ? { sha: current } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `committing ${path} to ${owner}/${repo}`));
    const out = { path, commit: res.data.commit.sha ?? '', url: res.data.commit.html_url ?? '', created: res.status === 201 };
    return { note: `${out.created ? 'Created' : 'Updated'} ${path} in commit ${out.commit.slice(0, 7)}.`, structured: out };
  },
});
