import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { makeDatabase, SHOP_SQL } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const db = makeDatabase(SHOP_SQL);
const cache = mkdtempSync(join(tmpdir(), 'mcp-sqlite-cache-'));
afterAll(() => {
  db.cleanup();
  rmSync(cache, { recursive: true, force: true });
});

async function startClient(args: string[], env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...args], env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: cache, ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'bin-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of the direct children of a process (the engine processes of a server). */
const childrenOf = (pid: number): number[] => {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((s) => Number(s.trim())).filter(Boolean);
};

describe('the built bin over stdio', () => {
  it('answers the SDK client: initialize, tools/list, a query', async () => {
    const { client } = await startClient([db.file]);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'mcp-sqlite', version: pkg.version });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['list_tables', 'describe_table', 'read_query', 'explain_query', 'append_insight']);
      const r = await client.callTool({ name: 'read_query', arguments: { sql: 'SELECT name FROM customers WHERE id = ?', params: [2] } });
      expect(r.structuredContent).toMatchObject({ rows: [['Linus']] });
    } finally {
      await client.close();
    }
  });

  it('--demo creates the demo database on first use and queries it', async () => {
    const demoFile = join(cache, 'org-mcp-sqlite', `demo-${pkg.version}.db`);
    expect(existsSync(demoFile)).toBe(false);
    const { client } = await startClient(['--demo']);
    try {
      const r = await client.callTool({ name: 'list_tables', arguments: {} });
      const tables = (r.structuredContent as { tables: Array<{ name: string; rows: number | null }> }).tables;
      expect(tables.map((t) => t.name)).toEqual(['customers', 'order_items', 'order_totals', 'orders', 'products']);
      const rows = tables.reduce((n, t) => n + (t.rows ?? 0), 0);
      expect(rows).toBeGreaterThan(300);
      expect(existsSync(demoFile)).toBe(true);
      const q = await client.callTool({ name: 'read_query', arguments: { sql: "SELECT count(*) FROM orders WHERE status = 'delivered'" } });
      expect((q.structuredContent as { rows: number[][] }).rows[0]![0]).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('a bad setting exits 1 with one line on stderr and nothing on stdout', () => {
    for (const args of [[], ['--max-rows', 'lots', db.file], ['/no/such/file.db'], ['--frobnicate']]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^mcp-sqlite: /);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('--help and --version print to stdout and exit 0', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--allow-write');
    expect(help.stdout).toContain('MCP_MAX_ROWS');
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  for (const how of ['SIGTERM', 'SIGINT', 'stdin close'] as const) {
    it(`exits 0 on ${how} and leaves no engine process behind`, async () => {
      const child = spawn(process.execPath, [BIN, db.file], { stdio: ['pipe', 'pipe', 'pipe'] });
      const lines: string[] = [];
      child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
      const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'read_query', arguments: { sql: 'SELECT 1' } } });
      await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      // stdout carries only JSON-RPC messages.
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
      const engines = childrenOf(child.pid!);
      expect(engines.length).toBeGreaterThan(0);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      if (how === 'stdin close') child.stdin.end();
      else child.kill(how);
      expect(await exited).toBe(0);
      await expect.poll(() => engines.filter(alive), { timeout: 3000 }).toEqual([]);
    });
  }

  it('exits 0 without a stack trace when the client closes its end of stdout', async () => {
    const child = spawn(process.execPath, [BIN, db.file], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy(); // the client is gone: our answer will hit a closed pipe
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('EPIPE\n');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('engine processes do not outlive a server that was killed outright', async () => {
    const { client, transport } = await startClient([db.file]);
    await client.callTool({ name: 'list_tables', arguments: {} });
    const server = transport.pid!;
    const engines = childrenOf(server);
    expect(engines.length).toBeGreaterThan(0);
    process.kill(server, 'SIGKILL');
    await expect.poll(() => engines.filter(alive), { timeout: 3000 }).toEqual([]);
    await client.close().catch(() => {});
  });

  it('--audit-log appends one JSON line per call to the file', async () => {
    const log = join(cache, 'audit.jsonl');
    const { client, stderr } = await startClient([db.file, '--audit-log', log]);
    try {
      await client.callTool({ name: 'read_query', arguments: { sql: 'SELECT * FROM customers', params: [] } });
      await client.callTool({ name: 'write_query', arguments: { sql: 'DELETE FROM customers' } });
    } finally {
      await client.close();
    }
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.tool, e.outcome, e.rows])).toEqual([
      ['read_query', 'ok', 3],
      ['write_query', 'denied', undefined],
    ]);
    // Logs stay on stderr as JSON lines, and audit events are not duplicated there.
    const logLines = stderr().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logLines.some((l) => l.msg === 'ready')).toBe(true);
    expect(logLines.some((l) => l.type === 'audit')).toBe(false);
  });
});
