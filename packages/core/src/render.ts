/**
 * A compact text rendering of tabular data for the model: a header line and one line per
 * row, cells separated by " | ", long cells shortened. The full values are in structuredContent.
 */
export function renderTable(columns: readonly string[], rows: readonly (readonly unknown[])[], opts: { maxCell?: number } = {}): string {
  const maxCell = opts.maxCell ?? 200;
  const cell = (v: unknown): string => {
    let s: string;
    if (v === null || v === undefined) s = 'NULL';
    else if (typeof v === 'object') s = JSON.stringify(v);
    else s = String(v);
    if (s.includes('\n')) s = s.replace(/\r?\n/g, '\\n');
    return s.length > maxCell ? `${s.slice(0, maxCell)}…` : s;
  };
  const lines = [columns.join(' | ')];
  for (const row of rows) lines.push(row.map(cell).join(' | '));
  return lines.join('\n');
}

/** A row result as SQL connectors return it. */
export interface RowsResult {
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
  rowCount: number;
  truncated: boolean;
  /** Rows the statement produced in all, when known. */
  totalRows?: number;
}

/** The text a model reads for a row result: the table, and one line on what was left out. */
export function renderRows(r: RowsResult, limits: { maxRows: number; maxBytes: number }): string {
  if (r.columns.length === 0) return 'The statement returned no columns.';
  const table = renderTable(r.columns, r.rows);
  if (!r.truncated) return `${table}\n(${r.rowCount} row${r.rowCount === 1 ? '' : 's'})`;
  const total = r.totalRows === undefined ? 'more' : `${r.totalRows}`;
  const cap = r.rowCount >= limits.maxRows ? `the row limit (${limits.maxRows})` : `the size limit (${limits.maxBytes} bytes)`;
  return `${table}\n(${r.rowCount} of ${total} rows; cut at ${cap}. Filter, aggregate or add LIMIT/OFFSET to see the rest.)`;
}

/**
 * About how many bytes a row takes as JSON, without serializing it: exact for numbers,
 * booleans and null, string length plus quotes for strings (escapes not counted), a real
 * JSON.stringify only for nested values. Used to cut results at --max-bytes while reading.
 */
export function estimateRowBytes(row: readonly unknown[]): number {
  let n = row.length ? row.length + 1 : 2; // brackets and commas
  for (const v of row) {
    if (v === null || v === undefined) n += 4;
    else if (typeof v === 'string') n += v.length + 2;
    else if (typeof v === 'number') n += String(v).length;
    else if (typeof v === 'boolean') n += v ? 4 : 5;
    else n += JSON.stringify(v)?.length ?? 4;
  }
  return n;
}
