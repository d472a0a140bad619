import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { nextPage, pageInput } from './common.js';

export const searchUsers = defineGithubTool({
  name: 'search_users',
  title: 'Search users',
  description: 'Searches GitHub users and organizations by login, name or location, such as "ada location:london" or "type:org acme". Paged (page, per_page).',
  toolset: 'search',
  kind: 'read',
  openWorld: true,
  input: z.object({ query: z.string().min(1).max(256), ...pageInput }),
  output: z.object({ total_count: z.number(), users: z.array(z.object({ login: z.string(), type: z.string(), url: z.string() })), next_page: z.number().optional() }),
  async handler({ query, page, per_page }, { deps, signal }) {
    const gh = await deps.github();
    const res = await gh.search.users({ q: query, page, per_page, request: { signal } }).catch((e: unknown) => githubError(e, `searching users for "${query}"`));
    const users = res.data.items.map((u) => ({ login: u.login, type: u.type, url: u.html_url }));
    const next = nextPage(res.headers, page);
    return { text: users.map((u) => `${u.login} (${u.type})`).join('\n'), note: `${users.length} of ${res.data.total_count} users${next ? `; more on page ${next}` : ''}.`, structured: { total_count: res.data.total_count, users, ...(next ? { next_page: next } : {}) }, rows: users.length };
  },
});
