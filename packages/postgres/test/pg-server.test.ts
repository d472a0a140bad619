// Proves the harness: a real server, per-file databases, least-privilege roles, statement_timeout.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, createRole, withClient, type TestDatabase, type TestRole } from './pg-server.js';

const pg = inject('pg');

describe('test PostgreSQL server', () => {
  it('answers SELECT version() in the run database, as a superuser', async () => {
    const row = await withClient(pg.adminUrl, async (client) => {
      const { rows } = await client.query<{ version: string; db: string; su: string }>(
        "SELECT version() AS version, current_database() AS db, current_setting('is_superuser') AS su",
      );
      return rows[0];
    });
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    expect(row?.version).toContain(pg.serverVersion);
    expect(row?.db).toBe(pg.database);
    expect(pg.database).toMatch(/^mcp_test_[0-9a-f]{8}$/);
    expect(row?.su).toBe('on');
    if (pg.source !== 'external') {
      const url = new URL(pg.adminUrl);
      expect(url.hostname).toBe('127.0.0.1');
      expect(Number(url.port)).toBe(pg.port);
    }
  });

  it('creates a database per test file, writes to it and drops it', async () => {
    const db = await createDatabase(pg.adminUrl, 'Harness Check');
    expect(db.name).toMatch(new RegExp(`^${pg.database}_harness_check_[0-9a-f]{6}$`));
    const exists = () =>
      withClient(pg.adminUrl, async (client) => {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
        return rowCount === 1;
      });
    try {
      const rows = await withClient(db.url, async (client) => {
        await client.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
        await client.query("INSERT INTO notes VALUES (1, 'héllo'), (2, 'wörld')");
        const result = await client.query<{ db: string; body: string }>(
          'SELECT current_database() AS db, body FROM notes ORDER BY id',
        );
        return result.rows;
      });
      expect(rows).toEqual([
        { db: db.name, body: 'héllo' },
        { db: db.name, body: 'wörld' },
      ]);
      expect(await exists()).toBe(true);
    } finally {
      await db.drop();
    }
    expect(await exists()).toBe(false);
    await db.drop(); // idempotent
  });

  describe('least-privilege role', () => {
    let db: TestDatabase;
    let reader: TestRole;

    beforeAll(async () => {
      db = await createDatabase(pg.adminUrl, 'roles');
      await withClient(db.url, async (client) => {
        await client.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
        await client.query("INSERT INTO items VALUES (1, 'apple'), (2, 'pear')");
      });
      reader = await createRole(db.url, { name: 'reader', password: 'p@ss w/rd:1', login: true });
    });

    afterAll(async () => {
      await reader?.drop();
      await db?.drop();
    });

    it('logs in to the database and can SELECT', async () => {
      const result = await withClient(reader.url, async (client) => {
        const { rows } = await client.query<{ user: string; db: string; names: string[] }>(
          'SELECT current_user AS user, current_database() AS db, array_agg(name ORDER BY id) AS names FROM items',
        );
        return rows[0];
      });
      expect(result).toEqual({ user: reader.name, db: db.name, names: ['apple', 'pear'] });
    });

    it('cannot INSERT (42501) and is not a superuser', async () => {
      await withClient(reader.url, async (client) => {
        await expect(client.query("INSERT INTO items VALUES (3, 'plum')")).rejects.toMatchObject({ code: '42501' });
        await expect(client.query('CREATE TABLE mine (id int)')).rejects.toMatchObject({ code: '42501' });
        const { rows } = await client.query<{ rolsuper: boolean; su: string }>(
          "SELECT rolsuper, current_setting('is_superuser') AS su FROM pg_roles WHERE rolname = current_user",
        );
        expect(rows).toEqual([{ rolsuper: false, su: 'off' }]);
      });
      const count = await withClient(db.url, async (client) => (await client.query('SELECT * FROM items')).rowCount);
      expect(count).toBe(2);
    });

    it('is dropped by drop()', async () => {
      const temp = await createRole(db.url, { name: 'temp', login: true, grants: ['SELECT ON TABLE items'] });
      const roleExists = () =>
        withClient(db.url, async (client) => (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [temp.name])).rowCount);
      expect(await roleExists()).toBe(1);
      await temp.drop();
      expect(await roleExists()).toBe(0);
    });

    it('can be made a superuser when asked', async () => {
      const admin = await createRole(db.url, { name: 'admin', login: true, superuser: true, grants: [] });
      try {
        const su = await withClient(admin.url, async (client) => (await client.query("SELECT current_setting('is_superuser') AS su")).rows[0]?.su);
        expect(su).toBe('on');
      } finally {
        await admin.drop();
      }
    });
  });

  it('enforces statement_timeout (57014) long before pg_sleep(5) ends', async () => {
    await withClient(pg.adminUrl, async (client) => {
      await client.query("SET statement_timeout = '200ms'");
      const started = performance.now();
      await expect(client.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(2_000);
      // The connection survives the cancelled statement.
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });
});
