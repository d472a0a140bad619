import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';
import type { TableDescription } from '../engine/protocol.js';

export const tableDescriptionSchema = z.object({
  name: z.string(),
  type: z.enum(['table', 'view']),
  sql: z.string().nullable().describe('The CREATE statement.'),
  columns: z.array(z.object({ name: z.string(), type: z.string(), notNull: z.boolean(), default: z.string().nullable(), primaryKey: z.number().int().describe('Position in the primary key, 0 if not part of it.'), hidden: z.boolean() })),
  foreignKeys: z.array(z.object({ columns: z.array(z.string()), table: z.string(), to: z.array(z.string()), onUpdate: z.string(), onDelete: z.string() })),
  indexes: z.array(z.object({ name: z.string(), unique: z.boolean(), origin: z.string(), columns: z.array(z.string()), partial: z.boolean() })),
});

export function describeText(d: TableDescription): string {
  const cols = d.columns.map((c) => `  ${c.name} ${c.type || '(no type)'}${c.primaryKey ? ' PRIMARY KEY' : ''}${c.notNull ? ' NOT NULL' : ''}${c.default === null ? '' : ` DEFAULT ${c.default}`}`);
  const fks = d.foreignKeys.map((f) => `  (${f.columns.join(', ')}) -> ${f.table}(${f.to.join(', ') || 'primary key'})`);
  const idx = d.indexes.map((i) => `  ${i.name}${i.unique ? ' UNIQUE' : ''} (${i.columns.join(', ')})`);
  return [`${d.type} ${d.name}`, 'columns:', ...cols, ...(fks.length ? ['foreign keys:', ...fks] : []), ...(idx.length ? ['indexes:', ...idx] : [])].join('\n');
}

export const describeTable = defineSqliteTool({
  name: 'describe_table',
  title: 'Describe a table',
  description:
    'Shows one table or view: columns with types, NOT NULL and defaults, the primary key, foreign keys (how tables join) and indexes. Use it before writing a query against a table.',
  input: z.object({ table: z.string().min(1).describe('Table or view name, exactly as list_tables shows it.') }),
  output: tableDescriptionSchema,
  kind: 'read',
  async handler({ table }, { deps, signal }) {
    const d = await deps.run<TableDescription>({ op: 'describe', table }, signal);
    return { text: describeText(d), structured: d, rows: d.columns.length };
  },
});
