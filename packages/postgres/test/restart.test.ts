// The database restarting under a running connector: a server of its own (the shared one
// serves the other test files), stopped with a fast shutdown as an operator's restart does, and
// started again on the same port with its data.
import { execFileSync } from 'node:child_process';
import { createLogger, loadConfig, memorySink } from '@org/mcp-core';
import { connectInProcess, textOf } from '@org/mcp-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDeps } from '../src/deps.js';
import { connector } from '../src/server.js';
import { backendsWith, createRole, startPostgres, stopPostgres, withClient, type PgServer, type TestRole } from './pg-server.js';

type Session = Awaited<ReturnType<typeof connectInProcess>>;

let server: PgServer;
let reader: TestRole;
beforeAll(async () => {
  server = await startPostgres();
  await withClient(server.url, (c) => c.query('CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 100) g'));
  reader = await createRole(server.url, { name: 'restart_reader' });
}, 60_000);
afterAll(async () => {
  if (server) await stopPostgres(server);
});

const count = (s: Session) => s.call('query', { sql: 'SELECT count(*)::int AS n FROM items' });
const DOWN = /^(Cannot connect to PostgreSQL: .*The database may be down or restarting|The connection to PostgreSQL was lost\. Try again; the next call reconnects\.)/;

/** Every pooled connection open and idle: a restart ends all of them. */
async function fillPool(s: Session, n: number) {
  const calls = await Promise.all(Array.from({ length: n }, () => s.call('query', { sql: 'SELECT count(*)::int AS n FROM items, generate_series(1, 2000)' })));
  for (const r of calls) expect(r.isError, textOf(r)).toBeFalsy();
}

/** A session with a pool of `poolSize` connections, all open and idle when `fn` starts. */
async function withSession(poolSize: number, fn: (s: Session) => Promise<void>) {
  const s = await connectInProcess(connector, [reader.url, '--pool-size', String(poolSize)]);
  try {
    await fillPool(s, poolSize);
    await fn(s);
  } finally {
    await s.close();
  }
}

describe('the database restarts mid-session', () => {
  it('while the server is down, calls fail with a clear error; once it is back, the very next call answers', async () => {
    await withSession(3, async (s) => {
      await server.pause();
      for (let i = 0; i < 3; i++) {
        const r = await count(s);
        expect(r.isError).toBe(true);
        expect(textOf(r)).toMatch(DOWN);
      }
      await server.resume();
      const back = await count(s);
      expect(back.isError, textOf(back)).toBeFalsy();
      expect(back.structuredContent).toMatchObject({ rows: [[100]] });
      await fillPool(s, 3);
      const audit = s.audit().filter((e) => e.tool === 'query');
      expect(audit.map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok', 'error', 'error', 'error', 'ok', 'ok', 'ok', 'ok']);
      expect(audit.filter((e) => e.outcome === 'error').every((e) => e.errorCode === 'unavailable')).toBe(true);
    });
  });

  it('a restart between two calls is not seen: the dead pooled connections are replaced', async () => {
    await withSession(3, async (s) => {
      await server.pause();
      await server.resume();
      for (let i = 0; i < 5; i++) {
        const r = await count(s);
        expect(r.isError, `call ${i}: ${textOf(r)}`).toBeFalsy();
        expect(r.structuredContent).toMatchObject({ rows: [[100]] });
      }
      await fillPool(s, 3);
    });
  });

  it('a statement running when the server stops fails with "connection lost", and is not retried', async () => {
    await withSession(2, async (s) => {
      const marker = 'restart_marker';
      const running = s.call('query', { sql: `SELECT count(*) AS ${marker} FROM generate_series(1, 10000000000)` });
      await expect.poll(() => backendsWith(server.url, marker, { active: true }), { timeout: 5_000, interval: 20 }).toBe(1);
      await server.pause();
      const r = await running;
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/^(The connection to PostgreSQL was lost|The database connection failed)/);
      await server.resume();
      const back = await count(s);
      expect(back.isError, textOf(back)).toBeFalsy();
      expect(s.logs().some((l) => l.msg === 'the PostgreSQL connection was lost; reconnecting')).toBe(true);
      // Not retried: the statement ran once, and it is not running now.
      expect(await backendsWith(server.url, marker)).toBe(0);
    });
  });
});

describe('a pooled connection that died while idle, before the connector noticed', () => {
  it('is replaced and the call tried once more on a new connection: the caller sees no error', async () => {
    const sink = memorySink();
    const deps = new PostgresDeps(loadConfig(connector, [reader.url, '--pool-size', '1'], {}), createLogger({ connector: 'test', sink }));
    const limits = { maxRows: 10, maxBytes: 1 << 20 };
    const signal = new AbortController().signal;
    try {
      const pid = (await deps.query('SELECT pg_backend_pid() AS pid', [], limits, 5_000, signal)).rows[0]![0];
      // Ended from another process while this one's event loop is blocked, so the server's
      // goodbye (FATAL 57P01, then EOF) waits unread in the socket: the pool still holds the
      // connection as idle and hands it to the next call.
      const terminate = `const pg = require('pg'); const c = new pg.Client(${JSON.stringify(server.url)});
        c.connect().then(() => c.query('SELECT pg_terminate_backend($1, 5000)', [${Number(pid)}])).then(() => c.end());`;
      execFileSync(process.execPath, ['-e', terminate], { cwd: import.meta.dirname, timeout: 20_000 });
      const r = await deps.query('SELECT pg_backend_pid() AS pid, count(*)::int AS n FROM items', [], limits, 5_000, signal);
      expect(r.rows[0]![1]).toBe(100);
      expect(r.rows[0]![0]).not.toBe(pid);
      expect(sink.records().filter((l) => l.msg === 'the PostgreSQL connection was lost; reconnecting')).toMatchObject([{ stale: true }]);
    } finally {
      await deps.close();
    }
  });
});

describe('readiness in http mode', () => {
  it('/readyz answers 503 while the database is down and 200 once it is back; /healthz stays 200', async () => {
    const { createRuntime } = await import('@org/mcp-core');
    const { startHttp } = await import('@org/mcp-core/http');
    const runtime = createRuntime(connector, loadConfig(connector, [reader.url, '--transport', 'http', '--port', '0'], {}), { auditSink: memorySink(), logSink: memorySink() });
    const http = await startHttp(runtime);
    const status = async (path: string) => (await fetch(`${http.url}${path}`)).status;
    try {
      expect(await status('/readyz')).toBe(200);
      await server.pause();
      try {
        const down = await fetch(`${http.url}/readyz`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ status: 'not ready', reason: expect.stringMatching(/Cannot connect to PostgreSQL/) });
        expect(await status('/healthz')).toBe(200);
      } finally {
        await server.resume();
      }
      await expect.poll(() => status('/readyz'), { timeout: 10_000 }).toBe(200);
    } finally {
      await http.shutdown('test');
    }
  });
});
