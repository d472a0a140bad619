import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { nextPage, pageInput } from './common.js';

const repoSummary = z.object({ full_name: z.string(), private: z.boolean(), description: z.string().nullable(), stars: z.number(), language: z.string().nullable(), url: z.string() });

export const searchRepositories = defineGithubTool({
  name: 'search_repositories',
  title: 'Search repositories',
  description:
    'Searches GitHub repositories with GitHub\'s search syntax, such as "topic:mcp language:go" or "org:acme payments". Use it to find a repository before reading it. ' +
    'With a repository allowlist (--repos) the search is limited to the allowed repositories. Results are paged (page, per_page).',
  toolset: 'repos',
  kind: 'read',
  openWorld: true,
  input: z.object({ query: z.string().min(1).max(256).describe('GitHub repository search query.'), ...pageInput }),
  output: z.object({ total_count: z.number(), repositories: z.array(repoSummary), next_page: z.number().optional() }),
  async handler({ query, page, per_page }, { deps, signal }) {
    const scope = deps.searchScope();
    const q = scope ? `${query} ${scope.join(' ')}` : query;
    const gh = await deps.github();
    const res = await gh.search.repos({ q, page, per_page, request: { signal } }).catch((e: unknown) => githubError(e, `searching repositories for "${query}"`));
    const repositories = res.data.items
      .filter((r) => deps.allowed({ owner: r.owner?.login ?? '', repo: r.name }))
      .map((r) => {
        deps.notePrivacy({ owner: r.owner?.login ?? '', repo: r.name }, r.private);
        return { full_name: r.full_name, private: r.private, description: r.description ?? null, stars: r.stargazers_count, language: r.language ?? null, url: r.html_url };
      });
    const next = nextPage(res.headers, page);
    const lines = repositories.map((r) => `${r.full_name}${r.private ? ' (private)' : ''} ★${r.stars}${r.language ? ` ${r.language}` : ''}${r.description ? ` — ${r.description}` : ''}`);
    return {
      text: lines.join('\n'),
      note: `${repositories.length} of ${res.data.total_count} repositories${next ? `; more on page ${next}` : ''}.`,
      structured: { total_count: res.data.total_count, repositories, ...(next ? { next_page: next } : {}) },
      rows: repositories.length,
    };
  },
});
