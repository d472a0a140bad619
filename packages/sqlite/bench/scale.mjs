#!/usr/bin/env node
// `pnpm bench` (last part): one replica against three, in stateless http mode behind the same
// round-robin reverse proxy (http-proxy), driven by concurrent SDK clients over Streamable HTTP.
//
//   node packages/sqlite/bench/scale.mjs [--clients N (16)] [--calls N per client (60)] [--quick]
//
// On a machine with fewer cores than replicas + proxy + clients, three replicas cannot go
// faster than one: the figures then show the cost of the proxy hop, not the scale-out.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fmt as f, hostInfo, loadWarning, now, parseArgs, progress, stats } from '@org/tooling/bench';
import { startReplicas } from '@org/tooling/replicas';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const { flag, num } = parseArgs();
const quick = flag('--quick');
const CLIENTS = num('--clients', 16);
const CALLS = num('--calls', quick ? 30 : 60);

const dir = mkdtempSync(join(os.tmpdir(), 'mcp-sqlite-scale-'));
const file = join(dir, 'scale.db');
const db = new Database(file);
db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL, note TEXT)');
const insert = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)');
db.transaction(() => {
  for (let i = 1; i <= 50_000; i++) insert.run(i, i % 997, (i * 37) % 1000, `order ${i}`);
})();
db.close();

async function run(replicas) {
  progress(`${replicas} replica(s): ${CLIENTS} clients x ${CALLS} calls`);
  const set = await startReplicas({ bin: BIN, count: replicas, args: [file, '--rate-limit-read', 'off', '--engines', '2'] });
  try {
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const c = new Client({ name: 'scale-bench', version: '0' });
        await c.connect(new StreamableHTTPClientTransport(new URL(`${set.url}/mcp`)));
        return c;
      }),
    );
    const call = (c, i) => c.callTool({ name: 'read_query', arguments: { sql: 'SELECT * FROM orders WHERE id = ?', params: [1 + ((i * 7919) % 50_000)] } });
    await Promise.all(clients.map(async (c, k) => { for (let i = 0; i < 10; i++) await call(c, k * 1000 + i); })); // warm-up
    const latencies = [];
    let errors = 0;
    const t0 = now();
    await Promise.all(
      clients.map(async (c, k) => {
        for (let i = 0; i < CALLS; i++) {
          const t = now();
          const r = await call(c, k * 100_000 + i);
          latencies.push(now() - t);
          if (r.isError) errors++;
        }
      }),
    );
    const wall = now() - t0;
    await Promise.all(clients.map((c) => c.close()));
    return { replicas, calls: latencies.length, errors, callsPerSecond: Math.round((latencies.length / wall) * 1000), latency: stats(latencies), served: set.served() };
  } finally {
    await set.stop();
  }
}

try {
  const one = await run(1);
  const three = await run(3);
  const host = hostInfo(import.meta.url);
  console.log(`@org/mcp-sqlite scale-out bench  node ${host.node}, SDK ${host.sdk}, ${host.cpus} x ${host.cpu}, load1 ${host.load1}`);
  const warning = loadWarning(host);
  if (warning) console.log(warning);
  console.log(`stateless http, ${CLIENTS} concurrent SDK clients x ${CALLS} point queries, through a round-robin http-proxy\n`);
  console.log('                       calls/s      p50      p95      p99  ms   errors   requests per replica (incl. initialize)');
  for (const r of [one, three]) {
    console.log(`  ${r.replicas} replica${r.replicas === 1 ? ' ' : 's'}           ${String(r.callsPerSecond).padStart(8)} ${f(r.latency.p50)} ${f(r.latency.p95)} ${f(r.latency.p99)}      ${String(r.errors).padStart(3)}      ${r.served.join(' / ')}`);
  }
  console.log(`\n  3 replicas / 1 replica throughput: ${(three.callsPerSecond / one.callsPerSecond).toFixed(2)}x on ${os.cpus().length} CPUs`);
  if (one.errors || three.errors) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
