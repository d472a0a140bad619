import { ConnectorError, estimateRowBytes } from '@org/mcp-core';
import pg from 'pg';
import Cursor from 'pg-cursor';

/** One cell as it leaves the server: JSON values; bytea as {"$blob": base64, bytes}. */
export type Cell = string | number | boolean | null | { $blob: string; bytes: number } | unknown[] | Record<string, unknown>;

export interface ReadResult {
  columns: string[];
  rows: Cell[][];
  rowCount: number;
  truncated: boolean;
}

export interface ReadLimits {
  maxRows: number;
  maxBytes: number;
  /** Milliseconds the statement may run (SET LOCAL statement_timeout). */
  timeoutMs: number;
  /** Pin search_path to public (when allowlists assume unqualified names are public). */
  pinSearchPath: boolean;
}

/**
 * Most rows fetched from the cursor per round trip: large enough that a capped result takes
 * one or two round trips, small enough that memory stays bounded whatever the table holds.
 */
const BATCH = 5000;

/**
 * Runs one statement that layer 1 (the parser guard) already accepted, under layers 2 and 3:
 * - the extended query protocol (a cursor: Parse/Bind/Execute), so the server itself refuses
 *   a second statement;
 * - inside BEGIN READ ONLY with statement, lock and idle-in-transaction timeouts set LOCAL, and
 *   always rolled back.
 * Rows are read in batches from a cursor and reading stops at the row or byte cap, so a
 * million-row SELECT never holds more than the cap in memory. A connection that ends in any
 * unexpected state is destroyed, not returned to the pool. When `signal` aborts, the running
 * statement is cancelled on the server.
 */
export async function runReadOnly(pool: pg.Pool, sql: string, params: unknown[], limits: ReadLimits, signal: AbortSignal): Promise<ReadResult> {
  const client = await checkout(pool, signal);
  let healthy = true;
  const cancel = () => void cancelBackend(pool, client);
  signal.addEventListener('abort', cancel, { once: true });
  try {
    const ms = Math.max(1, Math.floor(limits.timeoutMs));
    // Our own text (integers we format), sent as one simple-protocol round trip.
    await client.query(
      `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${ms}; SET LOCAL lock_timeout = ${ms}; SET LOCAL idle_in_transaction_session_timeout = ${ms + 5000}${limits.pinSearchPath ? '; SET LOCAL search_path = public' : ''}`,
    );
    try {
      return await readCursor(client, sql, params, limits);
    } finally {
      try {
        // Session state a statement could leave past the ROLLBACK (advisory locks, prepared
        // statements) is dropped too; layer 1 refuses both, this holds if it did not.
        await client.query('ROLLBACK; SELECT pg_advisory_unlock_all(); DEALLOCATE ALL');
      } catch {
        healthy = false;
      }
    }
  } catch (err) {
    if (!(err instanceof pg.DatabaseError)) healthy = false; // a broken socket, a protocol error
    throw mapError(err, signal);
  } finally {
    signal.removeEventListener('abort', cancel);
    client.release(healthy ? undefined : true);
  }
}

async function readCursor(client: pg.PoolClient, sql: string, params: unknown[], limits: ReadLimits): Promise<ReadResult> {
  const cursor = client.query(new Cursor(sql, params, { rowMode: 'array' }));
  const rows: Cell[][] = [];
  // The result's JSON without rows counts against the cap too (column names known after the
  // first batch; a generous allowance for them until then).
  let bytes = 256;
  let truncated = false;
  try {
    outer: for (;;) {
      const batch = (await cursor.read(Math.min(BATCH, limits.maxRows + 1 - rows.length))) as unknown[][];
      if (batch.length === 0) break;
      if (rows.length === 0) bytes = JSON.stringify({ columns: fieldNames(cursor), rows: [], rowCount: limits.maxRows, truncated: false }).length;
      for (const raw of batch) {
        const row = raw.map(cell);
        const size = estimateRowBytes(row) + 1;
        if (rows.length >= limits.maxRows || bytes + size > limits.maxBytes) {
          truncated = true;
          break outer;
        }
        rows.push(row);
        bytes += size;
      }
    }
    return { columns: fieldNames(cursor), rows, rowCount: rows.length, truncated };
  } finally {
    await cursor.close();
  }
}

/** pg-cursor keeps the row description on its result (set when the first rows arrive). */
function fieldNames(cursor: Cursor): string[] {
  return ((cursor as unknown as { _result?: { fields?: Array<{ name: string }> } })._result?.fields ?? []).map((f) => f.name);
}

function cell(v: unknown): Cell {
  if (Buffer.isBuffer(v)) return { $blob: v.toString('base64'), bytes: v.length };
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(cell);
  return v as Cell;
}

async function checkout(pool: pg.Pool, signal: AbortSignal): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw connectError(err);
  }
}

const TLS_FAILURE = /certificate|altnames|self[- ]signed|SSL|TLS/i;

/** A failed connection, with a hint that fits the cause (a certificate is not a down database). */
export function connectError(err: unknown): ConnectorError {
  const message = (err as Error)?.message ?? String(err);
  const hint = TLS_FAILURE.test(message)
    ? "The server's TLS certificate did not verify: the user can check --sslmode and --ssl-ca (verify-full also checks the host name)."
    : /password|authentication/i.test(message)
      ? 'The user name or password in the URL is wrong for this server.'
      : 'The database may be down or restarting, or the URL is wrong; try again in a moment.';
  return new ConnectorError('unavailable', `Cannot connect to PostgreSQL: ${message}.`, hint);
}

/** Cancels the client's running statement from a separate connection (a role may cancel its own). */
async function cancelBackend(pool: pg.Pool, client: pg.PoolClient): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (!pid) return;
  const canceller = new pg.Client(pool.options);
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // statement_timeout ends it anyway
  } finally {
    await canceller.end().catch(() => {});
  }
}

/** PostgreSQL errors for the model: what happened, where, and what to do. */
function mapError(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ConnectorError) return err;
  if (err instanceof pg.DatabaseError) {
    const where = err.position ? ` (at character ${err.position})` : '';
    switch (err.code) {
      case '57014':
        return new ConnectorError('timeout', 'The statement was cancelled: it ran past its time limit.', 'Narrow it (WHERE, LIMIT, an index) or ask the user to raise --timeout.');
      case '25006':
        return new ConnectorError('denied', 'PostgreSQL refused to change data: the query runs in a read-only transaction.');
      case '42501':
        return new ConnectorError('denied', `Permission denied: ${err.message}.`, 'The role this server connects as cannot read that; use another table or ask for access.');
      case '55P03':
        return new ConnectorError('timeout', 'The statement waited too long for a lock.', 'Try again later.');
      default:
        if (err.code?.startsWith('42')) return new ConnectorError('invalid_input', `PostgreSQL rejected the query${where}: ${err.message}.`, err.hint ?? 'Check names and types with list_tables and describe_table.');
        if (err.code?.startsWith('08') || err.code?.startsWith('57P')) return new ConnectorError('unavailable', `The database connection failed: ${err.message}.`, 'Try again; the next call reconnects.');
        return new ConnectorError('backend', `PostgreSQL error ${err.code}: ${err.message}.`);
    }
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || /terminat|Connection/i.test((err as Error)?.message ?? '')) {
    return new ConnectorError('unavailable', 'The connection to PostgreSQL was lost.', 'Try again; the next call reconnects.');
  }
  return err;
}
