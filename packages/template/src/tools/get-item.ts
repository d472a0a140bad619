import { z } from 'zod';
import { defineTemplateTool, type Item } from '../deps.js';
import { idInput, itemSchema } from './common.js';

export const getItem = defineTemplateTool({
  name: 'get_item',
  title: 'Get an item',
  description: 'Reads one item by id: title, body and when it was last updated.',
  kind: 'read',
  input: z.object({ id: idInput }),
  output: itemSchema,
  async handler({ id }, { deps, signal }) {
    const item = await deps.call<Item>('GET', `/items/${id}`, signal, `reading item ${id}`);
    return { text: (i) => `${i.title}\n\n${i.body}`, structured: item, rows: 1 };
  },
});
