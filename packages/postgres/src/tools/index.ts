import { describeTable } from './describe-table.js';
import { explain } from './explain.js';
import { listSchemas } from './list-schemas.js';
import { listTables } from './list-tables.js';
import { query } from './query.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [query, listSchemas, listTables, describeTable, explain] as const;
