// Shared by the connector benches (packages/*/bench/bench.mjs): options, statistics, spawning
// the built bin over stdio with the official SDK client, memory from /proc, and the report
// table with PASS/MISS against targets.
//
// This package does not depend on the SDK: a bench passes its own `Client` and
// `StdioClientTransport` classes to `createLauncher()` (they resolve from the bench's package).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

export const MiB = 1024 * 1024;

// ---- options -----------------------------------------------------------------------------

/**
 * `--flag`, `--name N` (a positive whole number) and `--name VALUE` from the command line.
 * @param {string[]} [argv]
 */
export function parseArgs(argv = process.argv.slice(2)) {
  return {
    /** @param {string} name */
    flag: (name) => argv.includes(name),
    /** @param {string} name @param {number} def */
    num: (name, def) => {
      const i = argv.indexOf(name);
      if (i < 0) return def;
      const v = Number(argv[i + 1]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive whole number`);
      return v;
    },
    /** @param {string} name @returns {string | undefined} */
    str: (name) => {
      const i = argv.indexOf(name);
      if (i < 0) return undefined;
      const v = argv[i + 1];
      if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
      return v;
    },
  };
}

/** Progress on stderr, so stdout stays the table or the JSON. @param {string} msg */
export const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// ---- small helpers -----------------------------------------------------------------------
export const now = () => performance.now();
/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Rounded to 3 decimals; null when not a finite number. @param {number | null | undefined} x */
export const r3 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

/**
 * Nearest-rank percentile on sorted samples; q = 0.5 is the true median.
 * @param {number[]} sorted @param {number} q
 * @returns {number | null}
 */
export function pct(sorted, q) {
  if (!sorted.length) return null;
  if (q === 0.5) {
    const m = sorted.length >> 1;
    return sorted.length % 2 ? /** @type {number} */ (sorted[m]) : (/** @type {number} */ (sorted[m - 1]) + /** @type {number} */ (sorted[m])) / 2;
  }
  return /** @type {number} */ (sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]);
}

/**
 * @typedef {{ n: number, p50: number | null, p95: number | null, p99: number | null, mean: number | null, min: number | null, max: number | null }} Stats
 * @param {number[]} samples
 * @returns {Stats}
 */
export function stats(samples) {
  const xs = [...samples].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  return { n: xs.length, p50: r3(pct(xs, 0.5)), p95: r3(pct(xs, 0.95)), p99: r3(pct(xs, 0.99)), mean: r3(mean), min: r3(xs[0]), max: r3(xs.at(-1)) };
}

// ---- memory from /proc -------------------------------------------------------------------

/**
 * VmRSS / VmHWM (kB) of one process from /proc, or null if it is gone.
 * @param {number} pid
 * @returns {{ pid: number, rssKb: number, hwmKb: number } | null}
 */
/**
 * Times `call(i)` sequentially: `warmup` calls, kept apart as what a fresh process shows (JIT
 * tiers, cold caches), then `iterations` calls, the steady state. Returns the steady-state
 * stats, the first 200 warm-up calls' p50/p95, the first call's time and the first timed result.
 * @param {(i: number) => Promise<unknown>} call
 * @param {{ warmup: number, iterations: number }} counts
 */
export async function timeCalls(call, { warmup, iterations }) {
  const early = [];
  for (let i = 0; i < warmup; i++) {
    const t = now();
    await call(i);
    early.push(now() - t);
  }
  const samples = [];
  let firstResult;
  for (let i = 0; i < iterations; i++) {
    const t = now();
    const res = await call(warmup + i);
    samples.push(now() - t);
    if (i === 0) firstResult = res;
  }
  const first = stats(early.slice(0, 200));
  return { ...stats(samples), firstResult, firstCallMs: r3(early[0]), first200: { p50: first.p50, p95: first.p95 } };
}

/**
 * Cold start, `spawns` times (after one untimed spawn that warms the page cache): spawn →
 * initialize, → first tools/list, → first call result, and the first call alone. With
 * `idleRss`, also the server's RSS after tools/list (before any backend call).
 * @param {{ spawns: number, start: () => Promise<any>, stop: (s: any) => Promise<void>, firstCall: (s: any, i: number) => Promise<unknown>, idleRss?: boolean }} o
 */
export async function measureColdStart({ spawns, start, stop, firstCall, idleRss = false }) {
  progress(`cold start: ${spawns} spawns (+1 untimed)`);
  const init = [], list = [], first = [], firstCallOnly = [], idle = [];
  for (let i = -1; i < spawns; i++) {
    const s = await start();
    await s.client.listTools();
    const tList = now() - s.t0;
    if (i >= 0 && idleRss) idle.push(treeMem(s.pid).serverRssMiB);
    const tc = now();
    await firstCall(s, i);
    const tFirst = now() - s.t0;
    if (i >= 0) {
      init.push(s.initMs);
      list.push(tList);
      first.push(tFirst);
      firstCallOnly.push(now() - tc);
    }
    await stop(s);
    await sleep(100);
  }
  return {
    spawnToInitializeMs: stats(init),
    spawnToFirstToolsListMs: stats(list),
    spawnToFirstCallResultMs: stats(first),
    firstCallAloneMs: stats(firstCallOnly),
    ...(idleRss ? { rssAfterToolsListMiB: stats(idle) } : {}),
  };
}

export function procMem(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    /** @param {string} k */
    const kb = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { pid, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Direct children of pid: /proc/<pid>/task/<tid>/children, or a /proc/<n>/stat ppid scan.
 * @param {number} pid
 * @returns {number[]}
 */
export function childPids(pid) {
  const out = new Set();
  let viaTask = false;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const f = `/proc/${pid}/task/${tid}/children`;
      if (!existsSync(f)) continue;
      viaTask = true;
      for (const c of readFileSync(f, 'utf8').trim().split(/\s+/)) if (c) out.add(Number(c));
    }
  } catch { /* process gone */ }
  if (viaTask) return [...out];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.add(Number(d));
    } catch { /* raced with exit */ }
  }
  return [...out];
}

/**
 * @typedef {{ serverRssMiB: number | null, serverHwmMiB: number | null, children: number, childrenRssMiB: number | null, totalRssMiB: number | null }} TreeMem
 * Memory of the server process and of all its descendants (engine processes, if any).
 * @param {number} pid
 * @returns {TreeMem}
 */
export function treeMem(pid) {
  const root = procMem(pid);
  if (!root) throw new Error(`server process ${pid} is gone (no /proc/${pid}/status)`);
  const kids = [];
  const stack = childPids(pid);
  while (stack.length) {
    const p = /** @type {number} */ (stack.pop());
    const m = procMem(p);
    if (!m) continue;
    kids.push(m);
    stack.push(...childPids(p));
  }
  const childrenRssKb = kids.reduce((a, k) => a + k.rssKb, 0);
  return {
    serverRssMiB: r3(root.rssKb / 1024),
    serverHwmMiB: r3(root.hwmKb / 1024),
    children: kids.length,
    childrenRssMiB: r3(childrenRssKb / 1024),
    totalRssMiB: r3((root.rssKb + childrenRssKb) / 1024),
  };
}

// ---- host ----------------------------------------------------------------------------------

/**
 * Version of @modelcontextprotocol/sdk as resolved from `from` (the bench's import.meta.url).
 * @param {string} from
 * @returns {string | null}
 */
export function sdkVersion(from) {
  try {
    const req = createRequire(from);
    let dir = dirname(req.resolve('@modelcontextprotocol/sdk/client/index.js'));
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      const f = join(dir, 'package.json');
      if (existsSync(f)) {
        const p = JSON.parse(readFileSync(f, 'utf8'));
        if (p.name === '@modelcontextprotocol/sdk') return p.version;
      }
    }
  } catch { /* unknown */ }
  return null;
}

/**
 * @typedef {{ node: string, sdk: string | null, cpus: number, cpu: string | undefined, load1: number | null }} Host
 * Node, SDK version (resolved from `from`, the bench's import.meta.url), CPUs and load now.
 * @param {string} from
 * @returns {Host}
 */
export function hostInfo(from) {
  return { node: process.version, sdk: sdkVersion(from), cpus: os.cpus().length, cpu: os.cpus()[0]?.model?.trim(), load1: r3(os.loadavg()[0]) };
}

/**
 * The warning printed under the header when other processes shared the CPUs, else null.
 * @param {Host} host
 */
export function loadWarning(host) {
  return host.load1 != null && host.load1 > host.cpus * 0.75
    ? `WARNING: load1 ${host.load1} on ${host.cpus} CPUs when the run ended: other processes share the CPUs, figures are noisy`
    : null;
}

// ---- sessions ------------------------------------------------------------------------------

/**
 * @typedef {object} Session
 * @property {any} client the SDK Client
 * @property {any} transport the StdioClientTransport
 * @property {() => string} stderr the tail of the server's stderr
 * @property {number} t0 performance.now() just before connect (spawn)
 * @property {number} initMs spawn -> initialize response
 * @property {number} pid the server process
 */

/**
 * Spawns a server over stdio and connects the SDK client; the SDK classes are passed in.
 * @param {object} o
 * @param {new (info: { name: string, version: string }) => any} o.Client from '@modelcontextprotocol/sdk/client/index.js'
 * @param {new (params: any) => any} o.StdioClientTransport from '@modelcontextprotocol/sdk/client/stdio.js'
 * @param {string} o.clientName
 * @param {string[]} o.args arguments to `command` before each start's own, e.g. [bin, file]
 * @param {string} [o.command] default: this node
 * @param {Record<string, string>} [o.env] the server's whole environment (default: the SDK's default)
 * @param {(line: string) => unknown} [o.deserializeMessage] the SDK's (from shared/stdio.js), for `start(extra, { linearReadBuffer: true })`
 */
export function createLauncher({ Client, StdioClientTransport, clientName, args, command = process.execPath, env, deserializeMessage }) {
  /** @type {Set<Session>} */
  const live = new Set(); // clients to close whatever happens

  /**
   * Spawn `command ...args ...extra` and connect; times from spawn.
   * @param {string[]} [extra]
   * @param {{ linearReadBuffer?: boolean }} [opts] swap the client's stdio read buffer for a linear one (see LinearReadBuffer)
   * @returns {Promise<Session>}
   */
  async function start(extra = [], opts = {}) {
    const transport = new StdioClientTransport({ command, args: [...args, ...extra], stderr: 'pipe', ...(env ? { env } : {}) });
    if (opts.linearReadBuffer) {
      if (!deserializeMessage) throw new Error('createLauncher: pass deserializeMessage to use a linear read buffer');
      transport._readBuffer = new LinearReadBuffer(deserializeMessage);
    }
    let stderrTail = '';
    transport.stderr?.on('data', (/** @type {Buffer} */ d) => { stderrTail = (stderrTail + d).slice(-4000); }); // drained, or the pipe fills
    const client = new Client({ name: clientName, version: '1.0.0' });
    /** @type {Session} */
    const session = { client, transport, stderr: () => stderrTail.trim(), t0: 0, initMs: 0, pid: 0 };
    live.add(session);
    const t0 = now();
    try {
      await client.connect(transport);
    } catch (err) {
      live.delete(session);
      await client.close().catch(() => {});
      throw new Error(`server did not initialize: ${/** @type {Error} */ (err).message}${stderrTail ? `\nserver stderr:\n${stderrTail.trim()}` : ''}`);
    }
    session.initMs = now() - t0;
    session.t0 = t0;
    session.pid = transport.pid;
    if (!session.pid) throw new Error('StdioClientTransport exposed no pid');
    return session;
  }

  /** @param {Session} s */
  async function stop(s) {
    live.delete(s);
    await s.client.close();
  }

  /** Closes every session still open (use in a finally). */
  async function closeAll() {
    for (const s of live) await s.client.close().catch(() => {});
    live.clear();
  }

  return { start, stop, closeAll, live };
}

/**
 * A stand-in for the SDK client's stdio ReadBuffer (1.32), which concatenates the whole pending
 * buffer again for every pipe chunk (64 KiB) and scans it for a newline each time: quadratic in
 * a message's size, about 4 ms of client time on a 1.3 MiB result. This one keeps the chunks,
 * scans each once and joins them once per message, so a bench can tell the server's cost from
 * that client's. Same interface (append, readMessage, clear) and the same message parsing.
 */
export class LinearReadBuffer {
  /** @param {(line: string) => unknown} deserialize */
  constructor(deserialize) {
    this.deserialize = deserialize;
    /** @type {Buffer[]} */
    this.chunks = [];
    this.scanned = 0; // chunks before this index hold no newline
  }

  /** @param {Buffer} chunk */
  append(chunk) {
    this.chunks.push(chunk);
  }

  readMessage() {
    for (let i = this.scanned; i < this.chunks.length; i++) {
      const chunk = this.chunks[i];
      const nl = chunk.indexOf(10);
      if (nl === -1) continue;
      const line = Buffer.concat([...this.chunks.slice(0, i), chunk.subarray(0, nl)]).toString('utf8');
      const rest = chunk.subarray(nl + 1);
      this.chunks = rest.length ? [rest, ...this.chunks.slice(i + 1)] : this.chunks.slice(i + 1);
      this.scanned = 0;
      return this.deserialize(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.scanned = this.chunks.length;
    return null;
  }

  clear() {
    this.chunks = [];
    this.scanned = 0;
  }
}

/**
 * One tools/call; throws on a protocol error or an isError result.
 * @param {Session} s @param {string} name @param {Record<string, unknown>} args
 */
export async function callTool(s, name, args) {
  const res = await s.client.callTool({ name, arguments: args });
  if (res.isError) throw new Error(`${name} returned an error: ${resultText(res) ?? JSON.stringify(res)}`);
  return res;
}

/** The text of a result's first text item. @param {any} res @returns {string | undefined} */
export const resultText = (res) => res?.content?.find((/** @type {any} */ c) => c.type === 'text')?.text;

// ---- report --------------------------------------------------------------------------------

/**
 * @typedef {{ name: string, value: number | null, unit: string, target: string, pass: boolean }} Verdict
 * A target row: PASS when value <= limit.
 * @param {string} name @param {number | null} value @param {string} unit @param {number} limit
 * @returns {Verdict}
 */
export function verdict(name, value, unit, limit) {
  return { name, value, unit, target: `<= ${limit} ${unit}`, pass: value != null && value <= limit };
}

/** A number with d decimals, '-' when missing. @param {number | null | undefined} x @param {number} [d] */
export const fmt = (x, d = 3) => (x == null ? '-' : Number(x).toFixed(d));

/** The human table: labels padded to 40, numeric columns to 8. */
export function createTable() {
  /** @type {string[]} */
  const lines = [];
  return {
    lines,
    /** @param {string} s */
    line: (s) => { lines.push(s); },
    /** Title line, then the load warning if any. @param {string} title @param {Host} host */
    header(title, host) {
      lines.push(`${title}  node ${host.node}, SDK ${host.sdk}, ${host.cpus} x ${host.cpu}, load1 ${host.load1}`);
      const w = loadWarning(host);
      if (w) lines.push(w);
    },
    /** @param {string} t */
    section: (t) => { lines.push('', t, '-'.repeat(t.length)); },
    /** @param {string} k @param {string} v */
    kv: (k, v) => { lines.push(`  ${k.padEnd(40)} ${v}`); },
    /** A label and right-aligned cells (already formatted). @param {string} label @param {string[]} cells @param {string} [suffix] */
    cols: (label, cells, suffix = '') => { lines.push(`  ${label.padEnd(40)} ${cells.map((c) => c.padStart(8)).join(' ')}${suffix}`); },
    /** The Targets section, one PASS/MISS line per verdict. @param {Verdict[]} verdicts */
    targets(verdicts) {
      this.section('Targets');
      for (const v of verdicts) {
        const d = v.unit === 'x' ? 2 : v.unit === 'ms' && v.value != null && v.value < 10 ? 3 : 1;
        lines.push(`  ${v.name.padEnd(40)} ${`${fmt(v.value, d)} ${v.unit}`.padStart(12)}   target ${v.target.padEnd(10)}  ${v.pass ? 'PASS' : 'MISS'}`);
      }
    },
    /** Writes the table to stdout. */
    print() { process.stdout.write(lines.join('\n') + '\n\n'); },
  };
}

/**
 * Runs a bench's main(): exit 0 when it ran (targets missed or not), 1 when it failed to run.
 * @param {() => Promise<void>} main
 */
export function runBench(main) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`[bench] FAILED: ${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
