import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { afterRead, repoInput } from './common.js';

export const getRepository = defineGithubTool({
  name: 'get_repository',
  title: 'Get a repository',
  description: 'Shows one repository: description, visibility, default branch, language, stars, open issues, last push. Use it to learn the default branch before reading files.',
  toolset: 'repos',
  kind: 'read',
  openWorld: true,
  input: z.object(repoInput),
  output: z.object({ full_name: z.string(), private: z.boolean(), description: z.string().nullable(), default_branch: z.string(), language: z.string().nullable(), stars: z.number(), open_issues: z.number(), archived: z.boolean(), pushed_at: z.string().nullable(), url: z.string() }),
  async handler({ owner, repo }, ctx) {
    ctx.deps.check({ owner, repo });
    const gh = await ctx.deps.github();
    const { data: r } = await gh.repos.get({ owner, repo, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `${owner}/${repo}`));
    ctx.deps.notePrivacy({ owner, repo }, r.private);
    await afterRead(ctx, { owner, repo });
    const out = { full_name: r.full_name, private: r.private, description: r.description ?? null, default_branch: r.default_branch, language: r.language ?? null, stars: r.stargazers_count, open_issues: r.open_issues_count, archived: r.archived, pushed_at: r.pushed_at ?? null, url: r.html_url };
    return {
      text: `${out.full_name} (${out.private ? 'private' : 'public'}${out.archived ? ', archived' : ''})\n${out.description ?? ''}\ndefault branch: ${out.default_branch}; language: ${out.language ?? '-'}; ★${out.stars}; open issues: ${out.open_issues}; last push: ${out.pushed_at ?? '-'}\n${out.url}`,
      structured: out,
    };
  },
});
