import { ConnectorError } from '@org/mcp-core';
import { z } from 'zod';
import { definePostgresTool, type PostgresDeps } from '../deps.js';
import { RELKINDS, relationVisible } from './catalog.js';

export const tableDescription = z.object({
  schema: z.string(),
  name: z.string(),
  type: z.string(),
  comment: z.string().nullable(),
  columns: z.array(z.object({ name: z.string(), type: z.string(), notNull: z.boolean(), default: z.string().nullable(), comment: z.string().nullable() })),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(z.object({ name: z.string(), definition: z.string() })),
  constraints: z.array(z.object({ name: z.string(), kind: z.string(), definition: z.string() })),
  indexes: z.array(z.object({ name: z.string(), definition: z.string(), unique: z.boolean(), primary: z.boolean() })),
});
export type TableDescription = z.infer<typeof tableDescription>;

const CONSTRAINT_KINDS: Record<string, string> = { c: 'check', u: 'unique', x: 'exclusion', t: 'trigger', n: 'not null' };

/** One catalog query; the names are bound parameters. */
const DESCRIBE_SQL = `
SELECT c.relkind::text,
       obj_description(c.oid, 'pg_class'),
       (SELECT coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
                                                   'default', pg_get_expr(d.adbin, d.adrelid), 'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum), '[]')
          FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
       (SELECT coalesce(json_agg(a.attname ORDER BY array_position(con.conkey, a.attnum)), '[]')
          FROM pg_constraint con JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
         WHERE con.conrelid = c.oid AND con.contype = 'p'),
       (SELECT coalesce(json_agg(json_build_object('name', con.conname, 'kind', con.contype, 'definition', pg_get_constraintdef(con.oid)) ORDER BY con.conname), '[]')
          FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype <> 'p'),
       (SELECT coalesce(json_agg(json_build_object('name', i.relname, 'definition', pg_get_indexdef(ix.indexrelid), 'unique', ix.indisunique, 'primary', ix.indisprimary) ORDER BY i.relname), '[]')
          FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid WHERE ix.indrelid = c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;

export async function describe(deps: PostgresDeps, schema: string, table: string, signal: AbortSignal, timeoutMs: number): Promise<TableDescription> {
  const notFound = () => new ConnectorError('not_found', `No table or view "${schema}"."${table}" is visible to this server.`, 'Call list_tables for the names (they are case-sensitive).');
  if (!relationVisible(deps, schema, table)) throw notFound();
  const r = await deps.catalog(DESCRIBE_SQL, [schema, table], signal, timeoutMs);
  const row = r.rows[0];
  if (!row) throw notFound();
  const [kind, comment, columns, primaryKey, constraints, indexes] = row as [string, string | null, TableDescription['columns'], string[], Array<{ name: string; kind: string; definition: string }>, TableDescription['indexes']];
  return {
    schema,
    name: table,
    type: RELKINDS[kind] ?? kind,
    comment,
    columns,
    primaryKey,
    foreignKeys: constraints.filter((c) => c.kind === 'f').map(({ name, definition }) => ({ name, definition })),
    constraints: constraints.filter((c) => c.kind !== 'f').map((c) => ({ ...c, kind: CONSTRAINT_KINDS[c.kind] ?? c.kind })),
    indexes,
  };
}

export function describeText(d: TableDescription): string {
  const lines = [`${d.type} ${d.schema}.${d.name}${d.comment ? ` — ${d.comment}` : ''}`, 'columns:'];
  for (const c of d.columns) lines.push(`  ${c.name} ${c.type}${d.primaryKey.includes(c.name) ? ' PRIMARY KEY' : ''}${c.notNull ? ' NOT NULL' : ''}${c.default === null ? '' : ` DEFAULT ${c.default}`}${c.comment ? ` — ${c.comment}` : ''}`);
  if (d.foreignKeys.length) lines.push('foreign keys:', ...d.foreignKeys.map((f) => `  ${f.definition}`));
  if (d.constraints.length) lines.push('constraints:', ...d.constraints.map((c) => `  ${c.name}: ${c.definition}`));
  if (d.indexes.length) lines.push('indexes:', ...d.indexes.map((i) => `  ${i.definition}`));
  return lines.join('\n');
}

export const describeTable = definePostgresTool({
  name: 'describe_table',
  title: 'Describe a table',
  description:
    'Shows one table or view: columns with types, nullability, defaults and comments, the primary key, foreign keys (how tables join), other constraints and indexes. Use it before writing a query against the table.',
  input: z.object({
    schema: z.string().min(1).default('public').describe('Schema name, e.g. "public".'),
    table: z.string().min(1).describe('Table or view name, exactly as list_tables shows it.'),
  }),
  output: tableDescription,
  kind: 'read',
  async handler({ schema, table }, { deps, signal, config }) {
    const d = await describe(deps, schema, table, signal, config.timeout);
    return { text: describeText(d), structured: d, rows: d.columns.length };
  },
});
