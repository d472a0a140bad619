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
    s = s.replace(/\r?\n/g, '\\n');
    return s.length > maxCell ? `${s.slice(0, maxCell)}…` : s;
  };
  const lines = [columns.join(' | ')];
  for (const row of rows) lines.push(row.map(cell).join(' | '));
  return lines.join('\n');
}
