import { z } from 'zod';
import { definePostgresTool } from '../deps.js';
import { schemaVisible } from './catalog.js';

export const listSchemas = definePostgresTool({
  name: 'list_schemas',
  title: 'List schemas',
  description: 'Lists the schemas in the database (system schemas left out) with how many tables and views each holds. Start here in a database you do not know, then list_tables.',
  input: z.object({}),
  output: z.object({ schemas: z.array(z.object({ schema: z.string(), relations: z.number().int(), comment: z.string().nullable() })) }),
  kind: 'read',
  async handler(_input, { deps, signal, config }) {
    const r = await deps.catalog(
      `SELECT n.nspname, count(c.oid)::int, obj_description(n.oid, 'pg_namespace')
       FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
       GROUP BY n.oid, n.nspname ORDER BY n.nspname`,
      [],
      signal,
      config.timeout,
    );
    const schemas = r.rows
      .map(([schema, relations, comment]) => ({ schema: String(schema), relations: Number(relations), comment: comment === null ? null : String(comment) }))
      .filter((s) => schemaVisible(deps, s.schema));
    const text = schemas.length ? schemas.map((s) => `${s.schema} (${s.relations} tables and views)${s.comment ? ` — ${s.comment}` : ''}`).join('\n') : 'No schemas are visible to this server.';
    return { text, structured: { schemas }, rows: schemas.length };
  },
});
