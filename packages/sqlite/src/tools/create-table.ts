import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';
import type { TableInfo } from '../engine/protocol.js';

export const createTable = defineSqliteTool({
  name: 'create_table',
  title: 'Create a table',
  description:
    'Runs one CREATE TABLE statement (IF NOT EXISTS and CREATE TABLE … AS SELECT allowed). Only available with --allow-write. Indexes, views, triggers, virtual tables, ALTER and DROP are refused.',
  input: z.object({ sql: z.string().min(1).describe('One CREATE TABLE statement.') }),
  output: z.object({ tables: z.array(z.string()).describe('All tables after the change.') }),
  kind: 'write',
  async handler({ sql }, { deps, signal, limits, resourcesChanged }) {
    await deps.run({ op: 'query', sql, allow: 'create_table', ...limits }, signal);
    const tables = (await deps.run<TableInfo[]>({ op: 'tables' }, signal)).map((t) => t.name);
    resourcesChanged();
    return { text: `Done. Tables now: ${tables.join(', ')}.`, structured: { tables } };
  },
});
