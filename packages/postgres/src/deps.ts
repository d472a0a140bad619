import { ConnectorError, toolsFor, type Logger } from '@org/mcp-core';
import type pg from 'pg';
import { connectionUrl, type PostgresConfig } from './config.js';
import type { CountedResult, ReadLimits } from './pg/execute.js';
import { inspectRole, privilegedRefusal } from './pg/role.js';
import { classifySql, loadParser, type SqlRelation, type SqlVerdict } from './sql/guard.js';

type Driver = typeof import('./pg/driver.js');
let driverLoading: Promise<Driver> | undefined;
const loadDriver = () => (driverLoading ??= import('./pg/driver.js'));

/** Statements whose verdicts are remembered (least recently used first out). */
const VERDICT_CACHE = 500;

/**
 * What the tools share: a lazily created pool, the parser, and the role check (layer 4),
 * which runs once, on first use, before any statement from a tool.
 */
export class PostgresDeps {
  private pool?: pg.Pool;
  private driver?: Driver;
  private ready?: Promise<void>;
  private readonly verdicts = new Map<string, SqlVerdict>();

  constructor(
    readonly config: PostgresConfig,
    private readonly log: Logger,
  ) {}

  get allowlist() {
    return { ...(this.config.schemas?.length ? { schemas: this.config.schemas } : {}), ...(this.config.tables?.length ? { tables: this.config.tables } : {}) };
  }

  private get restricted(): boolean {
    return Boolean(this.config.schemas?.length || this.config.tables?.length);
  }

  private start(): Promise<void> {
    return (this.ready ??= (async () => {
      const [driver] = await Promise.all([loadDriver(), loadParser()]);
      this.driver = driver;
      this.pool ??= this.newPool(); // kept when a failed start is retried
      const client = await this.pool.connect().catch((err: unknown) => {
        throw driver.connectError(err);
      });
      try {
        const report = await inspectRole(client);
        const refusal = privilegedRefusal(report);
        if (refusal && !this.config.allowPrivilegedRole) {
          this.log.error('privileged role refused', { role: report.role, superuser: report.superuser, roles: report.dangerousRoles });
          throw new ConnectorError('denied', refusal);
        }
        if (refusal) this.log.warn('running as a privileged role (--allow-privileged-role)', { role: report.role });
        if (report.writableTables.length) {
          this.log.warn('the database role can change data; queries still run read-only, but a least-privilege role is safer', { role: report.role, examples: report.writableTables });
        }
      } finally {
        client.release();
      }
    })().catch((err: unknown) => {
      // A refused role stays refused; a failed connection is tried again on the next call.
      if (!(err instanceof ConnectorError && err.code === 'denied')) this.ready = undefined;
      throw err;
    }));
  }

  /** Layer 1: the parser's verdict on one SQL text (under the allowlists); throws the refusal. */
  async classify(sql: string, opts: { allowExplainAnalyze?: boolean } = {}): Promise<Extract<SqlVerdict, { ok: true }>> {
    await loadParser();
    // A verdict depends only on the text and the options (the allowlists are fixed for this
    // server), so repeated statements (the usual case with $1 parameters) skip the parse.
    const key = `${opts.allowExplainAnalyze ? 'A' : '-'}${sql}`;
    let verdict = this.verdicts.get(key);
    if (verdict) {
      this.verdicts.delete(key);
    } else {
      verdict = classifySql(sql, { ...opts, ...(this.restricted ? { relations: this.allowlist } : {}) });
      if (this.verdicts.size >= VERDICT_CACHE) this.verdicts.delete(this.verdicts.keys().next().value!);
    }
    this.verdicts.set(key, verdict);
    if (!verdict.ok) throw new ConnectorError(verdict.code === 'syntax' ? 'invalid_input' : 'denied', verdict.message);
    return verdict;
  }

  /** Layer 1 on the text, then layers 2 and 3 in the database. */
  async query(sql: string, params: unknown[], limits: { maxRows: number; maxBytes: number }, timeoutMs: number, signal: AbortSignal, opts: { allowExplainAnalyze?: boolean } = {}): Promise<CountedResult & { relations: SqlRelation[] }> {
    await this.start();
    const verdict = await this.classify(sql, opts);
    const result = await this.run(sql, params, { ...limits, timeoutMs, pinSearchPath: this.restricted }, signal);
    return { ...result, relations: verdict.relations };
  }

  /** Catalog queries written by this connector (not by the model), still run read-only. */
  async catalog(sql: string, params: unknown[], signal: AbortSignal, timeoutMs: number): Promise<CountedResult> {
    await this.start();
    return this.run(sql, params, { maxRows: 100_000, maxBytes: 64 * 1024 * 1024, timeoutMs, pinSearchPath: false }, signal);
  }

  private newPool(): pg.Pool {
    const pool = this.driver!.createPool(this.config, connectionUrl(this.config));
    pool.on('error', (err) => this.log.warn('idle PostgreSQL connection failed', { error: err.message }));
    return pool;
  }

  /**
   * Layers 2 and 3. A lost connection usually means the server restarted or ended every
   * session, so the pool's other idle connections are dead too: the pool is replaced (the old
   * one closes as its calls finish). A call that found its connection already dead, before any
   * of it ran, is tried once more on a new connection; one that failed while running is not.
   */
  private async run(sql: string, params: unknown[], limits: ReadLimits, signal: AbortSignal): Promise<CountedResult> {
    const pool = this.pool!;
    const { runReadOnly, ConnectionLost } = this.driver!;
    try {
      return await runReadOnly(pool, sql, params, limits, signal);
    } catch (err) {
      if (!(err instanceof ConnectionLost)) throw err;
      if (this.pool === pool) {
        // Replaced once, by the first call that noticed (concurrent ones find it done).
        this.log.warn('the PostgreSQL connection was lost; reconnecting', { stale: err.stale });
        this.pool = this.newPool();
        pool.end().catch(() => {});
      }
      if (!err.stale || signal.aborted) throw err;
      return runReadOnly(this.pool!, sql, params, limits, signal);
    }
  }

  async close(): Promise<void> {
    await this.pool?.end().catch(() => {});
  }
}

export const definePostgresTool = toolsFor<PostgresDeps, PostgresConfig>();
