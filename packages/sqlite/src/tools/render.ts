import { renderTable } from '@org/mcp-core';
import type { QueryResult } from '../engine/protocol.js';

/** The text a model reads for a row result: the table and one line on what was left out. */
export function renderRows(r: QueryResult, limits: { maxRows: number; maxBytes: number }): string {
  if (r.columns.length === 0) return 'The statement returned no columns.';
  const table = renderTable(r.columns, r.rows);
  if (!r.truncated) return `${table}\n(${r.rowCount} row${r.rowCount === 1 ? '' : 's'})`;
  const total = r.totalRows === undefined ? 'more' : `${r.totalRows}`;
  const cap = r.rowCount >= limits.maxRows ? `the row limit (${limits.maxRows})` : `the size limit (${limits.maxBytes} bytes)`;
  return `${table}\n(${r.rowCount} of ${total} rows; cut at ${cap}. Filter, aggregate or add LIMIT/OFFSET to see the rest.)`;
}
