import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';
import type { TableInfo } from '../engine/protocol.js';

export const listTables = defineSqliteTool({
  name: 'list_tables',
  title: 'List tables',
  description:
    'Lists the tables and views in the database with their row counts (views are not counted). Call this first to see what data exists, then describe_table for the columns of the ones you need.',
  input: z.object({}),
  output: z.object({
    tables: z.array(z.object({ name: z.string(), type: z.enum(['table', 'view']), rows: z.number().int().nullable() })),
  }),
  kind: 'read',
  async handler(_input, { deps, signal }) {
    const tables = await deps.run<TableInfo[]>({ op: 'tables' }, signal);
    const text = tables.length
      ? tables.map((t) => `${t.name} (${t.type}${t.rows === null ? '' : `, ${t.rows} rows`})`).join('\n')
      : 'The database has no tables or views.';
    return { text, structured: { tables }, rows: tables.length };
  },
});
