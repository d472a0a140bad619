import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';
import type { DryRunResult, QueryResult } from '../engine/protocol.js';
import { rowsNote, rowsText } from '@org/mcp-core';
import { cellSchema, sqlInput } from './schemas.js';

export const writeQuery = defineSqliteTool({
  name: 'write_query',
  title: 'Change data',
  description:
    'Runs one INSERT, UPDATE, DELETE or REPLACE statement (WITH … allowed, RETURNING allowed) in its own transaction and reports the rows changed. ' +
    'Only available when the server runs with --allow-write. Schema changes, ATTACH, VACUUM and pragmas are refused. The user confirms each call (the client asks them, or the call returns a preview and a token to repeat it with).',
  input: z.object(sqlInput),
  output: z.object({
    changes: z.number().int().describe('Rows inserted, updated or deleted.'),
    lastInsertRowid: z.union([z.number(), z.string()]),
    columns: z.array(z.string()),
    rows: z.array(z.array(cellSchema)).describe('Rows from a RETURNING clause.'),
    rowCount: z.number().int(),
    truncated: z.boolean(),
  }),
  kind: 'destructive',
  async preview({ sql, params }, { deps, signal }) {
    const { changes } = await deps.run<DryRunResult>({ op: 'dry_run', sql, ...(params ? { params } : {}) }, signal);
    const bound = params?.length ? `\nwith parameters ${JSON.stringify(params)}` : '';
    return `${sql.trim()}${bound}\n\nA dry run (rolled back) changed ${changes} row${changes === 1 ? '' : 's'}.`;
  },
  async handler({ sql, params }, { deps, signal, limits }) {
    const r = await deps.run<QueryResult>({ op: 'query', sql, ...(params ? { params } : {}), allow: 'write', ...limits }, signal);
    const changes = r.changes ?? r.rowCount;
    const structured = { changes, lastInsertRowid: r.lastInsertRowid ?? 0, columns: r.columns, rows: r.rows, rowCount: r.rowCount, truncated: r.truncated };
    const counted = `${changes} row${changes === 1 ? '' : 's'} changed.`;
    return { text: rowsText, note: r.columns.length ? `${counted} ${rowsNote(r, limits)}` : counted, structured, rows: changes, truncated: r.truncated };
  },
});
