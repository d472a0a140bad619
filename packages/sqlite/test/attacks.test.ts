/**
 * Security suite, end to end through the MCP tools on a real SQLite file. Every attack must be
 * refused with a message a model can act on, leave the database byte-identical, and create no
 * file: not in the database's directory, not at any path the attack names.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, makeDatabase, SHOP_SQL, textOf, userAgrees } from './helpers.js';

type Session = Awaited<ReturnType<typeof connect>>;
type Db = ReturnType<typeof makeDatabase>;
type Tool = 'read_query' | 'explain_query' | 'write_query' | 'create_table';

/** SHOP_SQL plus names that need quoting and JSON documents. */
const EXTRA_SQL = `
CREATE TABLE "order items" ("select" INTEGER, "my col" TEXT, [group] TEXT, \`from\` TEXT);
INSERT INTO "order items" VALUES (1, 'a b', 'g1', 'f1'), (2, 'c d', 'g2', 'f2');
CREATE TABLE prefs (customer_id INTEGER PRIMARY KEY, data TEXT);
INSERT INTO prefs VALUES (1, '{"theme":"dark","tags":["a","b"]}'), (2, '{"theme":"light","tags":[]}');
`;
const SECRET = 'hunter2-attached-secret';
const OTHER_SQL = `CREATE TABLE secrets (s TEXT); INSERT INTO secrets VALUES ('${SECRET}');`;

/** Everything an attack must leave as it was. */
interface Fixture {
  db: Db;
  other: Db;
  /** Paths attacks name (VACUUM INTO and ATTACH targets): none may exist, before or after. */
  watched: string[];
}

function fixture(label: string): Fixture & { paths: Record<'copy' | 'copy2' | 'stacked' | 'explained' | 'attachNew' | 'tmp', string>; cleanup(): void } {
  const db = makeDatabase(SHOP_SQL + EXTRA_SQL);
  const other = makeDatabase(OTHER_SQL, 'other.db');
  const paths = {
    copy: join(db.dir, 'copy.db'),
    copy2: join(db.dir, 'copy2.db'),
    stacked: join(db.dir, 'stacked.db'),
    explained: join(db.dir, 'explained.db'),
    attachNew: join(db.dir, 'attached-new.db'),
    // A fixed /tmp path as well, as an attacker would write it.
    tmp: `/tmp/mcp-sqlite-attack-${label}-${process.pid}-${Date.now()}.db`,
  };
  return {
    db,
    other,
    paths,
    watched: Object.values(paths),
    cleanup() {
      db.cleanup();
      other.cleanup();
      rmSync(paths.tmp, { force: true });
    },
  };
}

const snapshot = (f: Fixture) => ({ hash: f.db.hash(), files: f.db.files(), otherHash: f.other.hash(), otherFiles: f.other.files() });

function expectActionableError(r: CallToolResult, msg: RegExp, what: string) {
  const text = textOf(r);
  expect(r.isError, `${what} was not refused; it returned: ${text.slice(0, 300)}`).toBe(true);
  expect(text, what).toMatch(msg);
  expect(text, what).not.toMatch(/^\s+at /m); // no stack trace
  expect(text, what).not.toMatch(/failed unexpectedly/);
}

interface Attack {
  sql: string;
  /** What the model is told. */
  msg: RegExp;
  /** Tools to try it on, when not all of the group's tools. */
  tools?: Tool[];
  params?: unknown[] | Record<string, unknown>;
  /** Text that must not appear in the answer (data the attack tries to read). */
  secret?: string;
}

async function expectRefused(s: Session, f: Fixture, tool: Tool, a: Attack) {
  for (const p of f.watched) expect(existsSync(p), `${p} exists before the attack`).toBe(false);
  const before = snapshot(f);
  const r = await s.call(tool, { sql: a.sql, ...(a.params ? { params: a.params } : {}) });
  const what = `${tool}(${JSON.stringify(a.sql)})`;
  expectActionableError(r, a.msg, what);
  if (a.secret) expect(JSON.stringify(r)).not.toContain(a.secret);
  expect(snapshot(f), `${what} changed a file`).toEqual(before);
  for (const p of f.watched) expect(existsSync(p), `${what} created ${p}`).toBe(false);
  expect(s.audit().at(-1), what).toMatchObject({ tool, outcome: 'error', errorCode: expect.stringMatching(/^(denied|invalid_input|backend)$/) });
}

function attackTests(getSession: () => Session, f: Fixture, tools: Tool[], attacks: Attack[]) {
  for (const tool of tools) {
    for (const a of attacks) {
      if (a.tools && !a.tools.includes(tool)) continue;
      it(`${tool} refuses ${JSON.stringify(a.sql)}`, () => expectRefused(getSession(), f, tool, a));
    }
  }
}

/** The engine's connection state, read through the public tool. */
async function connectionState(s: Session) {
  const r = await s.call('read_query', {
    sql: 'SELECT (SELECT query_only FROM pragma_query_only) AS qo, (SELECT writable_schema FROM pragma_writable_schema) AS ws, (SELECT group_concat(name) FROM pragma_database_list) AS dbs',
  });
  expect(r.isError, textOf(r)).toBeFalsy();
  return (r.structuredContent as { rows: unknown[][] }).rows[0];
}

const STACKED = /^Exactly one statement per call is allowed; this text has \d+\. Send them as separate calls\./;
const EMPTY = /^The SQL is empty/;
const READ_ONLY_SERVER = /is not allowed in this tool\. This server is read-only/;
const not = (verb: string) => new RegExp(`^${verb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not allowed`);

/** Attacks on the reading tools; the server may or may not have --allow-write. */
function readAttacks(f: ReturnType<typeof fixture>, writeMode: boolean): Attack[] {
  const { paths, other } = f;
  const writeIn = writeMode ? /is not allowed in this tool\. Use write_query/ : READ_ONLY_SERVER;
  const createIn = writeMode ? /is not allowed in this tool\. Use create_table/ : READ_ONLY_SERVER;
  return [
    // Stacked statements
    { sql: 'SELECT 1; DROP TABLE customers', msg: STACKED },
    { sql: 'SELECT 1; PRAGMA query_only=0', msg: STACKED },
    { sql: 'PRAGMA query_only=0; SELECT 1', msg: STACKED },
    { sql: 'SELECT * FROM customers; DELETE FROM customers', msg: STACKED },
    { sql: 'SELECT 1;;SELECT 2', msg: STACKED },
    { sql: 'SELECT 1 -- x\n; DELETE FROM customers', msg: STACKED },
    { sql: "SELECT '/*'; DELETE FROM customers -- */", msg: STACKED },
    { sql: "SELECT 1; ATTACH ':memory:' AS m", msg: STACKED },
    { sql: `SELECT 1; VACUUM INTO '${paths.stacked}'`, msg: STACKED },
    { sql: `ATTACH '${other.file}' AS o; SELECT * FROM o.secrets`, msg: STACKED, secret: SECRET },
    // ATTACH / DETACH
    { sql: "ATTACH ':memory:' AS m", msg: not('ATTACH') },
    { sql: "ATTACH DATABASE ':memory:' AS m", msg: not('ATTACH') },
    { sql: `ATTACH '${other.file}' AS o`, msg: not('ATTACH'), secret: SECRET },
    { sql: `ATTACH 'file:${other.file}?mode=ro' AS o`, msg: not('ATTACH') },
    { sql: `ATTACH '${paths.attachNew}' AS n`, msg: not('ATTACH') },
    { sql: "EXPLAIN ATTACH ':memory:' AS m", msg: not('EXPLAIN ATTACH') },
    { sql: 'DETACH main', msg: not('DETACH') },
    { sql: 'DETACH DATABASE temp', msg: not('DETACH') },
    // VACUUM and VACUUM INTO
    { sql: 'VACUUM', msg: not('VACUUM') },
    { sql: 'VACUUM main', msg: not('VACUUM') },
    { sql: `VACUUM INTO '${paths.copy}'`, msg: not('VACUUM') },
    { sql: `VACUUM main INTO '${paths.copy2}'`, msg: not('VACUUM') },
    { sql: `VACUUM INTO '${paths.tmp}'`, msg: not('VACUUM') },
    { sql: `EXPLAIN VACUUM INTO '${paths.explained}'`, msg: not('EXPLAIN VACUUM') },
    { sql: `/* backup */ VACUUM INTO '${paths.tmp}'`, msg: not('VACUUM') },
    // load_extension (refused when it runs; explain_query never runs it, see below)
    { sql: "SELECT load_extension('/tmp/mcp-sqlite-no-such-extension.so')", msg: /not authorized/, tools: ['read_query'] },
    { sql: "SELECT load_extension('libc.so.6', 'system')", msg: /not authorized/, tools: ['read_query'] },
    { sql: "SELECT name FROM customers WHERE load_extension('x') IS NULL", msg: /not authorized/, tools: ['read_query'] },
    // Turning query_only off, also through EXPLAIN
    { sql: 'PRAGMA query_only = 0', msg: not('PRAGMA query_only') },
    { sql: 'PRAGMA query_only=OFF', msg: not('PRAGMA query_only') },
    { sql: "pragma QUERY_ONLY = 'false'", msg: not('PRAGMA query_only') },
    { sql: 'PRAGMA query_only(0)', msg: not('PRAGMA query_only') },
    { sql: 'PRAGMA "query_only" = 0', msg: not('PRAGMA query_only') },
    { sql: 'EXPLAIN PRAGMA query_only = 0', msg: not('EXPLAIN PRAGMA query_only') },
    { sql: 'EXPLAIN QUERY PLAN PRAGMA query_only = 0', msg: not('EXPLAIN PRAGMA query_only') },
    { sql: '/* read */ PRAGMA query_only = 0', msg: not('PRAGMA query_only') },
    // writable_schema and other settings
    { sql: 'PRAGMA writable_schema=ON', msg: not('PRAGMA writable_schema') },
    { sql: 'PRAGMA main.writable_schema=1', msg: not('PRAGMA writable_schema') },
    { sql: 'PRAGMA writable_schema(1)', msg: not('PRAGMA writable_schema') },
    { sql: 'EXPLAIN PRAGMA writable_schema = ON', msg: not('EXPLAIN PRAGMA writable_schema') },
    { sql: 'PRAGMA trusted_schema = ON', msg: not('PRAGMA trusted_schema') },
    { sql: 'PRAGMA journal_mode = WAL', msg: not('PRAGMA journal_mode') },
    { sql: 'PRAGMA user_version = 42', msg: not('PRAGMA user_version') },
    { sql: 'PRAGMA foreign_keys = OFF', msg: not('PRAGMA foreign_keys') },
    { sql: 'PRAGMA optimize', msg: not('PRAGMA optimize') },
    // ANALYZE through the table-valued pragma: it writes sqlite_stat1 (only when it runs)
    { sql: 'SELECT * FROM pragma_optimize(0x10002)', msg: /pragma_optimize is not allowed|attempt to write a readonly database/, tools: ['read_query'] },
    // Writes through a CTE
    { sql: 'WITH x AS (SELECT 1) DELETE FROM customers', msg: writeIn },
    { sql: "WITH x AS (SELECT 'evil') INSERT INTO customers (name) SELECT * FROM x", msg: writeIn },
    { sql: "WITH x AS (SELECT 1) UPDATE customers SET name = 'evil'", msg: writeIn },
    { sql: "WITH x AS (SELECT 1) REPLACE INTO customers (id, name) VALUES (1, 'evil')", msg: writeIn },
    { sql: 'WITH RECURSIVE x(n) AS (SELECT 1) DELETE FROM orders WHERE id IN x', msg: writeIn },
    { sql: "WITH x AS (SELECT ') SELECT (' AS a) DELETE FROM customers", msg: writeIn },
    // Writes in any form
    { sql: "INSERT INTO customers (name) VALUES ('evil')", msg: writeIn },
    { sql: "INSERT OR REPLACE INTO customers (id, name) VALUES (1, 'evil')", msg: writeIn },
    { sql: "REPLACE INTO customers (id, name) VALUES (1, 'evil')", msg: writeIn },
    { sql: "UPDATE customers SET name = 'evil'", msg: writeIn },
    { sql: 'DELETE FROM customers', msg: writeIn },
    { sql: "INSERT INTO customers (name) VALUES ('evil') RETURNING *", msg: writeIn },
    { sql: 'DELETE FROM orders RETURNING id, total', msg: writeIn },
    { sql: 'UPDATE customers SET name = ? WHERE id = ? RETURNING name', msg: writeIn, params: ['evil', 1] },
    { sql: 'CREATE TABLE evil (a)', msg: createIn },
    { sql: 'CREATE TEMP TABLE evil (a)', msg: createIn },
    { sql: 'CREATE TABLE evil AS SELECT * FROM customers', msg: createIn },
    { sql: 'CREATE INDEX evil ON customers (name)', msg: not('CREATE INDEX') },
    { sql: 'CREATE VIEW evil AS SELECT 1', msg: not('CREATE VIEW') },
    { sql: 'CREATE TRIGGER evil AFTER INSERT ON customers BEGIN DELETE FROM orders; END', msg: STACKED },
    { sql: 'CREATE VIRTUAL TABLE evil USING fts5(a)', msg: not('CREATE VIRTUAL') },
    { sql: 'DROP TABLE customers', msg: not('DROP') },
    { sql: 'DROP VIEW big_orders', msg: not('DROP') },
    { sql: 'DROP INDEX orders_customer', msg: not('DROP') },
    { sql: 'ALTER TABLE customers RENAME TO evil', msg: not('ALTER') },
    { sql: 'ALTER TABLE customers ADD COLUMN evil TEXT', msg: not('ALTER') },
    { sql: 'ANALYZE', msg: not('ANALYZE') },
    { sql: 'REINDEX', msg: not('REINDEX') },
    // Comments hiding keywords
    { sql: '/* SELECT */ DELETE FROM customers', msg: writeIn },
    { sql: '-- SELECT 1\nDELETE FROM customers', msg: writeIn },
    { sql: '/*/ SELECT /*/ DELETE FROM customers', msg: writeIn },
    { sql: '/* SELECT */ DROP TABLE customers', msg: not('DROP') },
    { sql: '-- SELECT\nPRAGMA query_only = 0', msg: not('PRAGMA query_only') },
    { sql: "/* SELECT 1; */ ATTACH ':memory:' AS m", msg: not('ATTACH') },
    // Transaction control, and the classic COMMIT escape
    { sql: 'BEGIN', msg: not('BEGIN') },
    { sql: 'BEGIN IMMEDIATE', msg: not('BEGIN') },
    { sql: 'BEGIN; DELETE FROM customers', msg: STACKED },
    { sql: 'COMMIT', msg: not('COMMIT') },
    { sql: 'COMMIT; DROP TABLE customers', msg: STACKED },
    { sql: 'END; DROP TABLE customers', msg: STACKED },
    { sql: 'ROLLBACK; DROP TABLE customers', msg: STACKED },
    { sql: 'SAVEPOINT s', msg: not('SAVEPOINT') },
    { sql: 'RELEASE s', msg: not('RELEASE') },
    // Nothing at all
    { sql: '-- nothing', msg: EMPTY },
    { sql: ';', msg: EMPTY },
  ];
}

describe('read-only mode: attacks on read_query and explain_query', () => {
  const f = fixture('ro');
  let s: Session;
  beforeAll(async () => {
    // One engine process: every attack reaches the connection checked at the end.
    s = await connect([f.db.file, '--engines', '1']);
  });
  afterAll(async () => {
    await s.close();
    f.cleanup();
  });

  attackTests(() => s, f, ['read_query', 'explain_query'], readAttacks(f, false));

  it('explain_query only plans a statement, it never runs it: load_extension is not called', async () => {
    const before = snapshot(f);
    const r = await s.call('explain_query', { sql: "SELECT load_extension('/tmp/mcp-sqlite-no-such-extension.so')" });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { plan: unknown[] }).plan).toBeInstanceOf(Array);
    expect(snapshot(f)).toEqual(before);
  });

  it('write tools are absent and refused', async () => {
    const before = snapshot(f);
    for (const tool of ['write_query', 'create_table'] as const) {
      const r = await s.call(tool, { sql: tool === 'write_query' ? 'DELETE FROM customers' : 'CREATE TABLE evil (a)' });
      expectActionableError(r, /--allow-write/, tool);
    }
    expect(snapshot(f)).toEqual(before);
  });

  it('after all the attacks: reads still work, query_only is still on, the engine never had to exit', async () => {
    const r = await s.call('read_query', { sql: 'SELECT name FROM customers ORDER BY id' });
    expect(r.structuredContent).toMatchObject({ rows: [['Ada'], ['Linus'], ['Grace']] });
    expect(await connectionState(s)).toEqual([1, 0, 'main']);
    // A write hidden in a read (ANALYZE inside a table-valued pragma) still fails.
    const before = snapshot(f);
    const w = await s.call('read_query', { sql: 'SELECT * FROM pragma_optimize(0x10002)' });
    expect(w.isError).toBe(true);
    expect(snapshot(f)).toEqual(before);
    expect(s.logs().filter((l) => l.msg === 'sqlite engine exited')).toEqual([]);
    expect(s.runtime.deps.engine.processCount).toBe(1);
  });
});

describe('write mode: attacks', () => {
  const f = fixture('rw');
  const { paths, other } = f;
  let s: Session;
  beforeAll(async () => {
    s = await connect([f.db.file, '--allow-write', '--engines', '1'], {}, userAgrees);
  });
  afterAll(async () => {
    await s.close();
    f.cleanup();
  });

  describe('read_query stays read-only', () => {
    attackTests(() => s, f, ['read_query'], readAttacks(f, true));
  });

  describe('write_query', () => {
    const notWrite = /is not allowed/;
    attackTests(() => s, f, ['write_query'], [
      { sql: "INSERT INTO customers (name) VALUES ('evil'); DROP TABLE orders", msg: STACKED },
      { sql: 'DELETE FROM orders; PRAGMA query_only=0', msg: STACKED },
      { sql: 'PRAGMA query_only=0; DELETE FROM orders', msg: STACKED },
      { sql: "UPDATE customers SET name = 'evil'; ATTACH ':memory:' AS m", msg: STACKED },
      { sql: 'BEGIN; DELETE FROM customers', msg: STACKED },
      { sql: 'COMMIT; DROP TABLE customers', msg: STACKED },
      { sql: 'END; DROP TABLE customers', msg: STACKED },
      { sql: 'DELETE FROM orders;;DELETE FROM customers', msg: STACKED },
      { sql: "ATTACH ':memory:' AS m", msg: not('ATTACH') },
      { sql: `ATTACH '${other.file}' AS o`, msg: not('ATTACH') },
      { sql: `ATTACH '${paths.attachNew}' AS n`, msg: not('ATTACH') },
      { sql: 'DETACH main', msg: not('DETACH') },
      { sql: 'VACUUM', msg: not('VACUUM') },
      { sql: `VACUUM INTO '${paths.copy}'`, msg: not('VACUUM') },
      { sql: `VACUUM INTO '${paths.tmp}'`, msg: not('VACUUM') },
      { sql: "INSERT INTO customers (name) SELECT load_extension('/tmp/mcp-sqlite-no-such-extension.so')", msg: /not authorized/ },
      { sql: "UPDATE customers SET name = load_extension('libc.so.6', 'system') WHERE id = 1", msg: /not authorized/ },
      { sql: 'PRAGMA query_only = 0', msg: not('PRAGMA query_only') },
      { sql: 'PRAGMA writable_schema = ON', msg: not('PRAGMA writable_schema') },
      { sql: 'PRAGMA main.writable_schema=1', msg: not('PRAGMA writable_schema') },
      { sql: 'PRAGMA journal_mode = WAL', msg: not('PRAGMA journal_mode') },
      { sql: 'PRAGMA foreign_keys = OFF', msg: not('PRAGMA foreign_keys') },
      { sql: 'PRAGMA user_version = 7', msg: not('PRAGMA user_version') },
      { sql: "UPDATE sqlite_schema SET sql = 'CREATE TABLE customers (x)' WHERE name = 'customers'", msg: /may not be modified/ },
      { sql: "DELETE FROM sqlite_master WHERE name = 'orders'", msg: /may not be modified/ },
      { sql: "INSERT INTO sqlite_schema VALUES ('table', 'evil', 'evil', 99, 'CREATE TABLE evil (a)')", msg: /may not be modified/ },
      // ANALYZE through the table-valued pragma creates sqlite_stat1: DDL other than CREATE TABLE
      { sql: "INSERT INTO customers (name) SELECT optimize FROM pragma_optimize", msg: /pragma_optimize is not allowed/ },
      { sql: 'DELETE FROM orders WHERE id IN (SELECT 0 FROM pragma_optimize(0x10002))', msg: /pragma_optimize is not allowed/ },
      { sql: 'CREATE TABLE evil (a)', msg: /is not allowed in this tool\. Use create_table/ },
      { sql: 'CREATE INDEX evil ON customers (name)', msg: not('CREATE INDEX') },
      { sql: 'CREATE VIEW evil AS SELECT 1', msg: not('CREATE VIEW') },
      { sql: 'CREATE TRIGGER evil AFTER INSERT ON customers BEGIN DELETE FROM orders; END', msg: STACKED },
      { sql: 'CREATE VIRTUAL TABLE evil USING fts5(a)', msg: not('CREATE VIRTUAL') },
      { sql: 'DROP TABLE orders', msg: not('DROP') },
      { sql: 'DROP INDEX orders_customer', msg: not('DROP') },
      { sql: 'ALTER TABLE customers ADD COLUMN evil TEXT', msg: not('ALTER') },
      { sql: 'ANALYZE', msg: not('ANALYZE') },
      { sql: 'REINDEX', msg: not('REINDEX') },
      { sql: 'BEGIN', msg: not('BEGIN') },
      { sql: 'COMMIT', msg: not('COMMIT') },
      { sql: 'ROLLBACK', msg: not('ROLLBACK') },
      { sql: 'SAVEPOINT s', msg: not('SAVEPOINT') },
      { sql: 'RELEASE s', msg: not('RELEASE') },
      { sql: '/* INSERT */ DROP TABLE customers', msg: not('DROP') },
      { sql: "-- UPDATE\nATTACH ':memory:' AS m", msg: not('ATTACH') },
      { sql: 'SELECT * FROM customers', msg: notWrite },
    ]);
  });

  describe('create_table', () => {
    attackTests(() => s, f, ['create_table'], [
      { sql: 'CREATE INDEX evil ON customers (name)', msg: /only CREATE TABLE is/ },
      { sql: 'CREATE UNIQUE INDEX evil ON customers (email)', msg: /only CREATE TABLE is/ },
      { sql: 'CREATE VIEW evil AS SELECT 1', msg: /only CREATE TABLE is/ },
      { sql: 'CREATE TEMP VIEW evil AS SELECT 1', msg: /only CREATE TABLE is/ },
      { sql: 'CREATE TRIGGER evil AFTER INSERT ON customers BEGIN DELETE FROM orders; END', msg: STACKED },
      { sql: 'CREATE VIRTUAL TABLE evil USING fts5(a)', msg: /only CREATE TABLE is/ },
      { sql: 'CREATE TABLE evil (a); DROP TABLE customers', msg: STACKED },
      { sql: 'CREATE TABLE evil (a); PRAGMA writable_schema = ON', msg: STACKED },
      { sql: "CREATE TABLE evil AS SELECT load_extension('/tmp/mcp-sqlite-no-such-extension.so') AS x", msg: /not authorized/ },
      // ANALYZE through the table-valued pragma, inside CREATE TABLE … AS SELECT
      { sql: 'CREATE TABLE evil AS SELECT * FROM pragma_optimize', msg: /pragma_optimize is not allowed/ },
      { sql: 'CREATE TABLE sqlite_evil (a)', msg: /reserved for internal use/ },
      { sql: 'CREATE TABLE customers (a)', msg: /already exists/ },
      { sql: 'DROP TABLE customers', msg: not('DROP') },
      { sql: 'ALTER TABLE customers ADD COLUMN evil TEXT', msg: not('ALTER') },
      { sql: "ATTACH ':memory:' AS m", msg: not('ATTACH') },
      { sql: `VACUUM INTO '${paths.copy}'`, msg: not('VACUUM') },
      { sql: 'PRAGMA writable_schema = ON', msg: not('PRAGMA writable_schema') },
      { sql: 'BEGIN', msg: not('BEGIN') },
      { sql: "INSERT INTO customers (name) VALUES ('evil')", msg: /is not allowed in this tool\. Use write_query/ },
      { sql: '/* CREATE TABLE x (a) */ DROP TABLE customers', msg: not('DROP') },
    ]);
  });

  it('after all the attacks: query_only is back on, reads and writes still work', async () => {
    expect(await connectionState(s)).toEqual([1, 0, 'main']);
    // A write hidden in a read (ANALYZE inside a table-valued pragma): query_only stops it even if the classifier does not.
    const before = snapshot(f);
    const w = await s.call('read_query', { sql: 'SELECT * FROM pragma_optimize(0x10002)' });
    expect(w.isError).toBe(true);
    expect(snapshot(f)).toEqual(before);
    expect(s.logs().filter((l) => l.msg === 'sqlite engine exited')).toEqual([]);
    const ok = await s.call('write_query', { sql: "INSERT INTO customers (name, country) VALUES ('Edsger', 'NL')" });
    expect(ok.structuredContent).toMatchObject({ changes: 1, lastInsertRowid: 4 });
    expect(f.db.hash()).not.toBe(before.hash);
    expect(await connectionState(s)).toEqual([1, 0, 'main']);
  });
});

describe('read-only mode: legitimate queries pass and return the right rows', () => {
  const db = makeDatabase(SHOP_SQL + EXTRA_SQL);
  let s: Session;
  let hash: string;
  beforeAll(async () => {
    s = await connect([db.file]);
    hash = db.hash();
  });
  afterAll(async () => {
    await s.close();
    db.cleanup();
  });

  const read = async (sql: string, params?: unknown[]) => {
    const r = await s.call('read_query', { sql, ...(params ? { params } : {}) });
    expect(r.isError, `${sql}: ${textOf(r)}`).toBeFalsy();
    return r.structuredContent as { columns: string[]; rows: unknown[][]; rowCount: number };
  };

  it('a CTE', async () => {
    const r = await read('WITH spend AS (SELECT customer_id, SUM(total) AS total FROM orders GROUP BY customer_id) SELECT c.name, s.total FROM customers c JOIN spend s ON s.customer_id = c.id ORDER BY s.total DESC');
    expect(r).toMatchObject({ columns: ['name', 'total'], rows: [['Grace', 300], ['Ada', 200.5], ['Linus', 99.99]] });
  });

  it('WITH RECURSIVE with LIMIT', async () => {
    const r = await read('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c LIMIT 5');
    expect(r.rows).toEqual([[1], [2], [3], [4], [5]]);
  });

  it('window functions: ROW_NUMBER and SUM OVER PARTITION BY', async () => {
    const r = await read('SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id) AS rn, SUM(total) OVER (PARTITION BY customer_id) AS spend FROM orders ORDER BY id');
    expect(r).toMatchObject({ columns: ['id', 'rn', 'spend'], rows: [[1, 1, 200.5], [2, 2, 200.5], [3, 1, 99.99], [4, 1, 300]] });
  });

  it('strings containing ;, DELETE, COMMIT, -- and /*', async () => {
    const r = await read("SELECT id FROM orders WHERE note IN ('first; DELETE FROM customers', 'COMMIT', '-- not a comment') ORDER BY id");
    expect(r.rows).toEqual([[1], [3], [4]]);
    const lit = await read("SELECT 'a;b' AS s1, 'DELETE FROM customers; COMMIT; -- x' AS s2, 'it''s /* not */ a comment' AS s3");
    expect(lit.rows).toEqual([['a;b', 'DELETE FROM customers; COMMIT; -- x', "it's /* not */ a comment"]]);
  });

  it('identifiers quoted with "…", [ ] and backticks, holding spaces, keywords and ;', async () => {
    const r = await read('SELECT "select", "my col", [group], `from` FROM "order items" ORDER BY "select"');
    expect(r).toMatchObject({ columns: ['select', 'my col', 'group', 'from'], rows: [[1, 'a b', 'g1', 'f1'], [2, 'c d', 'g2', 'f2']] });
    const alias = await read('SELECT name AS "DELETE FROM customers; --" FROM customers WHERE id = 1');
    expect(alias).toMatchObject({ columns: ['DELETE FROM customers; --'], rows: [['Ada']] });
  });

  it('a trailing semicolon', async () => {
    expect((await read('SELECT count(*) AS n FROM customers;')).rows).toEqual([[3]]);
    expect((await read('SELECT 1 AS one ;  \n')).rows).toEqual([[1]]);
  });

  it('leading and trailing comments', async () => {
    const r = await read('-- the second customer\n/* a block with ; and DELETE */ SELECT name FROM customers /* inline */ WHERE id = 2 -- trailing');
    expect(r.rows).toEqual([['Linus']]);
    expect((await read('SELECT 1 AS one; -- done')).rows).toEqual([[1]]);
    expect((await read('SELECT 1 AS one /* done */;')).rows).toEqual([[1]]);
  });

  it('PRAGMA table_info(customers)', async () => {
    const r = await read('PRAGMA table_info(customers)');
    expect(r.columns).toEqual(['cid', 'name', 'type', 'notnull', 'dflt_value', 'pk']);
    expect(r.rows).toEqual([
      [0, 'id', 'INTEGER', 0, null, 1],
      [1, 'name', 'TEXT', 1, null, 0],
      [2, 'email', 'TEXT', 0, null, 0],
      [3, 'country', 'TEXT', 0, null, 0],
    ]);
  });

  it("SELECT * FROM pragma_table_info('customers')", async () => {
    const r = await read("SELECT * FROM pragma_table_info('customers') ORDER BY cid");
    expect(r.rows.map((row) => row[1])).toEqual(['id', 'name', 'email', 'country']);
  });

  it('EXPLAIN QUERY PLAN via explain_query, with params', async () => {
    const r = await s.call('explain_query', { sql: 'SELECT * FROM orders WHERE customer_id = ?', params: [2] });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/SEARCH orders USING INDEX orders_customer \(customer_id=\?\)/);
    const cte = await s.call('explain_query', { sql: 'WITH c AS (SELECT id FROM customers WHERE country = ?) SELECT * FROM orders WHERE customer_id IN c;', params: ['GB'] });
    expect(cte.isError, textOf(cte)).toBeFalsy();
    expect((cte.structuredContent as { plan: unknown[] }).plan.length).toBeGreaterThan(0);
  });

  it('EXPLAIN and EXPLAIN QUERY PLAN through read_query', async () => {
    const plan = await read('EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = 2');
    expect(plan.rows.some((row) => /USING INDEX orders_customer/.test(String(row.at(-1))))).toBe(true);
    const code = await read('EXPLAIN SELECT 1');
    expect(code.columns).toContain('opcode');
    expect(code.rowCount).toBeGreaterThan(0);
  });

  it('bound params: positional ?', async () => {
    expect((await read('SELECT name FROM customers WHERE country = ? AND id > ?', ['GB', 0])).rows).toEqual([['Ada']]);
    expect((await read('SELECT count(*) AS n FROM orders WHERE total > ? AND note IS ?', [100, null])).rows).toEqual([[1]]);
    // A value is only ever a value.
    expect((await read('SELECT count(*) AS n FROM customers WHERE name = ?', ["x'; DROP TABLE customers; --"])).rows).toEqual([[0]]);
  });

  it('bound params: only a positional array, with a clear error for an object', async () => {
    const r = await s.call('read_query', { sql: 'SELECT name FROM customers WHERE id = :id', params: { id: 1 } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('params: expected array, received object');
  });

  it('JSON functions', async () => {
    const r = await read("SELECT customer_id, json_extract(data, '$.theme') AS theme, json_array_length(data, '$.tags') AS tags FROM prefs ORDER BY customer_id");
    expect(r.rows).toEqual([[1, 'dark', 2], [2, 'light', 0]]);
    expect((await read("SELECT data ->> '$.tags[1]' AS t FROM prefs WHERE customer_id = 1")).rows).toEqual([['b']]);
    expect((await read("SELECT value FROM json_each('[10, 20]') ORDER BY key")).rows).toEqual([[10], [20]]);
  });

  it('a query on a view', async () => {
    expect((await read('SELECT id, total FROM big_orders ORDER BY id')).rows).toEqual([[2, 150], [4, 300]]);
  });

  it('VALUES', async () => {
    expect((await read("VALUES (1, 'a'), (2, 'b')")).rows).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('none of them changed the file or left a file beside it', () => {
    expect(db.hash()).toBe(hash);
    expect(db.files()).toEqual(['test.db']);
  });
});

describe('write mode: legitimate writes', () => {
  const db = makeDatabase(SHOP_SQL);
  let s: Session;
  beforeAll(async () => {
    s = await connect([db.file, '--allow-write', '--engines', '1'], {}, userAgrees);
  });
  afterAll(async () => {
    await s.close();
    db.cleanup();
  });

  const write = async (sql: string, params?: unknown[] | Record<string, unknown>) => {
    const before = db.hash();
    const r = await s.call('write_query', { sql, ...(params ? { params } : {}) });
    expect(r.isError, `${sql}: ${textOf(r)}`).toBeFalsy();
    expect(db.hash(), `${sql} did not change the file`).not.toBe(before);
    expect(db.files()).toEqual(['test.db']);
    return r.structuredContent as { changes: number; lastInsertRowid: number | string; columns: string[]; rows: unknown[][]; rowCount: number };
  };
  const rows = async (sql: string) => ((await s.call('read_query', { sql })).structuredContent as { rows: unknown[][] }).rows;

  it('INSERT, UPDATE and DELETE change the file', async () => {
    expect(await write('INSERT INTO customers (name, email, country) VALUES (?, ?, ?)', ['Edsger', 'ed@example.com', 'NL'])).toMatchObject({ changes: 1, lastInsertRowid: 4 });
    expect(await rows('SELECT name, country FROM customers WHERE id = 4')).toEqual([['Edsger', 'NL']]);
    expect(await write('UPDATE orders SET total = total * 2 WHERE customer_id = ?', [1])).toMatchObject({ changes: 2 });
    expect(await rows('SELECT total FROM orders WHERE customer_id = 1 ORDER BY id')).toEqual([[101], [300]]);
    expect(await write('DELETE FROM orders WHERE id = 3')).toMatchObject({ changes: 1 });
    expect(await write("WITH us AS (SELECT id FROM customers WHERE country = 'US') DELETE FROM orders WHERE customer_id IN us")).toMatchObject({ changes: 1 });
    expect(await rows('SELECT id FROM orders ORDER BY id')).toEqual([[1], [2]]);
  });

  it('INSERT … RETURNING returns the rows', async () => {
    const r = await write("INSERT INTO customers (name, country) VALUES ('Barbara', 'US'), ('Ken', 'US') RETURNING id, name");
    expect(r).toMatchObject({ columns: ['id', 'name'], rows: [[5, 'Barbara'], [6, 'Ken']], rowCount: 2, changes: 2 });
  });

  it('create_table creates a table that can then be written and read', async () => {
    const before = db.hash();
    const r = await s.call('create_table', { sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { tables: string[] }).tables).toContain('notes');
    expect(db.hash()).not.toBe(before);
    await write("INSERT INTO notes (body) VALUES ('hello; DROP TABLE notes')");
    expect(await rows('SELECT body FROM notes')).toEqual([['hello; DROP TABLE notes']]);
    const ctas = await s.call('create_table', { sql: "CREATE TABLE IF NOT EXISTS gb AS SELECT id, name FROM customers WHERE country = 'GB'" });
    expect(ctas.isError, textOf(ctas)).toBeFalsy();
    expect(await rows('SELECT name FROM gb')).toEqual([['Ada']]);
  });

  it.each<[string, string, unknown[] | undefined, RegExp]>([
    ['a UNIQUE violation', 'INSERT INTO customers (name, email) VALUES (?, ?)', ['Dup', 'ada@example.com'], /UNIQUE constraint failed: customers\.email/],
    ['a NOT NULL violation', 'INSERT INTO customers (name) VALUES (NULL)', undefined, /NOT NULL constraint failed: customers\.name/],
    ['a FOREIGN KEY violation', 'INSERT INTO orders (customer_id, total) VALUES (999, 1)', undefined, /FOREIGN KEY constraint failed/],
    ['a second row failing after a first one succeeded', "INSERT INTO customers (id, name) VALUES (100, 'ok'), (1, 'dup')", undefined, /UNIQUE constraint failed: customers\.id/],
    ['an UPDATE failing half-way', "UPDATE customers SET email = 'same@example.com' WHERE id IN (1, 2)", undefined, /UNIQUE constraint failed/],
  ])('%s rolls back: the file is byte-identical', async (_label, sql, params, msg) => {
    const before = db.hash();
    const r = await s.call('write_query', { sql, ...(params ? { params } : {}) });
    expectActionableError(r, msg, sql);
    expect(db.hash()).toBe(before);
    expect(db.files()).toEqual(['test.db']);
    expect(await rows('SELECT count(*) FROM customers WHERE id = 100 OR email = \'same@example.com\'')).toEqual([[0]]);
  });

  it('after the writes, query_only is back on for reads', async () => {
    expect(await connectionState(s)).toEqual([1, 0, 'main']);
  });
});
