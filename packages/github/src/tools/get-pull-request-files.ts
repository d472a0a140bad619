import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, nextPage, pageInput } from './common.js';
import { pullInput } from './pulls-shared.js';

export const getPullRequestFiles = defineGithubTool({
  name: 'get_pull_request_files',
  title: 'Get pull request files',
  description: 'The files a pull request changes, with status (added, modified, removed, renamed) and line counts. Paged (page, per_page).',
  toolset: 'pull_requests',
  kind: 'read',
  openWorld: true,
  input: z.object({ ...pullInput, ...pageInput }),
  output: z.object({ files: z.array(z.object({ filename: z.string(), status: z.string(), additions: z.number(), deletions: z.number() })), next_page: z.number().optional() }),
  async handler({ owner, repo, pull_number, page, per_page }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const res = await gh.pulls.listFiles({ owner, repo, pull_number, page, per_page, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `the files of #${pull_number} of ${owner}/${repo}`));
    await afterRead(ctx, { owner, repo });
    const files = res.data.map((f) => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions }));
    const next = nextPage(res.headers, page);
    return { text: files.map((f) => `${f.status} ${f.filename} +${f.additions} -${f.deletions}`).join('\n'), note: `${files.length} files${next ? `; more on page ${next}` : ''}.`, structured: { files, ...(next ? { next_page: next } : {}) }, rows: files.length };
  },
});
