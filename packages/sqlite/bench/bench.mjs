#!/usr/bin/env node
// `pnpm bench`: latency, cold start and memory of the BUILT connector (dist/bin.js), measured
// the way a host sees it: spawned over stdio and driven by the official SDK client.
//
//   node packages/sqlite/bench/bench.mjs            human table on stdout (progress on stderr)
//   node packages/sqlite/bench/bench.mjs --json     one JSON object on stdout
//   options: --point N (2000) --warmup N (200) --large N (30) --cold N (15) --quick
//
// Informational: exits 0 even when a target is missed; 1 only when something failed to run
// (server did not start, a call errored, the 10k-row result did not carry 10,000 rows, ...).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { callTool, createLauncher, measureColdStart, timeCalls, createTable, fmt as f, hostInfo, MiB, now, parseArgs, progress, r3, runBench, sleep, stats, treeMem, verdict } from '@org/tooling/bench';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const TARGETS = { pointP50Ms: 0.5, coldInitMs: 120, idleRssMiB: 60 };
const CUSTOMERS = 10_000;
const ORDERS = 100_000;

// ---- options -----------------------------------------------------------------------------
const { flag, num } = parseArgs();
const quick = flag('--quick');
const JSON_OUT = flag('--json');
const cfg = {
  pointWarmup: num('--warmup', quick ? 300 : 1000),
  pointIterations: num('--point', quick ? 300 : 2000),
  largeWarmup: 3,
  largeIterations: num('--large', quick ? 8 : 30),
  coldStarts: num('--cold', quick ? 5 : 15),
  idleSettleMs: 300,
};

// ---- the database --------------------------------------------------------------------------
/** Deterministic PRNG (mulberry32), so every run queries the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildDatabase(file) {
  const rand = rng(20240601);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, country TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), amount REAL NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, note TEXT);
  `);
  const first = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elif', 'Femi', 'Greta', 'Hiro', 'Ines', 'Jon', 'Kai', 'Lena', 'Mo', 'Nora', 'Omar', 'Pia'];
  const last = ['Smith', 'Okafor', 'Müller', 'Tanaka', 'Rossi', 'Silva', 'Nguyen', 'Kowalski', 'Haddad', 'Larsen', 'Moreau', 'Patel'];
  const countries = ['DE', 'FR', 'GB', 'US', 'JP', 'BR', 'IN', 'NG', 'PL', 'SE', 'IT', 'ES'];
  const statuses = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
  const notes = ['gift wrap', 'leave at the door', 'call before delivery', 'fragile: glassware inside', 'express', 'second attempt, customer was out'];
  const day = (base, span) => new Date(Date.UTC(2023, 0, 1) + Math.floor(base + rand() * span) * 86_400_000).toISOString().slice(0, 10);
  const insC = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?)');
  const insO = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= CUSTOMERS; i++) {
      const n = `${pick(first)} ${pick(last)}`;
      insC.run(i, n, `${n.toLowerCase().replace(/[^a-z]+/g, '.')}.${i}@example.com`, pick(countries), day(0, 365));
    }
    for (let i = 1; i <= ORDERS; i++) {
      const note = rand() < 0.3 ? pick(notes) : null;
      insO.run(i, 1 + Math.floor(rand() * CUSTOMERS), Math.round(rand() * 50_000) / 100, pick(statuses), `${day(0, 730)}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00Z`, note);
    }
  })();
  db.exec('CREATE INDEX orders_customer ON orders(customer_id); ANALYZE;');
  db.close();
}

// ---- sessions ------------------------------------------------------------------------------
const servers = createLauncher({ Client, StdioClientTransport, clientName: 'mcp-sqlite-bench', args: [BIN] });
/** Spawn `node dist/bin.js <file> ...extra` and connect the SDK client; times from spawn. */
const startServer = (file, extra = []) => servers.start([file, ...extra]);
const stopServer = (s) => servers.stop(s);

const POINT_SQL = 'SELECT * FROM orders WHERE id = ?';
const pointId = (i) => ((i * 7919) % ORDERS) + 1; // varying, deterministic, covers the table
async function pointCall(s, i) {
  const id = pointId(i);
  const res = await callTool(s, 'read_query', { sql: POINT_SQL, params: [id] });
  const sc = res.structuredContent;
  if (sc?.rowCount !== 1 || sc.rows?.[0]?.[0] !== id) throw new Error(`point lookup id=${id}: expected 1 row with that id, got ${JSON.stringify(sc).slice(0, 300)}`);
  return res;
}

// ---- measurements --------------------------------------------------------------------------
function measureCold(file) {
  return measureColdStart({ spawns: cfg.coldStarts, start: () => startServer(file), stop: stopServer, firstCall: (s, i) => pointCall(s, 1000 + i) });
}

async function measurePointAndMemory(file) {
  progress('point lookup session: idle RSS, then warm-up and timed calls');
  const s = await startServer(file);
  try {
    await s.client.listTools(); // as a host does; the SDK client then validates structuredContent against outputSchema
    await sleep(cfg.idleSettleMs);
    const idle = treeMem(s.pid);
    // The warm-up is timed too: its first calls show a fresh process, reported apart from the steady state.
    const { firstResult, firstCallMs, first200, ...steady } = await timeCalls((i) => pointCall(s, i), { warmup: cfg.pointWarmup, iterations: cfg.pointIterations });
    const bytes = Buffer.byteLength(JSON.stringify(firstResult));
    await sleep(cfg.idleSettleMs);
    const warm = treeMem(s.pid);
    return { point: { sql: POINT_SQL, warmup: cfg.pointWarmup, ...steady, resultBytes: bytes, firstCallMs, first200 }, memory: { idle, afterWarmSession: warm } };
  } finally {
    await stopServer(s);
  }
}

async function measureLarge(file) {
  progress(`10k-row result: ${cfg.largeWarmup} warm-up + ${cfg.largeIterations} timed calls`);
  const s = await startServer(file, ['--max-rows', '10000', '--max-bytes', '64mb']);
  const sql = 'SELECT * FROM orders LIMIT 10000';
  const check = (res) => {
    const sc = res.structuredContent;
    const n = sc?.rows?.length;
    if (n !== 10_000 || sc.rowCount !== 10_000 || sc.truncated !== false) {
      throw new Error(`10k-row result: expected 10000 rows in structuredContent, got rows.length=${n} rowCount=${sc?.rowCount} truncated=${sc?.truncated}`);
    }
    return n;
  };
  try {
    await s.client.listTools();
    for (let i = 0; i < cfg.largeWarmup; i++) check(await callTool(s, 'read_query', { sql }));
    const samples = [];
    let rows = 0, bytes = 0, textBytes = 0, structuredBytes = 0;
    for (let i = 0; i < cfg.largeIterations; i++) {
      const t = now();
      const res = await callTool(s, 'read_query', { sql });
      samples.push(now() - t);
      rows = check(res);
      if (i === 0) {
        bytes = Buffer.byteLength(JSON.stringify(res));
        textBytes = Buffer.byteLength(res.content.find((c) => c.type === 'text')?.text ?? '');
        structuredBytes = Buffer.byteLength(JSON.stringify(res.structuredContent));
      }
    }
    const warm = treeMem(s.pid);
    const st = stats(samples);
    return { sql, serverArgs: '--max-rows 10000 --max-bytes 64mb', warmup: cfg.largeWarmup, ...st, rows, resultBytes: bytes, textBytes, structuredBytes, mibPerSec: r3(bytes / MiB / (st.p50 / 1000)), memoryAfter: warm };
  } finally {
    await stopServer(s);
  }
}

function measureBaseline(file) {
  progress('raw driver baseline (better-sqlite3 in-process)');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const stmt = db.prepare(POINT_SQL);
    for (let i = 0; i < cfg.pointWarmup; i++) stmt.get(pointId(i));
    const samples = [];
    for (let i = 0; i < cfg.pointIterations; i++) {
      const id = pointId(cfg.pointWarmup + i);
      const t = now();
      const row = stmt.get(id);
      samples.push(now() - t);
      if (row?.id !== id) throw new Error(`baseline: no row for id ${id}`);
    }
    const big = db.prepare('SELECT * FROM orders LIMIT 10000').raw(true);
    const bigSamples = [];
    for (let i = 0; i < cfg.largeWarmup + cfg.largeIterations; i++) {
      const t = now();
      const rows = big.all();
      if (i >= cfg.largeWarmup) bigSamples.push(now() - t);
      if (rows.length !== 10_000) throw new Error(`baseline: 10k query gave ${rows.length} rows`);
    }
    return { point: stats(samples), rows10k: stats(bigSamples) };
  } finally {
    db.close();
  }
}

// ---- report --------------------------------------------------------------------------------
function verdicts(r) {
  return [
    verdict('point lookup p50', r.point.p50, 'ms', TARGETS.pointP50Ms),
    verdict('cold start (spawn -> initialize) median', r.coldStart.spawnToInitializeMs.p50, 'ms', TARGETS.coldInitMs),
    verdict('idle RSS (server process)', r.memory.idle.serverRssMiB, 'MiB', TARGETS.idleRssMiB),
  ];
}

function printTable(r) {
  const t = createTable();
  t.header('@org/mcp-sqlite bench', r.host);
  t.line(`database: ${CUSTOMERS} customers, ${ORDERS} orders (${f(r.database.mib, 1)} MiB, temp file); stdio, SDK Client, node dist/bin.js`);

  t.section(`Point lookup  read_query ${JSON.stringify(POINT_SQL)}  (${r.point.warmup} warm-up, ${r.point.n} timed, sequential)`);
  t.cols('', ['p50', 'p95', 'p99', 'mean'], '  ms');
  t.cols('MCP read_query', [f(r.point.p50), f(r.point.p95), f(r.point.p99), f(r.point.mean)]);
  t.cols('  its first 200 calls (fresh process)', [f(r.point.first200.p50), f(r.point.first200.p95)]);
  t.cols('raw better-sqlite3 stmt.get (in-process)', [f(r.baseline.point.p50, 4), f(r.baseline.point.p95, 4), f(r.baseline.point.p99, 4), f(r.baseline.point.mean, 4)]);
  t.kv('result bytes per call', `${r.point.resultBytes} B`);

  t.section(`10,000-row result  ${r.rows10k.sql}  (${r.rows10k.serverArgs}; ${r.rows10k.n} timed)`);
  t.kv('p50 / p95', `${f(r.rows10k.p50, 1)} / ${f(r.rows10k.p95, 1)} ms`);
  t.kv('rows in structuredContent', `${r.rows10k.rows} (checked every call)`);
  t.kv('bytes per result (JSON of the result)', `${r.rows10k.resultBytes} B = ${f(r.rows10k.resultBytes / MiB, 2)} MiB (text ${f(r.rows10k.textBytes / MiB, 2)}, structured ${f(r.rows10k.structuredBytes / MiB, 2)})`);
  t.kv('throughput at p50', `${f(r.rows10k.mibPerSec, 1)} MiB/s`);
  t.kv('raw better-sqlite3 .raw().all() p50', `${f(r.baseline.rows10k.p50, 2)} ms`);

  t.section(`Cold start  (${r.coldStart.spawnToInitializeMs.n} spawns; first spawn untimed)`);
  t.cols('', ['median', 'p95'], '  ms');
  const cs = (k, s) => t.cols(k, [f(s.p50, 1), f(s.p95, 1)]);
  cs('spawn -> initialize response', r.coldStart.spawnToInitializeMs);
  cs('spawn -> first tools/list', r.coldStart.spawnToFirstToolsListMs);
  cs('spawn -> first tool call result', r.coldStart.spawnToFirstCallResultMs);
  cs('  first call alone (forks the engine)', r.coldStart.firstCallAloneMs);

  t.section('Memory  VmRSS from /proc (MiB)');
  const m = (k, x) => t.kv(k, `server ${f(x.serverRssMiB, 1)}   children ${f(x.childrenRssMiB, 1)} (${x.children})   server+children ${f(x.totalRssMiB, 1)}   server VmHWM ${f(x.serverHwmMiB, 1)}`);
  m('idle (connect + tools/list, no DB call)', r.memory.idle);
  m('after the warm point-lookup session', r.memory.afterWarmSession);
  m('after the 10k-row session', r.rows10k.memoryAfter);

  t.targets(r.targets);
  t.print();
}

// ---- main ----------------------------------------------------------------------------------
async function main() {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (pnpm --filter @org/mcp-sqlite... build, or pnpm bench)`);
  const dir = mkdtempSync(join(os.tmpdir(), 'mcp-sqlite-bench-'));
  const file = join(dir, 'bench.db');
  try {
    progress(`building ${file}`);
    buildDatabase(file);
    const baseline = measureBaseline(file);
    const { point, memory } = await measurePointAndMemory(file);
    const rows10k = await measureLarge(file);
    const coldStart = await measureCold(file);
    const result = {
      bench: '@org/mcp-sqlite',
      time: new Date().toISOString(),
      host: hostInfo(import.meta.url),
      database: { customers: CUSTOMERS, orders: ORDERS, mib: r3(statSync(file).size / MiB) },
      settings: cfg,
      point, baseline, rows10k, coldStart, memory,
    };
    result.targets = verdicts(result);
    if (JSON_OUT) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else printTable(result);
  } finally {
    await servers.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
