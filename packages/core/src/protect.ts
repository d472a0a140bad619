import { createHmac } from 'node:crypto';
import type { PiiScanner } from './pii.js';
import { cleanText } from './untrusted.js';

/** What was changed in one value, for the audit event (never the values themselves). */
export interface ProtectStats {
  /** Findings and field rules that fired, by name: `email`, `secret`, `column:ssn`… */
  masked: Record<string, number>;
  /** Invisible and bidi-control characters removed. */
  hidden: number;
}

export const newStats = (): ProtectStats => ({ masked: {}, hidden: 0 });

export type FieldAction = 'mask' | 'hash' | 'drop';

export interface FieldRules {
  mask?: readonly string[];
  hash?: readonly string[];
  drop?: readonly string[];
  /** Key of the HMAC that `hash` uses; the same value hashes the same under the same salt. */
  salt: string;
}

/** What a masked field shows instead of its value. */
export const MASKED = '[MASKED]';

/**
 * Cleans and masks backend content before the model sees it:
 * - every string loses its hidden characters and has personal data and secrets replaced (the
 *   scanner, per --pii-mode);
 * - table columns named in the rules are masked, hashed or dropped whatever they hold: `email`,
 *   `*_email`, `ssn`. Names match case-insensitively; `*` matches any run of characters.
 * A table is an object with `columns: string[]` and `rows: unknown[][]`, the shape the SQL
 * connectors return; its column rules apply cell by cell and a dropped column leaves both.
 * Object keys elsewhere are not matched: in metadata (describe_table) a key such as `name` is
 * not personal data, and a rule for customers' names must not hide column names.
 * Values are copied only where something changed, so an untouched result is returned as is.
 */
export class Protector {
  private readonly rules: Array<{ re: RegExp; action: FieldAction; name: string }> = [];
  private readonly verdicts = new Map<string, { action: FieldAction; rule: string } | null>();

  constructor(
    private readonly scan: PiiScanner,
    private readonly fields: FieldRules,
  ) {
    for (const action of ['drop', 'mask', 'hash'] as const) {
      for (const name of fields[action] ?? []) {
        const re = new RegExp(`^${name.split('*').map(escapeRegExp).join('.*')}$`, 'i');
        this.rules.push({ re, action, name });
      }
    }
  }

  /** The rule for a field name, if one applies (drop beats mask beats hash). */
  ruleFor(name: string): { action: FieldAction; rule: string } | undefined {
    let v = this.verdicts.get(name);
    if (v === undefined) {
      const hit = this.rules.find((r) => r.re.test(name));
      v = hit ? { action: hit.action, rule: `${hit.action}:${hit.name}` } : null;
      if (this.verdicts.size > 1000) this.verdicts.clear();
      this.verdicts.set(name, v);
    }
    return v ?? undefined;
  }

  /** One string, cleaned and masked. */
  text(s: string, stats: ProtectStats): string {
    const { text, removed } = cleanText(s);
    stats.hidden += removed;
    return this.scan(text, stats.masked);
  }

  /** Any JSON-like value, cleaned and masked (see the class comment). */
  value(v: unknown, stats: ProtectStats): unknown {
    if (typeof v === 'string') return this.text(v, stats);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return this.array(v, stats);
    if (isTable(v)) return this.table(v, stats);
    let out: Record<string, unknown> | undefined;
    const entries = Object.entries(v);
    for (let i = 0; i < entries.length; i++) {
      const [key, item] = entries[i]!;
      const cleanKey = this.text(key, stats);
      const next = this.value(item, stats);
      if (out === undefined && (next !== item || cleanKey !== key)) out = Object.fromEntries(entries.slice(0, i));
      if (out) out[cleanKey] = next;
    }
    return out ?? v;
  }

  private array(a: readonly unknown[], stats: ProtectStats): unknown[] {
    let out: unknown[] | undefined;
    for (let i = 0; i < a.length; i++) {
      const item = a[i];
      const next = this.value(item, stats);
      if (next !== item && out === undefined) out = a.slice(0, i);
      if (out) out.push(next);
    }
    return out ?? (a as unknown[]);
  }

  private table(t: Table, stats: ProtectStats): Table {
    const rules = t.columns.map((c) => (this.rules.length ? this.ruleFor(c) : undefined));
    const keep = rules.map((r) => r?.action !== 'drop');
    const dropping = keep.includes(false);
    const rows = t.rows;
    let outRows: unknown[][] | undefined;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let outRow: unknown[] | undefined = dropping ? [] : undefined;
      for (let c = 0; c < row.length; c++) {
        const cell = row[c];
        const rule = rules[c];
        const next = rule ? this.apply(rule, cell, stats) : this.value(cell, stats);
        if (!outRow && next !== cell) outRow = row.slice(0, c);
        if (outRow && keep[c] !== false) outRow.push(next);
      }
      if (outRow && !outRows) outRows = rows.slice(0, r);
      if (outRows) outRows.push(outRow ?? row);
    }
    const columns = t.columns.map((c) => this.text(c, stats));
    const changedColumns = dropping || columns.some((c, i) => c !== t.columns[i]);
    const { columns: _c, rows: _r, ...rest } = t;
    const restOut = this.value(rest, stats) as Record<string, unknown>;
    if (!outRows && !changedColumns && restOut === rest) return t;
    return { ...t, ...restOut, columns: dropping ? columns.filter((_, i) => keep[i]) : columns, rows: outRows ?? rows };
  }

  private apply(rule: { action: FieldAction; rule: string }, v: unknown, stats: ProtectStats): unknown {
    if (v === null || v === undefined) return v;
    stats.masked[rule.rule] = (stats.masked[rule.rule] ?? 0) + 1;
    if (rule.action === 'mask') return MASKED;
    if (rule.action === 'hash') return `hash:${createHmac('sha256', this.fields.salt).update(typeof v === 'string' ? v : JSON.stringify(v)).digest('hex').slice(0, 16)}`;
    return undefined;
  }
}

interface Table {
  columns: string[];
  rows: unknown[][];
  [key: string]: unknown;
}

function isTable(v: object): v is Table {
  const t = v as Partial<Table>;
  return Array.isArray(t.columns) && Array.isArray(t.rows) && t.columns.every((c) => typeof c === 'string') && t.rows.every(Array.isArray);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
