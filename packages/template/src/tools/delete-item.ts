import { z } from 'zod';
import { defineTemplateTool, type Item } from '../deps.js';
import { idInput } from './common.js';

export const deleteItem = defineTemplateTool({
  name: 'delete_item',
  title: 'Delete an item',
  description: 'Deletes one item by id. Only with --allow-write; the user confirms it, seeing its title.',
  kind: 'destructive',
  idempotent: true,
  input: z.object({ id: idInput }),
  output: z.object({ id: z.string(), deleted: z.boolean() }),
  preview: async ({ id }, { deps, signal }) => `Delete the item "${(await deps.call<Item>('GET', `/items/${id}`, signal, `reading item ${id}`)).title}" (${id}).`,
  async handler({ id }, { deps, signal }) {
    await deps.call('DELETE', `/items/${id}`, signal, `deleting item ${id}`);
    return { note: `Deleted item ${id}.`, structured: { id, deleted: true } };
  },
});
