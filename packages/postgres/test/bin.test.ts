import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, createRole, withClient, type TestDatabase, type TestRole } from './pg-server.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const pg = inject('pg');
let db: TestDatabase;
let reader: TestRole;
beforeAll(async () => {
  db = await createDatabase(pg.adminUrl, 'bin');
  await withClient(db.url, (c) => c.query("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'one'), (2, 'two')"));
  reader = await createRole(db.url, { name: 'bin_reader' });
});
afterAll(async () => {
  await reader?.drop();
  await db?.drop();
});

describe('the built bin over stdio', () => {
  it('answers the SDK client with the URL from POSTGRES_URL; the password never reaches stderr', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: { PATH: process.env.PATH ?? '', POSTGRES_URL: reader.url }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'bin-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'mcp-postgres' });
      const r = await client.callTool({ name: 'query', arguments: { sql: 'SELECT name FROM items WHERE id = $1', params: [2] } });
      expect(r.structuredContent).toMatchObject({ rows: [['two']] });
      const bad = await client.callTool({ name: 'query', arguments: { sql: `SELECT '${reader.password}' AS p; DROP TABLE items` } });
      expect(bad.isError).toBe(true);
    } finally {
      await client.close();
    }
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'audit')).toHaveLength(2);
    expect(stderr).not.toContain(reader.password);
  });

  it('a bad setting exits 1 with one line and no stack trace', () => {
    for (const [args, env] of [[[], {}], [['mysql://x/y'], {}], [[reader.url, '--sslmode', 'sometimes'], {}], [[], { DATABASE_URL: 'not a url' }]] as Array<[string[], Record<string, string>]>) {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^mcp-postgres: /);
      expect(r.stderr).not.toContain(reader.password);
    }
  });

  it('exits 0 on SIGTERM and closes its connections', async () => {
    const child = spawn(process.execPath, [BIN, reader.url], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines: string[] = [];
    child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'query', arguments: { sql: 'SELECT 1' } } });
    await expect.poll(() => lines.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const sessions = () => withClient(pg.adminUrl, async (c) => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [reader.name])).rows[0].n as number);
    expect(await sessions()).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect.poll(sessions, { timeout: 5000 }).toBe(0);
  });
});
