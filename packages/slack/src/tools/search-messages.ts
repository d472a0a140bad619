import { z } from 'zod';
import { defineSlackTool } from '../deps.js';
import type { SlackConfig } from '../config.js';

export const searchMessages = defineSlackTool({
  name: 'search_messages',
  title: 'Search messages',
  description: 'Searches messages with Slack search syntax, such as "deploy failed in:#ops after:2026-11-01". Needs a user token. Results outside the channel allowlist are left out.',
  kind: 'read',
  openWorld: true,
  unavailable: (c: SlackConfig) => (c.userToken ? undefined : 'Slack search needs a user token (xoxp-); set SLACK_USER_TOKEN.'),
  input: z.object({ query: z.string().min(1).max(500), page: z.number().int().min(1).default(1), count: z.number().int().min(1).max(100).default(20) }),
  output: z.object({ total: z.number(), matches: z.array(z.object({ channel: z.string(), ts: z.string(), user: z.string(), text: z.string(), permalink: z.string() })), next_page: z.number().optional() }),
  async handler({ query, page, count }, { deps, signal }) {
    const r = await deps.call<{ messages: { total: number; matches: Array<{ channel: { id: string; name: string }; ts: string; user?: string; text?: string; permalink: string }>; paging: { pages: number } } }>('search.messages', { query, page, count }, signal, `searching for "${query}"`, 'user');
    const known = await deps.channels(signal);
    const matches = r.messages.matches
      .filter((m) => {
        const c = known.find((x) => x.id === m.channel.id);
        return c ? deps.allowed(c) : false;
      })
      .map((m) => ({ channel: m.channel.name, ts: m.ts, user: m.user ?? 'unknown', text: m.text ?? '', permalink: m.permalink }));
    const more = page < r.messages.paging.pages;
    const lines = [];
    for (const m of matches) lines.push(`#${m.channel} ${await deps.nameOf(m.user, signal)} (ts ${m.ts}): ${m.text}`);
    return { text: lines.join('\n'), note: `${matches.length} of ${r.messages.total} matches${more ? `; more on page ${page + 1}` : ''}.`, structured: { total: r.messages.total, matches, ...(more ? { next_page: page + 1 } : {}) }, rows: matches.length };
  },
});
