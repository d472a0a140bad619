import { describe, expect, it } from 'vitest';
import { MASKED, newStats, Protector, type FieldRules } from './protect.js';

/** A stand-in scanner: masks the word "SECRET" only, so these tests are about the walk and the rules. */
const scan = (s: string, counts: Record<string, number>) => {
  if (!s.includes('SECRET')) return s;
  counts.secret = (counts.secret ?? 0) + s.split('SECRET').length - 1;
  return s.replaceAll('SECRET', '[REDACTED:secret]');
};
const protector = (rules: Partial<FieldRules> = {}) => new Protector(scan, { salt: 'pepper', ...rules });

const table = () => ({
  columns: ['id', 'Email', 'customer_email', 'ssn', 'note'],
  rows: [
    [1, 'a@example.com', 'b@example.com', '123-45-6789', 'hello'],
    [2, null, 'c@example.com', '987-65-4320', 'a SECRET here'],
  ],
  rowCount: 2,
  truncated: false,
});

describe('Protector', () => {
  it('masks, hashes and drops table columns by name, case-insensitively and with * wildcards', () => {
    const stats = newStats();
    const out = protector({ mask: ['email'], hash: ['*_email'], drop: ['SSN'] }).value(table(), stats) as ReturnType<typeof table>;
    expect(out.columns).toEqual(['id', 'Email', 'customer_email', 'note']);
    expect(out.rows[0]![1]).toBe(MASKED);
    expect(out.rows[1]![1]).toBeNull(); // NULL says nothing and stays NULL
    expect(out.rows[0]![2]).toMatch(/^hash:[0-9a-f]{16}$/);
    expect(out.rows[1]![3]).toBe('a [REDACTED:secret] here');
    expect(out.rows.every((r) => r.length === 4)).toBe(true);
    expect(out.rowCount).toBe(2);
    expect(stats.masked).toEqual({ 'mask:email': 1, 'hash:*_email': 2, 'drop:SSN': 2, secret: 1 });
  });

  it('hashes equal values equally under one salt and differently under another', () => {
    const t = { columns: ['k'], rows: [['x'], ['x'], ['y']] };
    const a = (protector({ hash: ['k'] }).value(t, newStats()) as typeof t).rows.flat();
    const b = (new Protector(scan, { hash: ['k'], salt: 'other' }).value(t, newStats()) as typeof t).rows.flat();
    expect(a[0]).toBe(a[1]);
    expect(a[0]).not.toBe(a[2]);
    expect(b[0]).not.toBe(a[0]);
    expect(a.join()).not.toContain('x');
  });

  it('returns the very same objects when nothing needed changing', () => {
    const t = { columns: ['id', 'name'], rows: [[1, 'Ada'], [2, 'Grace']], rowCount: 2 };
    const p = protector({ mask: ['email'] });
    expect(p.value(t, newStats())).toBe(t);
    const nested = { tables: [{ name: 'users', columns: [{ name: 'email', type: 'text' }] }] };
    expect(p.value(nested, newStats())).toBe(nested);
  });

  it('copies only what it changes and leaves the input untouched', () => {
    const t = table();
    const before = JSON.stringify(t);
    const out = protector().value(t, newStats()) as ReturnType<typeof table>;
    expect(JSON.stringify(t)).toBe(before);
    expect(out).not.toBe(t);
    expect(out.rows[0]).toBe(t.rows[0]); // the untouched row is shared
    expect(out.rows[1]).not.toBe(t.rows[1]);
  });

  it('does not apply column rules to keys of metadata (a rule for names must not hide column names)', () => {
    const describe = { name: 'customers', columns: [{ name: 'email', type: 'text' }] };
    expect(protector({ mask: ['name', 'email'], drop: ['type'] }).value(describe, newStats())).toBe(describe);
  });

  it('scans and cleans strings at any depth, object keys and column names included', () => {
    const stats = newStats();
    const v = { 'k\u200by': ['x', { deep: 'SECRET\u202e' }], table: { columns: ['na\u200dme'], rows: [['SECRET SECRET']] } };
    expect(protector().value(v, stats)).toEqual({ ky: ['x', { deep: '[REDACTED:secret]' }], table: { columns: ['name'], rows: [['[REDACTED:secret] [REDACTED:secret]']] } });
    expect(stats).toEqual({ masked: { secret: 3 }, hidden: 3 });
  });

  it('keeps numbers, booleans and nulls as they are', () => {
    const v = { n: 1, b: true, z: null, big: '12345678901234567890' };
    expect(protector().value(v, newStats())).toBe(v);
  });
});
