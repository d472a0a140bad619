import { ConnectorError, estimateRowBytes, renderTable, type ToolContext } from '@org/mcp-core';
import { z } from 'zod';
import type { SalesforceConfig } from '../config.js';
import { table, type FieldInfo, type SalesforceDeps, type SfRecord } from '../deps.js';
import { checkId, guardSoql, ID, soqlContains } from '../soql.js';

export type Ctx = ToolContext<SalesforceDeps, SalesforceConfig>;

/** Records as the tools return them: a table (so --mask-columns and the like apply to fields). */
export const tableSchema = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())) });
export const recordsSchema = tableSchema.extend({ totalSize: z.number(), truncated: z.boolean() });

export const idInput = (what: string) => z.string().regex(ID, `a Salesforce ${what} Id (15 or 18 letters and digits)`);
export const objectInput = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'an object API name such as Account or Invoice__c').describe('Object API name, e.g. Account, Opportunity, Invoice__c.');
export const dateInput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'a real calendar date');
export const fieldValues = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a field API name'), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** A cursor for the next page of a query: where to fetch (the statement, or Salesforce's next batch) and how many to skip. */
interface Cursor {
  q?: string;
  all?: boolean;
  n?: string;
  s: number;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(cursor: string, version: string): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Cursor;
  } catch {
    throw new ConnectorError('invalid_input', 'That cursor is not one this server gave out.', 'Pass next_cursor from the previous result unchanged, or run the query again.');
  }
  // The cursor comes back from the model: it may only name a query locator of this API version
  // (never another URL) or a statement, which is checked again like any other.
  const okNext = typeof c.n === 'string' && new RegExp(`^/services/data/v${version.replace('.', '\\.')}/query/[A-Za-z0-9]+-\\d+$`).test(c.n);
  if (!(okNext || typeof c.q === 'string') || !Number.isInteger(c.s) || c.s < 0) throw new ConnectorError('invalid_input', 'That cursor is not one this server gave out.', 'Pass next_cursor from the previous result unchanged, or run the query again.');
  return c;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  totalSize: number;
  truncated: boolean;
  next_cursor?: string;
}

/**
 * Runs a SOQL statement (checked and limited by guardSoql) or continues one from a cursor,
 * reading Salesforce's batches until --max-rows rows or --max-bytes are reached; the rest stays
 * behind `next_cursor`.
 */
export async function runSoql(source: { soql: string; all?: boolean } | { cursor: string }, ctx: Ctx, fields?: readonly string[]): Promise<QueryResult & { bytes: number }> {
  const { deps, signal, limits } = ctx;
  let at: Cursor;
  if ('cursor' in source) at = decode(source.cursor, deps.version);
  else at = { q: source.soql, ...(source.all ? { all: true } : {}), s: 0 };
  if (at.q !== undefined) at.q = guardSoql(at.q, deps.config.maxRecords).soql;
  const fetch = (c: Cursor) => deps.queryPage(c.n ? { next: c.n } : { soql: c.q!, ...(c.all ? { all: true } : {}) }, limits.maxRows + c.s, signal);
  let page = await fetch(at);
  const totalSize = page.totalSize;
  const records: SfRecord[] = [];
  let bytes = 2;
  let next: Cursor | undefined;
  for (;;) {
    const batch = page.records;
    for (let i = at.s; i < batch.length; i++) {
      const size = estimateRowBytes(Object.values(batch[i]!)) + 1;
      if (records.length >= limits.maxRows || (records.length > 0 && bytes + size > limits.maxBytes)) {
        next = { ...at, s: i };
        break;
      }
      records.push(batch[i]!);
      bytes += size;
    }
    if (next || page.done || !page.nextRecordsUrl) break;
    at = { n: page.nextRecordsUrl, s: 0 };
    if (records.length >= limits.maxRows) {
      next = at;
      break;
    }
    page = await fetch(at);
  }
  const t = table(records, fields);
  return { ...t, totalSize, truncated: Boolean(next), ...(next ? { next_cursor: encode(next) } : {}), bytes };
}

/** The text under a record table: how many, and how to see more. `what`: the plural, or [singular, plural]. */
export function recordsNote(r: { rows: unknown[]; totalSize: number; next_cursor?: string }, what: string | [string, string] = ['record', 'records']): string {
  const [one, many] = typeof what === 'string' ? [what, what] : what;
  const n = (k: number) => `${k} ${k === 1 ? one : many}`;
  if (r.rows.length === 0) return r.totalSize > 0 ? `Count: ${r.totalSize}.` : `No ${many} matched.`;
  if (r.rows.length >= r.totalSize) return `${n(r.rows.length)}.`;
  return `${r.rows.length} of ${n(r.totalSize)}${r.next_cursor ? '; pass next_cursor to soql_query for the next page' : '; narrow the filters or use soql_query for the rest'}.`;
}

export const renderRecords = (r: { columns: readonly string[]; rows: readonly (readonly unknown[])[] }) => (r.columns.length ? renderTable(r.columns, r.rows) : '');

/** A WHERE clause of the given conditions (each already safe SOQL), or ''. */
export const where = (conds: Array<string | undefined | false>) => {
  const c = conds.filter(Boolean);
  return c.length ? ` WHERE ${c.join(' AND ')}` : '';
};

/** A record of `object` named by Id, or by (part of) its Name when exactly one matches. */
export async function resolveRecord(object: string, ref: string, ctx: Ctx): Promise<{ id: string; name: string }> {
  const { deps, signal } = ctx;
  const d = await deps.describe(object, signal);
  const nameField = d.fields.find((f) => f.nameField)?.name ?? 'Name';
  if (ID.test(ref)) {
    if (d.keyPrefix && ref.slice(0, 3) !== d.keyPrefix) throw new ConnectorError('invalid_input', `${ref} is not ${/^[AEIOU]/.test(object) ? 'an' : 'a'} ${object} Id (those start with ${d.keyPrefix}).`, `Find the ${object} with a search tool first.`);
    const r = await deps.request<SfRecord>({ url: `/services/data/v${deps.version}/sobjects/${object}/${checkId(ref)}?fields=${nameField}` }, signal, `reading ${object} ${ref}`);
    return { id: ref, name: String(r[nameField] ?? ref) };
  }
  const page = await deps.queryPage({ soql: `SELECT Id, ${nameField} FROM ${object} WHERE ${nameField} LIKE ${soqlContains(ref)} ORDER BY LastModifiedDate DESC LIMIT 6` }, 200, signal);
  const hits = page.records.map((r) => ({ id: String(r.Id), name: String(r[nameField] ?? '') }));
  if (hits.length === 0) throw new ConnectorError('not_found', `No ${object} whose ${nameField} contains ${JSON.stringify(ref)}.`, `Search with a shorter part of the name, or find the Id with a search tool.`);
  if (hits.length > 1) {
    throw new ConnectorError('invalid_input', `${hits.length === 6 ? 'More than 5' : hits.length} ${d.labelPlural ?? object} match ${JSON.stringify(ref)}: ${hits.slice(0, 5).map((h) => `${h.id} (${JSON.stringify(h.name.slice(0, 80))})`).join(', ')}.`, 'Call again with the Id of the one meant (ask the user if unsure).');
  }
  return hits[0]!;
}

/** An active value of a picklist field, matched in any case, or by a unique start or part ("negotiation" is Negotiation/Review). */
export function pickValue(field: FieldInfo, input: string, object: string): string {
  const values = (field.picklistValues ?? []).filter((v) => v.active).map((v) => v.value);
  const lower = input.trim().toLowerCase();
  const exact = values.find((v) => v.toLowerCase() === lower);
  if (exact) return exact;
  for (const test of [(v: string) => v.toLowerCase().startsWith(lower), (v: string) => v.toLowerCase().includes(lower)]) {
    const hits = values.filter(test);
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new ConnectorError('invalid_input', `${JSON.stringify(input)} matches several values of ${object}.${field.name}: ${hits.join(', ')}.`, 'Call again with one of them.');
  }
  throw new ConnectorError('invalid_input', `${JSON.stringify(input)} is not a value of ${object}.${field.name}. The values are: ${values.join(', ')}.`, 'Call again with one of them.');
}

/** A field of the described object, by API name in any case. */
export function fieldOf(fields: FieldInfo[], name: string, object: string): FieldInfo {
  const f = fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!f) throw new ConnectorError('invalid_input', `${object} has no field ${name}.`, `describe_object ${object} lists its fields.`);
  return f;
}

/**
 * Field values checked against the describe before anything is sent: each field exists and can
 * be set (createable for a new record, updateable for a change); picklist values are matched.
 */
export async function checkFields(object: string, values: Record<string, unknown>, mode: 'create' | 'update', ctx: Ctx): Promise<Record<string, unknown>> {
  const d = await ctx.deps.describe(object, ctx.signal);
  if (mode === 'create' ? !d.createable : !d.updateable) throw new ConnectorError('denied', `${object} records cannot be ${mode === 'create' ? 'created' : 'updated'} by this Salesforce user.`);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const f = fieldOf(d.fields, name, object);
    if (mode === 'create' ? !f.createable : !f.updateable) throw new ConnectorError('invalid_input', `${object}.${f.name} cannot be ${mode === 'create' ? 'set on a new record' : 'changed'} (it is read-only or set by Salesforce).`, `describe_object ${object} shows which fields can be set.`);
    out[f.name] = (f.type === 'picklist' && typeof value === 'string' && f.restrictedPicklist) ? pickValue(f, value, object) : value;
  }
  if (mode === 'create') {
    const missing = d.fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean' && !(f.name in out)).map((f) => f.name);
    if (missing.length) throw new ConnectorError('invalid_input', `A new ${object} needs ${missing.join(', ')}.`, 'Add the missing fields and call again.');
  }
  return out;
}

/** A date as a person reads it in a confirmation: "Friday 2026-12-04". */
export const day = (iso: string) => `${new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })} ${iso}`;

/** Field changes as the user confirms them: one line per field, old → new. */
export function changes(before: Record<string, unknown>, after: Record<string, unknown>): string {
  return Object.entries(after)
    .map(([k, v]) => `  ${k}: ${before[k] === undefined || before[k] === null ? '(empty)' : JSON.stringify(before[k])} → ${v === null ? '(empty)' : JSON.stringify(v)}`)
    .join('\n');
}

/** Creates a record; the Id Salesforce gave it. */
export async function createRecord(object: string, fields: Record<string, unknown>, ctx: Ctx): Promise<string> {
  const r = await ctx.deps.request<{ id: string; success: boolean }>({ method: 'POST', url: `/services/data/v${ctx.deps.version}/sobjects/${object}`, body: fields }, ctx.signal, `creating the ${object}`);
  return r.id;
}

/** Updates fields of a record. */
export async function updateRecord(object: string, id: string, fields: Record<string, unknown>, ctx: Ctx): Promise<void> {
  await ctx.deps.request({ method: 'PATCH', url: `/services/data/v${ctx.deps.version}/sobjects/${object}/${checkId(id)}`, body: fields }, ctx.signal, `updating ${object} ${id}`);
}

/** Current values of some fields of a record. */
export async function readFields(object: string, id: string, fields: readonly string[], ctx: Ctx): Promise<Record<string, unknown>> {
  const r = await ctx.deps.request<SfRecord>({ url: `/services/data/v${ctx.deps.version}/sobjects/${object}/${checkId(id)}${fields.length ? `?fields=${fields.join(',')}` : ''}` }, ctx.signal, `reading ${object} ${id}`);
  const { attributes: _a, ...rest } = r;
  return rest;
}

/** The result of a write: what was written, for the model. */
export const writeSchema = z.object({ object: z.string(), id: z.string(), success: z.boolean() });
