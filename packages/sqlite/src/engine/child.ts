/**
 * The engine process: owns the only connection to the database file and runs one request at
 * a time. It is a separate process (not a worker thread) because a runaway statement spins
 * inside SQLite's C code, where a worker cannot be stopped; a process can always be killed.
 */
import Database from 'better-sqlite3';
import { estimateRowBytes } from '@org/mcp-core/render';
import { existsSync } from 'node:fs';
import { createDemoDatabase } from '../demo-data.js';
import { classify, SqlRejected, type Classification, type StatementKind } from './guard.js';
import type { Cell, DryRunResult, EngineOptions, Params, PlanStep, QueryResult, Request, Response, TableDescription, TableInfo } from './protocol.js';

type Failure = Extract<Response, { ok: false }>['error'];
class EngineError extends Error {
  constructor(readonly detail: Failure) {
    super(detail.message);
  }
}
const fail = (code: Failure['code'], message: string, hint?: string): never => {
  throw new EngineError({ code, message, ...(hint ? { hint } : {}) });
};

/** Rows beyond the returned ones that may be stepped through just to report the total. */
/** Thrown inside a dry run's transaction so that better-sqlite3 rolls it back; carries the result. */
class RolledBack extends Error {
  constructor(readonly result: unknown) {
    super('rolled back');
  }
}

const COUNT_REST_LIMIT = 100_000;
const COUNT_REST_MS = 50;

export function openDatabase(opts: EngineOptions): Database.Database {
  if (opts.demo && !existsSync(opts.file)) createDemoDatabase(opts.file);
  if (!existsSync(opts.file)) fail('not_found', `Database file not found: ${opts.file}`);
  const db = new Database(opts.file, { readonly: !opts.allowWrite, fileMustExist: true, timeout: 5000 });
  db.defaultSafeIntegers(true);
  db.pragma('trusted_schema = OFF'); // schema-defined SQL (views, triggers) cannot call risky functions
  db.pragma('query_only = ON'); // switched off only around an allowed write, in write mode
  return db;
}

interface Prepared {
  stmt: Database.Statement;
  kind: StatementKind;
  /** Column names, refreshed when the schema version changes. */
  columns?: string[];
  schemaVersion?: number;
}

export class Engine {
  /** Classified and prepared statements by SQL text (classification is a pure function of it). */
  private readonly cache = new Map<string, Prepared>();
  /** One statement for the after-read check: query_only, writable_schema, attached databases, schema version. */
  private readonly stateCheck: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: EngineOptions,
  ) {
    this.stateCheck = db
      .prepare('SELECT (SELECT query_only FROM pragma_query_only), (SELECT writable_schema FROM pragma_writable_schema), (SELECT count(*) FROM pragma_database_list), (SELECT schema_version FROM pragma_schema_version)')
      .raw(true);
  }

  handle(req: Request): unknown {
    switch (req.op) {
      case 'query':
        return this.query(req.sql, req.params, req.allow, req.maxRows, req.maxBytes);
      case 'dry_run':
        return this.dryRun(req.sql, req.params);
      case 'explain':
        return this.explain(req.sql, req.params);
      case 'tables':
        return this.tables();
      case 'describe':
        return this.describe(req.table);
      case 'schema':
        return this.db.prepare("SELECT type, name, tbl_name AS tableName, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY tbl_name, type DESC, name").all();
    }
  }

  /** Classifies (before anything is compiled), checks the kind against what the tool allows, prepares. */
  private prepare(sql: string, allow: StatementKind): Prepared {
    let entry = this.cache.get(sql);
    if (!entry) {
      const kind = classifyOrFail(sql);
      if (kind.kind === 'denied') fail('denied', `${kind.verb} is not allowed: ${kind.reason}.`);
      if (kind.kind !== allow) this.wrongTool(kind.verb, kind.kind);
      let stmt: Database.Statement;
      try {
        stmt = this.db.prepare(sql);
      } catch (e) {
        return fail('invalid_input', `SQLite could not prepare the statement: ${(e as Error).message}.`, 'Check the SQL against the schema (list_tables, describe_table).');
      }
      if (this.cache.size >= 200) this.cache.delete(this.cache.keys().next().value!);
      entry = { stmt, kind: kind.kind };
      this.cache.set(sql, entry);
    } else if (entry.kind !== allow) {
      this.wrongTool(classifyOrFail(sql).verb, entry.kind);
    }
    return entry;
  }

  private wrongTool(verb: string, kind: StatementKind): never {
    const use =
      kind === 'read'
        ? 'Use read_query for reads.'
        : kind === 'write'
          ? this.opts.allowWrite
            ? 'Use write_query for INSERT, UPDATE and DELETE.'
            : 'This server is read-only; the user can restart it with --allow-write to enable write_query.'
          : this.opts.allowWrite
            ? 'Use create_table for CREATE TABLE.'
            : 'This server is read-only.';
    return fail('denied', `${verb} is not allowed in this tool. ${use}`);
  }

  query(sql: string, params: Params | undefined, allow: 'read' | 'write' | 'create_table', maxRows: number, maxBytes: number): QueryResult {
    if (allow === 'read') {
      const entry = this.prepare(sql, 'read');
      // SQLite's own verdict, independent of the classifier.
      if (!entry.stmt.readonly || !entry.stmt.reader) fail('denied', 'Only statements that read and return rows are allowed here.');
      try {
        return this.readRows(entry, params, maxRows, maxBytes);
      } finally {
        this.assertReadOnlyState(entry);
      }
    }
    return this.inWriteTransaction(sql, allow, (entry) => {
      if (entry.stmt.reader) return this.readRows(entry, params, maxRows, maxBytes); // … RETURNING
      const info = entry.stmt.run(...bindArgs(params));
      return { columns: [], rows: [], rowCount: 0, truncated: false, changes: info.changes, lastInsertRowid: cell(info.lastInsertRowid) as string | number };
    });
  }

  /**
   * Runs `work` on an allowed write in its own transaction, with query_only off only meanwhile;
   * SQLite's own errors become a refusal the model can read. With `rollback` the transaction is
   * rolled back after `work` (a dry run) and its result returned all the same.
   */
  private inWriteTransaction<T>(sql: string, allow: 'write' | 'create_table', work: (entry: Prepared) => T, rollback = false): T {
    if (!this.opts.allowWrite) fail('denied', 'This server is read-only; the user can restart it with --allow-write.');
    const entry = this.prepare(sql, allow);
    this.db.pragma('query_only = OFF');
    try {
      return this.db.transaction(() => {
        const result = work(entry);
        if (rollback) throw new RolledBack(result); // better-sqlite3 rolls back on a throw
        return result;
      })();
    } catch (e) {
      if (e instanceof RolledBack) return e.result as T;
      if (e instanceof EngineError) throw e;
      return fail('backend', `SQLite refused the statement: ${(e as Error).message}.`);
    } finally {
      this.db.pragma('query_only = ON');
    }
  }

  /** Runs a write the way query() would, counts what it changed, and rolls it back. */
  dryRun(sql: string, params: Params | undefined): DryRunResult {
    const changes = this.inWriteTransaction(
      sql,
      'write',
      (entry) => {
        // … RETURNING: one row per changed row, and the statement finishes only when all are read.
        if (!entry.stmt.reader) return entry.stmt.run(...bindArgs(params)).changes;
        let n = 0;
        for (const _row of entry.stmt.raw(true).iterate(...bindArgs(params))) n++;
        return n;
      },
      true,
    );
    return { changes };
  }

  private readRows(entry: Prepared, params: Params | undefined, maxRows: number, maxBytes: number): QueryResult {
    const { stmt } = entry;
    const columns = (entry.columns ??= stmt.columns().map((c) => c.name));
    const rows: Cell[][] = [];
    // The result's JSON without rows (its numbers at their widest) counts against the cap too.
    let bytes = JSON.stringify({ columns, rows: [], rowCount: maxRows, truncated: false, totalRows: Number.MAX_SAFE_INTEGER }).length;
    let truncated = false;
    let totalRows: number | undefined;
    const it = stmt.raw(true).iterate(...bindArgs(params)) as IterableIterator<unknown[]>;
    try {
      for (const raw of it) {
        if (raw.length !== columns.length) return this.readRows({ ...entry, columns: undefined }, params, maxRows, maxBytes); // schema changed under a cached statement
        const row = raw.map(cell);
        const size = estimateRowBytes(row) + 1;
        if (rows.length >= maxRows || bytes + size > maxBytes) {
          truncated = true;
          totalRows = countRest(it, rows.length + 1);
          break;
        }
        rows.push(row);
        bytes += size;
      }
    } catch (e) {
      fail('backend', `SQLite stopped the query: ${(e as Error).message}.`);
    } finally {
      it.return?.();
    }
    return { columns, rows, rowCount: rows.length, truncated, ...(truncated ? (totalRows === undefined ? {} : { totalRows }) : { totalRows: rows.length }), bytes };
  }

  explain(sql: string, params: Params | undefined): PlanStep[] {
    const inner = this.prepare(sql, 'read');
    if (!inner.stmt.readonly) fail('denied', 'Only reads can be explained.');
    const { stmt } = this.prepare(`EXPLAIN QUERY PLAN ${sql}`, 'read');
    const rows = stmt.raw(false).all(...bindArgs(params)) as Array<{ id: bigint | number; parent: bigint | number; detail: string }>;
    return rows.map((r) => ({ id: Number(r.id), parent: Number(r.parent), detail: r.detail }));
  }

  tables(): TableInfo[] {
    const list = this.db.prepare("SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string; type: 'table' | 'view' }>;
    return list.map(({ name, type }) => ({
      name,
      type,
      // Counted for tables only: counting a view runs its whole query.
      rows: type === 'table' ? Number(this.db.prepare(`SELECT count(*) FROM ${quoteIdent(name)}`).pluck().get()) : null,
    }));
  }

  describe(table: string): TableDescription {
    const entry = this.db.prepare("SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?").get(table) as { name: string; type: 'table' | 'view'; sql: string | null } | undefined;
    if (!entry) {
      const known = this.tables().map((t) => t.name);
      fail('not_found', `No table or view named "${table}".`, `Known tables: ${known.join(', ') || '(none)'}.`);
    }
    const { name, type, sql } = entry!;
    const n = (v: unknown) => Number(v);
    const columns = (this.db.prepare('SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk, hidden FROM pragma_table_xinfo(?)').all(name) as Array<Record<string, unknown>>).map((c) => ({
      name: String(c.name), type: String(c.type ?? ''), notNull: n(c.nn) === 1, default: c.dflt === null ? null : String(c.dflt), primaryKey: n(c.pk), hidden: n(c.hidden) !== 0,
    }));
    const fkRows = this.db.prepare('SELECT id, "table" AS tbl, "from" AS src, "to" AS dst, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(name) as Array<Record<string, unknown>>;
    const fks = new Map<number, TableDescription['foreignKeys'][number]>();
    for (const r of fkRows) {
      const fk = fks.get(n(r.id)) ?? { columns: [], table: String(r.tbl), to: [], onUpdate: String(r.on_update), onDelete: String(r.on_delete) };
      fk.columns.push(String(r.src));
      if (r.dst !== null) fk.to.push(String(r.dst));
      fks.set(n(r.id), fk);
    }
    const indexes = (this.db.prepare('SELECT name, "unique" AS u, origin, partial FROM pragma_index_list(?)').all(name) as Array<Record<string, unknown>>).map((ix) => ({
      name: String(ix.name), unique: n(ix.u) === 1, origin: String(ix.origin), partial: n(ix.partial) === 1,
      columns: (this.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(String(ix.name)) as Array<string | null>).map((c) => c ?? '(expression)'),
    }));
    return { name, type, sql, columns, foreignKeys: [...fks.values()], indexes };
  }

  /** A read must leave the connection as it found it; if not, this process must not serve again. */
  private assertReadOnlyState(entry: Prepared) {
    const [queryOnly, writableSchema, databases, schemaVersion] = (this.stateCheck.get() as bigint[]).map(Number) as [number, number, number, number];
    if (queryOnly !== 1 || writableSchema !== 0 || databases > 2) {
      process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'engine state changed by a read; exiting', queryOnly, writableSchema, databases })}\n`);
      process.exit(70);
    }
    if (entry.schemaVersion !== schemaVersion) {
      // The schema changed since the column names were cached (another process altered it).
      if (entry.schemaVersion !== undefined) entry.columns = undefined;
      entry.schemaVersion = schemaVersion;
    }
  }
}

function classifyOrFail(sql: string): Classification {
  try {
    return classify(sql);
  } catch (e) {
    if (e instanceof SqlRejected) fail('invalid_input', e.message);
    throw e;
  }
}

function countRest(it: IterableIterator<unknown>, seen: number): number | undefined {
  const deadline = performance.now() + COUNT_REST_MS;
  let total = seen;
  for (let next = it.next(); !next.done; next = it.next()) {
    total++;
    if (total - seen > COUNT_REST_LIMIT || ((total & 1023) === 0 && performance.now() > deadline)) return undefined;
  }
  return total;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function bindArgs(params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  return params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

export function cell(v: unknown): Cell {
  if (typeof v === 'bigint') return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return { $blob: v.toString('base64'), bytes: v.length };
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v as Cell;
}

// ---- process entry --------------------------------------------------------------------
function main() {
  const opts = JSON.parse(process.env.MCP_SQLITE_ENGINE ?? '{}') as EngineOptions;
  let engine: Engine | undefined;
  let openError: Failure | undefined;
  try {
    engine = new Engine(openDatabase(opts), opts);
  } catch (e) {
    openError = e instanceof EngineError ? e.detail : { code: 'backend', message: `Could not open the database: ${(e as Error).message}.`, hint: 'Check that the file is a SQLite database and readable.' };
  }
  process.on('message', (msg: { id: number; req: Request }) => {
    let res: Response;
    try {
      if (!engine) throw new EngineError(openError!);
      res = { id: msg.id, ok: true, result: engine.handle(msg.req) };
    } catch (e) {
      res = { id: msg.id, ok: false, error: e instanceof EngineError ? e.detail : { code: 'backend', message: `SQLite error: ${(e as Error).message}.` } };
    }
    process.send!(res);
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.env.MCP_SQLITE_ENGINE && process.send) main();
