import { z } from 'zod';
import { defineTemplateTool, type Item } from '../deps.js';
import { itemSchema } from './common.js';

export const createItem = defineTemplateTool({
  name: 'create_item',
  title: 'Create an item',
  description: 'Creates an item with a title and a body. Only with --allow-write; the user confirms it.',
  kind: 'write',
  // Visible to others at once: confirmed like a destructive call.
  confirm: true,
  // The body is recorded in the audit event by its length only.
  privateArguments: ['body'],
  input: z.object({ title: z.string().min(1).max(200), body: z.string().max(20_000).default('') }),
  output: itemSchema,
  preview: ({ title, body }) => `Create the item "${title}" (${body.length} characters of text).`,
  async handler({ title, body }, { deps, signal }) {
    const item = await deps.call<Item>('POST', '/items', signal, 'creating the item', { title, body });
    return { note: `Created item ${item.id}.`, structured: item };
  },
});
