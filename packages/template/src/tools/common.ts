import { z } from 'zod';
import type { Item } from '../deps.js';

export const itemSchema = z.object({ id: z.string(), title: z.string(), body: z.string(), updated_at: z.string() });

export const itemLine = (i: Item) => `${i.id} · ${i.title} (updated ${i.updated_at})`;

export const idInput = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an item id from list_items');
