import { z } from 'zod';
import { defineTemplateTool, type Item } from '../deps.js';
import { itemLine, itemSchema } from './common.js';

export const listItems = defineTemplateTool({
  name: 'list_items',
  title: 'List items',
  description: 'Lists items, newest first, optionally those whose title contains the query. Paged: pass next_cursor back as cursor for more.',
  kind: 'read',
  input: z.object({
    query: z.string().max(200).optional().describe('Part of the title, any case.'),
    cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  output: z.object({ items: z.array(itemSchema), next_cursor: z.string().optional() }),
  async handler({ query, cursor, limit }, { deps, signal }) {
    const qs = new URLSearchParams({ limit: String(limit), ...(query ? { q: query } : {}), ...(cursor ? { cursor } : {}) });
    const r = await deps.call<{ items: Item[]; next_cursor?: string | null }>('GET', `/items?${qs}`, signal, 'listing items');
    return {
      // The items are backend content: the core cleans, masks and fences them.
      text: (s) => s.items.map(itemLine).join('\n'),
      // The connector's own words, after the fence.
      note: `${r.items.length} items${r.next_cursor ? '; more with next_cursor' : ''}.`,
      structured: { items: r.items, ...(r.next_cursor ? { next_cursor: r.next_cursor } : {}) },
      rows: r.items.length,
    };
  },
});
