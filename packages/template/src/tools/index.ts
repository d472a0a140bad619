import { createItem } from './create-item.js';
import { deleteItem } from './delete-item.js';
import { getItem } from './get-item.js';
import { listItems } from './list-items.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [listItems, getItem, createItem, deleteItem] as const;
