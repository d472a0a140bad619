import { ConnectorError } from '@org/mcp-core';
import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, repoInput } from './common.js';

export const getFileContents = defineGithubTool({
  name: 'get_file_contents',
  title: 'Get file contents',
  description:
    'Reads a file (its text) or lists a directory of a repository, at a branch, tag or commit (default: the default branch). ' +
    'Binary files are described, not returned; text is cut at the server\'s byte limit.',
  toolset: 'repos',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...repoInput, path: z.string().default('').describe('File or directory path; empty for the repository root.'), ref: z.string().min(1).optional().describe('Branch, tag or commit SHA.') }),
  output: z.object({
    type: z.enum(['file', 'dir']),
    path: z.string(),
    sha: z.string().optional(),
    size: z.number().optional(),
    content: z.string().optional(),
    binary: z.boolean().optional(),
    entries: z.array(z.object({ name: z.string(), type: z.string(), path: z.string(), size: z.number() })).optional(),
  }),
  async handler({ owner, repo, path, ref }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const clean = path.replace(/^\/+|\/+$/g, '');
    if (clean.split('/').includes('..')) throw new ConnectorError('invalid_input', 'The path may not contain "..".');
    const { data } = await gh.repos
      .getContent({ owner, repo, path: clean, ...(ref ? { ref } : {}), request: { signal: ctx.signal } })
      .catch((e: unknown) => githubError(e, `${clean || '/'} in ${owner}/${repo}${ref ? `@${ref}` : ''}`));
    await afterRead(ctx, { owner, repo });
    if (Array.isArray(data)) {
      const entries = data.map((e) => ({ name: e.name, type: e.type, path: e.path, size: e.size }));
      return { text: entries.map((e) => `${e.type === 'dir' ? `${e.name}/` : e.name}${e.type === 'file' ? ` (${e.size} B)` : ''}`).join('\n'), note: `${entries.length} entries in ${clean || '/'}.`, structured: { type: 'dir' as const, path: clean, entries }, rows: entries.length };
    }
    if (data.type !== 'file' || !('content' in data)) throw new ConnectorError('invalid_input', `${clean} is a ${data.type}, not a file or directory.`);
    if (data.size > 0 && !data.content) {
      // The contents API sends no content for files over 1 MB.
      return { note: `${clean} is ${data.size} bytes, too large for GitHub's contents API (1 MB); its content is not shown (sha ${data.sha}).`, structured: { type: 'file' as const, path: clean, sha: data.sha, size: data.size } };
    }
    const bytes = Buffer.from(data.content, 'base64');
    const binary = bytes.subarray(0, 8000).includes(0);
    if (binary) return { note: `${clean} is a binary file of ${data.size} bytes (sha ${data.sha}); its content is not shown.`, structured: { type: 'file' as const, path: clean, sha: data.sha, size: data.size, binary: true } };
    const max = ctx.limits.maxBytes;
    const text = bytes.length > max ? bytes.subarray(0, max).toString('utf8') : bytes.toString('utf8');
    const cut = bytes.length > max;
    return {
      text,
      note: `${clean}: ${data.size} bytes, sha ${data.sha}${cut ? `; cut at ${max} bytes (--max-bytes)` : ''}.`,
      structured: { type: 'file' as const, path: clean, sha: data.sha, size: data.size, content: text },
      truncated: cut,
    };
  },
});
