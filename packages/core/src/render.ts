/**
 * A compact text rendering of tabular data for the model: a header line and one line per
 * row, cells separated by " | ", long cells shortened. The full values are in structuredContent.
 */
export function renderTable(columns: readonly string[], rows: readonly (readonly unknown[])[], opts: { maxCell?: number } = {}): string {
  const maxCell = opts.maxCell ?? 200;
  // One string built by concatenation (V8 keeps it as a rope until it is read): a large
  // result is rendered without an array of lines or of cells.
  let out = columns.join(' | ');
  for (const row of rows) {
    out += '\n';
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out += ' | ';
      out += cellText(row[i], maxCell);
    }
  }
  return out;
}

function cellText(v: unknown, maxCell: number): string {
  let s: string;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') s = v;
  else if (v === null || v === undefined) return 'NULL';
  else if (typeof v === 'object') s = JSON.stringify(v);
  else s = String(v);
  if (s.includes('\n')) s = s.replace(/\r?\n/g, '\\n');
  return s.length > maxCell ? `${s.slice(0, maxCell)}…` : s;
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

/** The data of a row result as the model reads it: the table, or nothing when there are no columns. */
export function rowsText(r: Pick<RowsResult, 'columns' | 'rows'>): string {
  return r.columns.length ? renderTable(r.columns, r.rows) : '';
}

/** The connector's line under a row result: how many rows, and what was left out. */
export function rowsNote(r: RowsResult, limits: { maxRows: number; maxBytes: number }): string {
  if (r.columns.length === 0) return 'The statement returned no columns.';
  if (!r.truncated) return `(${r.rowCount} row${r.rowCount === 1 ? '' : 's'})`;
  const total = r.totalRows === undefined ? 'more' : `${r.totalRows}`;
  const cap = r.rowCount >= limits.maxRows ? `the row limit (${limits.maxRows})` : `the size limit (${limits.maxBytes} bytes)`;
  return `(${r.rowCount} of ${total} rows; cut at ${cap}. Filter, aggregate or add LIMIT/OFFSET to see the rest.)`;
}

/**
 * About how many bytes a row takes as JSON (UTF-8), without serializing it: exact for numbers,
 * booleans, null and strings without escapes (quotes, backslashes and control characters are
 * not counted twice), a real JSON.stringify only for nested values. Used to cut results at
 * --max-bytes while reading.
 */
export function estimateRowBytes(row: readonly unknown[]): number {
  let n = row.length ? row.length + 1 : 2; // brackets and commas
  for (const v of row) {
    if (v === null || v === undefined) n += 4;
    else if (typeof v === 'string') n += Buffer.byteLength(v) + 2;
    else if (typeof v === 'number') n += String(v).length;
    else if (typeof v === 'boolean') n += v ? 4 : 5;
    else n += Buffer.byteLength(JSON.stringify(v) ?? 'null');
  }
  return n;
}
