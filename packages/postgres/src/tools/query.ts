import { rowsNote, rowsText } from '@org/mcp-core';
import { z } from 'zod';
import { definePostgresTool } from '../deps.js';
import { rowsOutput, sqlInput } from './schemas.js';

export const query = definePostgresTool({
  name: 'query',
  title: 'Run a read-only query',
  description:
    'Runs one read-only SQL statement (SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN) against PostgreSQL and returns the rows. ' +
    'It runs in a read-only transaction that is always rolled back; statements or functions that change data or reach outside the database are refused. ' +
    'Results are capped (rows and bytes); when truncated is true, narrow the query with WHERE, aggregates or LIMIT/OFFSET. ' +
    'bigint values beyond 2^53 and numeric values come back as strings, dates and times as the server prints them, bytea as {"$blob": base64}.',
  input: z.object(sqlInput),
  output: rowsOutput,
  kind: 'read',
  async handler({ sql, params }, { deps, signal, limits, config }) {
    const { relations: _r, bytes, ...r } = await deps.query(sql, params ?? [], limits, config.timeout, signal);
    return { text: rowsText, note: rowsNote(r, limits), structured: r, structuredBytes: bytes, rows: r.rowCount, truncated: r.truncated };
  },
});
