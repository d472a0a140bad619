import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { nextPage, pageInput } from './common.js';

export const searchCode = defineGithubTool({
  name: 'search_code',
  title: 'Search code',
  description:
    'Searches code across repositories with GitHub code search syntax, such as "useState repo:facebook/react" or "TODO language:go org:acme". Returns the matching files; read one with get_file_contents. ' +
    'Limited to the allowlisted repositories when --repos is set. Paged (page, per_page).',
  toolset: 'search',
  kind: 'read',
  openWorld: true,
  input: z.object({ query: z.string().min(1).max(256), ...pageInput }),
  output: z.object({ total_count: z.number(), items: z.array(z.object({ repository: z.string(), path: z.string(), url: z.string() })), next_page: z.number().optional() }),
  async handler({ query, page, per_page }, { deps, signal, principal }) {
    const scope = deps.searchScope();
    const gh = await deps.github();
    const res = await gh.search.code({ q: scope ? `${query} ${scope.join(' ')}` : query, page, per_page, request: { signal } }).catch((e: unknown) => githubError(e, `searching code for "${query}"`));
    const kept = res.data.items.filter((i) => deps.allowed({ owner: i.repository.owner?.login ?? '', repo: i.repository.name }));
    for (const i of kept) {
      const ref = { owner: i.repository.owner?.login ?? '', repo: i.repository.name };
      deps.notePrivacy(ref, i.repository.private);
      await deps.noteRead(principal, ref, signal);
    }
    const items = kept.map((i) => ({ repository: i.repository.full_name, path: i.path, url: i.html_url }));
    const next = nextPage(res.headers, page);
    return { text: items.map((i) => `${i.repository}: ${i.path}`).join('\n'), note: `${items.length} of ${res.data.total_count} files${next ? `; more on page ${next}` : ''}.`, structured: { total_count: res.data.total_count, items, ...(next ? { next_page: next } : {}) }, rows: items.length };
  },
});
