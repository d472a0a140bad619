import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';
import type { QueryResult } from '../engine/protocol.js';
import { rowsNote, rowsText } from '@org/mcp-core';
import { rowsOutput, sqlInput } from './schemas.js';

export const readQuery = defineSqliteTool({
  name: 'read_query',
  title: 'Run a read-only query',
  description:
    'Runs one read-only SQL statement (SELECT, WITH … SELECT, VALUES, EXPLAIN, or an introspection PRAGMA such as table_info) and returns the rows. ' +
    'SQLite dialect. Results are capped (rows and bytes); when truncated is true, narrow the query with WHERE, aggregates or LIMIT/OFFSET. ' +
    'Integers beyond 2^53 come back as decimal strings and BLOBs as {"$blob": base64}. Statements that change anything are refused.',
  input: z.object(sqlInput),
  output: rowsOutput,
  kind: 'read',
  async handler({ sql, params }, { deps, signal, limits }) {
    const { bytes, ...r } = await deps.run<QueryResult>({ op: 'query', sql, ...(params ? { params } : {}), allow: 'read', ...limits }, signal);
    return { text: rowsText, note: rowsNote(r, limits), structured: r, ...(bytes === undefined ? {} : { structuredBytes: bytes }), rows: r.rowCount, truncated: r.truncated };
  },
});
