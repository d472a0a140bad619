import { z } from 'zod';
import { definePostgresTool } from '../deps.js';
import { RELKINDS, relationVisible } from './catalog.js';

export const listTables = definePostgresTool({
  name: 'list_tables',
  title: 'List tables',
  description:
    'Lists tables and views (in one schema, or in all), with their kind, estimated row count (from the planner statistics, not a count) and comment. Use describe_table next for the columns.',
  input: z.object({ schema: z.string().min(1).optional().describe('Only this schema, e.g. "public". Default: every schema.') }),
  output: z.object({
    tables: z.array(z.object({ schema: z.string(), name: z.string(), type: z.string(), estimatedRows: z.number().int().nullable(), comment: z.string().nullable() })),
  }),
  kind: 'read',
  async handler({ schema }, { deps, signal, config }) {
    const r = await deps.catalog(
      `SELECT n.nspname, c.relname, c.relkind::text, CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END, obj_description(c.oid, 'pg_class')
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
         AND ($1::text IS NULL OR n.nspname = $1)
       ORDER BY 1, 2`,
      [schema ?? null],
      signal,
      config.timeout,
    );
    const tables = r.rows
      .map(([s, name, kind, rows, comment]) => ({ schema: String(s), name: String(name), type: RELKINDS[String(kind)] ?? String(kind), estimatedRows: rows === null ? null : Number(rows), comment: comment === null ? null : String(comment) }))
      .filter((t) => relationVisible(deps, t.schema, t.name));
    const text = tables.length
      ? tables.map((t) => `${t.schema}.${t.name} (${t.type}${t.estimatedRows === null ? '' : `, ~${t.estimatedRows} rows`})${t.comment ? ` — ${t.comment}` : ''}`).join('\n')
      : schema
        ? `No tables or views visible in schema "${schema}". Call list_schemas for the schemas.`
        : 'No tables or views are visible to this server.';
    return { text, structured: { tables }, rows: tables.length };
  },
});
