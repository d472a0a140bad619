import { describe, expect, it } from 'vitest';
import { renderTable } from './render.js';

describe('renderTable', () => {
  it('writes a header line and one line per row, cells joined by " | "', () => {
    expect(renderTable(['id', 'name'], [[1, 'Ada'], [2, 'Linus']])).toBe('id | name\n1 | Ada\n2 | Linus');
  });

  it('is only the header when there are no rows', () => {
    expect(renderTable(['a', 'b'], [])).toBe('a | b');
  });

  it('shows null and undefined as NULL, objects as JSON, and escapes newlines', () => {
    expect(renderTable(['v'], [[null], [undefined], [{ $blob: 'AAE=' }], [[1, 2]], ['two\nlines\r\nhere'], [true], [12n]])).toBe(
      ['v', 'NULL', 'NULL', '{"$blob":"AAE="}', '[1,2]', 'two\\nlines\\nhere', 'true', '12'].join('\n'),
    );
  });

  it('shortens long cells to maxCell characters (200 by default) with an ellipsis', () => {
    const [, line] = renderTable(['s'], [['x'.repeat(250)]]).split('\n');
    expect(line).toBe(`${'x'.repeat(200)}…`);
    expect(renderTable(['s'], [['abcdef']], { maxCell: 3 })).toBe('s\nabc…');
    expect(renderTable(['s'], [['abc']], { maxCell: 3 })).toBe('s\nabc');
  });
});

describe('estimateRowBytes', () => {
  it('matches the UTF-8 size of JSON.stringify for rows without escapes, and stays close with them', async () => {
    const { estimateRowBytes } = await import('./render.js');
    const rows: unknown[][] = [
      [1, 'Ada', null, true, 3.25, -7],
      ['', false, { a: [1, 2] }, [null, 'x'], 1e21],
      ['é€😀', 9007199254740991],
      [],
    ];
    for (const row of rows) expect(estimateRowBytes(row)).toBe(Buffer.byteLength(JSON.stringify(row)));
    const escaped = ['line\nbreak "quoted"'];
    expect(Math.abs(estimateRowBytes(escaped) - JSON.stringify(escaped).length)).toBeLessThanOrEqual(3);
  });
});
