import { ConnectorError, estimateRowBytes } from '@org/mcp-core';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { typeParser } from './connection.js';

/** One cell as it leaves the server: JSON values; bytea as {"$blob": base64, bytes}. */
export type Cell = string | number | boolean | null | { $blob: string; bytes: number } | unknown[] | Record<string, unknown>;

export interface ReadResult {
  columns: string[];
  rows: Cell[][];
  rowCount: number;
  truncated: boolean;
}

/** A result and about how many bytes it takes as JSON (counted while reading, for the caps). */
export type CountedResult = ReadResult & { bytes: number };

export interface ReadLimits {
  maxRows: number;
  maxBytes: number;
  /** Milliseconds the statement may run (SET LOCAL statement_timeout). */
  timeoutMs: number;
  /** Pin search_path to public (when allowlists assume unqualified names are public). */
  pinSearchPath: boolean;
}

const LOST = ['The connection to PostgreSQL was lost.', 'Try again; the next call reconnects.'] as const;

/**
 * The connection to PostgreSQL failed under a call (a socket error, or the server ending the
 * session with FATAL, as on a restart). `stale` says the connection was already dead when the
 * call got it from the pool: nothing of the call ran, so it may be tried again on a new one.
 */
export class ConnectionLost extends ConnectorError {
  constructor(readonly stale: boolean) {
    super('unavailable', ...LOST);
  }
}


/**
 * Runs one statement that layer 1 (the parser guard) already accepted, under layers 2 and 3,
 * in a single round trip: one write carries
 *
 *   BEGIN READ ONLY · SET LOCAL statement_timeout, lock_timeout, idle_in_transaction_session_timeout
 *   · the statement (Parse/Bind/Describe/Execute, at most maxRows + 1 rows)
 *   · ROLLBACK · pg_advisory_unlock_all() · DEALLOCATE ALL · Sync
 *
 * - The statement goes over the extended query protocol, so the server itself refuses a second
 *   statement in its text (layer 2).
 * - Everything before the Sync is one pipeline: when any step fails, the server skips the rest
 *   up to the Sync. A statement therefore never runs unless BEGIN READ ONLY and the timeouts
 *   took effect before it (layer 3, fail-closed); after an error the aborted transaction is
 *   rolled back with a second round trip.
 * - Session state a statement could leave past the ROLLBACK (advisory locks, prepared
 *   statements) is dropped too; layer 1 refuses both, this holds if it did not.
 * - Rows are converted as they arrive and kept only up to the row and byte caps, so memory
 *   stays bounded whatever the statement produces: the server stops at maxRows + 1 rows (the
 *   Execute's row limit on the portal, which is a cursor), and when the byte cap is reached
 *   first the connection is closed, which stops the statement on the server.
 * - A connection that ends in any unexpected state is destroyed, not returned to the pool.
 * - When `signal` aborts, the running statement is cancelled on the server.
 */
export async function runReadOnly(pool: pg.Pool, sql: string, params: unknown[], limits: ReadLimits, signal: AbortSignal): Promise<CountedResult> {
  const client = await checkout(pool, signal);
  const reused = used.has(client);
  used.add(client);
  if (!reused) client.on('error', ignore); // a checked-out client whose socket fails must not crash the process
  let healthy = true;
  const cancel = () => void cancelBackend(pool, client);
  signal.addEventListener('abort', cancel, { once: true });
  try {
    if (signal.aborted) throw signal.reason;
    const batch = new ReadOnlyBatch(setupMessages(limits), sql, params.map(wireValue), limits);
    client.query(batch);
    const out = await batch.done;
    if (out.abandoned) {
      // The byte cap was reached while rows were still arriving: rather than read (and drop) up
      // to maxRows + 1 of them, the socket is closed, which ends the statement and the
      // transaction on the server; the next call gets a new connection.
      healthy = false;
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    } else if (out.lost) {
      healthy = false;
      throw new ConnectionLost(reused && out.completed === 0);
    }
    if (out.error !== undefined) {
      // The server skipped the rest of the pipeline, ROLLBACK included; end the transaction now.
      try {
        await client.query(RECOVER);
      } catch {
        healthy = false;
      }
      throw out.error;
    }
    return { columns: out.columns, rows: out.rows, rowCount: out.rows.length, truncated: out.truncated, bytes: out.bytes };
  } catch (err) {
    throw mapError(err, signal);
  } finally {
    signal.removeEventListener('abort', cancel);
    // A cancel may still be on its way (it connects first): were the connection pooled again,
    // it could hit the next call's statement on the same backend.
    if (signal.aborted) healthy = false;
    // Anything but "idle, outside a transaction" is not handed to the next call.
    const txStatus = (client as unknown as { _txStatus?: string | null })._txStatus;
    if (txStatus !== undefined && txStatus !== null && txStatus !== 'I') healthy = false;
    client.release(healthy ? undefined : true);
  }
}

/** Clients that have run a batch: a failure on one of these may be a connection that died idle. */
const used = new WeakSet<pg.PoolClient>();
const ignore = () => undefined;

/** End the transaction and drop what could outlive it (advisory locks, prepared statements). */
const CLEANUP_STATEMENTS = ['ROLLBACK', 'SELECT pg_advisory_unlock_all()', 'DEALLOCATE ALL'];

/** After a failed statement, when the server skipped the pipeline's own cleanup: one simple query. */
const RECOVER = CLEANUP_STATEMENTS.join('; ');

/** Parse, Bind and Execute of statements of ours, in the unnamed statement and portal. */
function statementMessages(texts: readonly string[]): Buffer {
  return Buffer.concat(texts.flatMap((text) => [serialize.parse({ text }), serialize.bind({}), serialize.execute({})]));
}

/** After the caller's statement, then the Sync that ends the pipeline. */
const CLEANUP = Buffer.concat([statementMessages(CLEANUP_STATEMENTS), serialize.sync()]);

/**
 * Before the caller's statement: our own text (integers we format, nothing from the caller),
 * serialized once per distinct limit.
 */
interface Setup {
  bytes: Buffer;
  statements: number;
}
const setups = new Map<string, Setup>();

function setupMessages(limits: ReadLimits): Setup {
  const ms = Math.max(1, Math.floor(limits.timeoutMs));
  const key = `${ms}:${limits.pinSearchPath ? 1 : 0}`;
  let setup = setups.get(key);
  if (!setup) {
    const texts = [
      'BEGIN TRANSACTION READ ONLY',
      `SET LOCAL statement_timeout = ${ms}`,
      `SET LOCAL lock_timeout = ${ms}`,
      `SET LOCAL idle_in_transaction_session_timeout = ${ms + 5000}`,
      ...(limits.pinSearchPath ? ['SET LOCAL search_path = public'] : []),
    ];
    setup = { bytes: statementMessages(texts), statements: texts.length };
    if (setups.size >= 64) setups.clear();
    setups.set(key, setup);
  }
  return setup;
}

/** A bound parameter in the text format: the tools pass strings, numbers, booleans and nulls. */
function wireValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  throw new ConnectorError('invalid_input', `A parameter must be a string, number, boolean or null (got ${Array.isArray(v) ? 'an array' : typeof v}).`);
}

interface BatchOutcome {
  columns: string[];
  rows: Cell[][];
  truncated: boolean;
  bytes: number;
  /** The first error the server reported; it skipped the rest of the pipeline. */
  error?: unknown;
  /** The connection failed: no ReadyForQuery follows, the client is unusable. */
  lost: boolean;
  /** Reading stopped at the byte cap with the statement still sending rows. */
  abandoned: boolean;
  /** Statements of the pipeline that completed before the outcome. */
  completed: number;
}

type Parser = (text: string) => unknown;

interface FieldDescription {
  name: string;
  dataTypeID: number;
  format: 'text' | 'binary';
}

/**
 * The pipeline above as a pg Submittable: the client hands it every backend message until the
 * ReadyForQuery that answers its Sync. Statements are counted by their completion messages, so
 * rows are taken only from the caller's statement.
 */
class ReadOnlyBatch {
  readonly done: Promise<BatchOutcome>;
  private settle!: (outcome: BatchOutcome) => void;
  private settled = false;
  private readonly userIndex: number;
  private completed = 0;
  private columns: string[] = [];
  private parsers: Parser[] = [];
  private readonly rows: Cell[][] = [];
  private bytes = 0;
  private truncated = false;
  private error: unknown;

  constructor(
    private readonly setup: Setup,
    private readonly text: string,
    private readonly values: (string | null)[],
    private readonly limits: ReadLimits,
  ) {
    this.userIndex = setup.statements;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  submit(connection: pg.Connection): void {
    // The whole pipeline in one write (one syscall, one packet for a small statement).
    const message = Buffer.concat([
      this.setup.bytes,
      serialize.parse({ text: this.text }),
      serialize.bind({ values: this.values }),
      serialize.describe({ type: 'P', name: '' }),
      serialize.execute({ portal: '', rows: this.limits.maxRows + 1 }),
      CLEANUP,
    ]);
    const stream = connection.stream;
    if (stream.writable) stream.write(message);
    else this.handleError(new Error('Connection terminated: the socket is closed.'));
  }

  private get inUserStatement(): boolean {
    return this.completed === this.userIndex;
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    if (!this.inUserStatement) return;
    this.columns = msg.fields.map((f) => f.name);
    this.parsers = msg.fields.map((f) => typeParser(f.dataTypeID, f.format));
    // The result's JSON without its rows counts against the byte cap too.
    this.bytes = JSON.stringify({ columns: this.columns, rows: [], rowCount: this.limits.maxRows, truncated: false }).length;
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (!this.inUserStatement || this.truncated) return; // our own statements' rows; rows past a cap
    if (this.rows.length >= this.limits.maxRows) {
      this.truncated = true;
      return;
    }
    const fields = msg.fields;
    const row: Cell[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const raw = fields[i];
      row[i] = raw === null || raw === undefined ? null : toCell(this.parsers[i]!(raw));
    }
    const size = estimateRowBytes(row) + 1;
    if (this.bytes + size > this.limits.maxBytes) {
      this.truncated = true;
      this.finish(false, true);
      return;
    }
    this.rows.push(row);
    this.bytes += size;
  }

  handlePortalSuspended(): void {
    // The statement had more than maxRows rows: the cap cut it.
    this.truncated = true;
    this.completed++;
  }

  handleCommandComplete(): void {
    this.completed++;
  }

  handleEmptyQuery(): void {
    this.completed++;
  }

  handleCopyInResponse(con: pg.Connection): void {
    (con as unknown as { sendCopyFail(msg: string): void }).sendCopyFail('COPY FROM STDIN is not allowed');
  }

  handleCopyData(): void {}

  handleError(err: unknown): void {
    if (this.error === undefined) this.error = err;
    // pg hands an ErrorResponse to the query and forgets it: the ReadyForQuery that follows
    // (the server skipped the rest of the pipeline to the Sync) goes to the client's queue,
    // so the outcome is known now. A socket error or a FATAL one also ends the connection.
    const severity = (err as { severity?: string }).severity;
    this.finish(!(err instanceof pg.DatabaseError) || severity === 'FATAL' || severity === 'PANIC');
  }

  handleReadyForQuery(): void {
    this.finish(false);
  }

  private finish(lost: boolean, abandoned = false): void {
    if (this.settled) return;
    this.settled = true;
    this.settle({ columns: this.columns, rows: this.rows, truncated: this.truncated, bytes: this.bytes, error: this.error, lost, abandoned, completed: this.completed });
  }
}

function toCell(v: unknown): Cell {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return v.toString();
    default:
      if (v === null || v === undefined) return null;
      if (Buffer.isBuffer(v)) return { $blob: v.toString('base64'), bytes: v.length };
      if (v instanceof Date) return v.toISOString();
      if (Array.isArray(v)) return v.map(toCell);
      return v as Cell;
  }
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
  canceller.on('error', ignore);
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
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || /terminat|Connection/i.test((err as Error)?.message ?? '')) return new ConnectionLost(false);
  return err;
}
