/**
 * Security suite, end to end on a real PostgreSQL server.
 *
 * Every attack must be refused with a message a model can act on (no stack trace), and leave
 * the database exactly as it was: table contents, relations, columns, functions, roles and
 * memberships, password hashes, large objects, sequences, grants, comments, server config, and
 * every file an attack names. The layers are proved one by one:
 * - layer 1 (parse-tree guard) through the tools, as a least-privilege role AND as a superuser
 *   started with --allow-privileged-role, where layer 1 is all that stands between the model
 *   and the server's files and programs;
 * - layers 2 and 3 (extended protocol, READ ONLY transaction, SET LOCAL timeouts, ROLLBACK)
 *   alone, calling runReadOnly directly with SQL that layer 1 would refuse;
 * - layer 4 (role inspection): privileged roles are refused, a role that can write is warned;
 * - and the analytics a model needs still pass, with the right rows and types.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorError } from '@org/mcp-core';
import { connectInProcess, textOf } from '@org/mcp-core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runReadOnly, type ReadLimits } from '../src/pg/execute.js';
import { connector } from '../src/server.js';
import { createDatabase, createRole, withClient, type TestDatabase, type TestRole } from './pg-server.js';

const info = inject('pg');
type Session = Awaited<ReturnType<typeof connectInProcess>>;
type Rows = { columns: string[]; rows: unknown[][]; rowCount: number; truncated: boolean };

const TAG = `${process.pid}_${randomBytes(4).toString('hex')}`;
/** Files attacks try to create on the server: none may exist, before or after any attack. */
const FILES = {
  copyTo: `/tmp/mcp-pg-attack-copy-${TAG}.txt`,
  copyProgram: `/tmp/mcp-pg-attack-program-${TAG}.txt`,
  loExport: `/tmp/mcp-pg-attack-lo-${TAG}.bin`,
  fileWrite: `/tmp/mcp-pg-attack-write-${TAG}.txt`,
};
const WATCHED = Object.values(FILES);
const LO_OID = 4242;
const LO_SECRET = 'large object secret';
/** Anything an attack could leak: /etc/passwd lines, password hashes, large-object contents. */
const LEAKS = new RegExp(`root:[^:]*:0:0:|SCRAM-SHA-256\\$|${LO_SECRET}|${Buffer.from(LO_SECRET).toString('base64').slice(0, 16)}|um-secret|sub-secret`);

const FIXTURE = `
CREATE TABLE t (id int PRIMARY KEY, grp text NOT NULL, x numeric(10,2) NOT NULL, big bigint, doc jsonb, raw bytea, at timestamptz, note text);
INSERT INTO t VALUES
  (1, 'a', 10.50, 9007199254740993, '{"k": "v1", "tags": ["red", "blue"], "n": 1}', '\\x00ff10', '2025-03-01 10:00:00+00', 'first; DELETE FROM t'),
  (2, 'a', 20.00, 2, '{"k": "v2", "tags": [], "n": 2}', NULL, '2025-03-02 11:30:00+00', 'COMMIT'),
  (3, 'b', 30.25, 3, '{"k": "v3", "tags": ["red"], "n": 3}', NULL, '2025-03-03 12:00:00+00', '-- not a comment'),
  (4, 'b', 40.00, -9223372036854775808, NULL, '\\x', '2025-03-04 00:00:00+00', NULL);
CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id), name text NOT NULL);
INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'child'), (3, 2, 'grandchild'), (4, 1, 'child2');
CREATE SEQUENCE s;
SELECT setval('s', 41);
CREATE VIEW t_summary AS SELECT grp, sum(x) AS total FROM t GROUP BY grp;
-- Writes hidden where layer 1 cannot see them: only the READ ONLY transaction stops these.
CREATE FUNCTION evil() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; RETURN 1; END $$;
CREATE PROCEDURE wipe() LANGUAGE sql AS $$ DELETE FROM t $$;
COMMENT ON TABLE t IS 'fixture';
-- Credentials a superuser could read from the catalogs: a foreign server's user mapping.
CREATE FOREIGN DATA WRAPPER remote_fdw;
CREATE SERVER remote_srv FOREIGN DATA WRAPPER remote_fdw OPTIONS (host 'remote.invalid');
CREATE USER MAPPING FOR CURRENT_USER SERVER remote_srv OPTIONS (user 'remote', password 'um-secret');
SELECT lo_from_bytea(${LO_OID}, '${LO_SECRET}');
`;

let db: TestDatabase;
let reader: TestRole;
let admin: pg.Client;
let superuserName: string;
let baseline: unknown;

/** Grants of a least-privilege reader of this file's database. */
const readerGrants = () => [`CONNECT ON DATABASE "${db.name}"`, 'USAGE ON SCHEMA public', 'SELECT ON ALL TABLES IN SCHEMA public'];

/** Everything an attack could change, read as the superuser in one round trip. */
async function fingerprint(): Promise<unknown> {
  const { rows } = await admin.query<{ f: unknown }>(
    String.raw`
    WITH mine AS (SELECT oid FROM pg_roles WHERE rolname !~ '_[0-9a-f]{6}$' OR rolname = ANY($1))
    SELECT json_build_object(
      't', (SELECT json_build_object('n', count(*), 'md5', md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))) FROM public.t),
      'tree', (SELECT json_build_object('n', count(*), 'md5', md5(coalesce(string_agg(tree::text, '|' ORDER BY id), ''))) FROM public.tree),
      's', (SELECT json_build_object('last_value', last_value, 'is_called', is_called) FROM public.s),
      'sequences', (SELECT json_agg(format('%s.%s=%s', schemaname, sequencename, last_value) ORDER BY schemaname, sequencename) FROM pg_sequences),
      'relations', (SELECT json_agg(format('%s.%s:%s:%s:%s', n.nspname, c.relname, c.relkind, c.relowner::regrole, c.relacl) ORDER BY n.nspname, c.relname)
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_toast%' AND (n.nspname <> 'pg_catalog' OR c.oid >= 16384)),
      'columns', (SELECT md5(string_agg(format('%s.%s:%s:%s:%s', attrelid, attname, atttypid, attnotnull, attisdropped), ',' ORDER BY attrelid, attnum))
                  FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0),
      'functions', (SELECT json_agg(format('%s:%s:%s', p.oid::regprocedure, p.proowner::regrole, md5(p.prosrc)) ORDER BY p.oid) FROM pg_proc p WHERE p.oid >= 16384),
      'namespaces', (SELECT json_agg(format('%s:%s:%s', nspname, nspowner::regrole, nspacl) ORDER BY nspname) FROM pg_namespace
                     WHERE nspname NOT LIKE 'pg\_temp\_%' AND nspname NOT LIKE 'pg\_toast\_temp\_%'),
      'roles', (SELECT json_agg(format('%s:%s:%s:%s:%s:%s:%s:%s:%s:%s', rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
                                       rolreplication, rolbypassrls, rolvaliduntil, md5(coalesce(rolpassword, ''))) ORDER BY rolname)
                FROM pg_authid WHERE oid IN (SELECT oid FROM mine)),
      'members', (SELECT json_agg(format('%s>%s', a.roleid::regrole, a.member::regrole) ORDER BY a.roleid, a.member) FROM pg_auth_members a WHERE a.member IN (SELECT oid FROM mine)),
      'role_settings', (SELECT json_agg(format('%s:%s:%s', setdatabase, setrole, setconfig) ORDER BY setdatabase, setrole) FROM pg_db_role_setting
                        WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) OR setrole IN (SELECT oid FROM mine)),
      'database', (SELECT format('%s:%s:%s:%s', datallowconn, datconnlimit, datacl, datdba::regrole) FROM pg_database WHERE datname = current_database()),
      'databases', (SELECT count(*) FROM pg_database WHERE datname LIKE 'evil%'),
      'large_objects', (SELECT json_agg(format('%s:%s:%s:%s', oid, lomowner::regrole, lomacl, md5(lo_get(oid))) ORDER BY oid) FROM pg_largeobject_metadata),
      'extensions', (SELECT json_agg(format('%s:%s', extname, extversion) ORDER BY extname) FROM pg_extension),
      'comments', (SELECT md5(coalesce(string_agg(format('%s:%s:%s:%s', classoid, objoid, objsubid, description), ',' ORDER BY classoid, objoid, objsubid), ''))
                   FROM pg_description WHERE objoid >= 16384),
      'triggers', (SELECT count(*) FROM pg_trigger WHERE oid >= 16384),
      'rules', (SELECT json_agg(rulename ORDER BY rulename) FROM pg_rewrite WHERE oid >= 16384),
      'policies', (SELECT count(*) FROM pg_policy),
      'event_triggers', (SELECT count(*) FROM pg_event_trigger),
      'foreign_servers', (SELECT count(*) FROM pg_foreign_server),
      'user_mappings', (SELECT count(*) FROM pg_user_mapping),
      'tablespaces', (SELECT json_agg(spcname ORDER BY spcname) FROM pg_tablespace),
      'replication_slots', (SELECT count(*) FROM pg_replication_slots),
      'prepared_xacts', (SELECT count(*) FROM pg_prepared_xacts),
      'advisory_locks', (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'),
      'auto_conf', md5(pg_read_file('postgresql.auto.conf'))
    ) AS f`,
    [[reader.name]],
  );
  return rows[0]!.f;
}

function expectNoFiles(what: string) {
  for (const p of WATCHED) expect(existsSync(p), `${what}: ${p} exists`).toBe(false);
}

async function expectUnchanged(what: string) {
  expect(await fingerprint(), `${what} changed the database`).toEqual(baseline);
  expectNoFiles(what);
}

function expectActionableError(r: CallToolResult, msg: RegExp, what: string) {
  const text = textOf(r);
  expect(r.isError, `${what} was not refused; it returned: ${text.slice(0, 300)}`).toBe(true);
  expect(text, what).toMatch(msg);
  expect(text, what).not.toMatch(/^\s+at /m); // no stack trace
  expect(text, what).not.toMatch(/failed unexpectedly/);
  expect(JSON.stringify(r), `${what} leaked data`).not.toMatch(LEAKS);
}

const rowsOf = (r: CallToolResult) => r.structuredContent as Rows;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(async () => {
  for (const p of WATCHED) rmSync(p, { force: true });
  db = await createDatabase(info.adminUrl, 'attacks');
  await withClient(db.url, (c) => c.query(FIXTURE));
  // USAGE on the sequence: so that it is the READ ONLY transaction, not a missing privilege,
  // that stops nextval() when layer 1 is bypassed.
  reader = await createRole(db.url, { name: 'reader', grants: [...readerGrants(), 'SELECT, USAGE ON SEQUENCE s'] });
  superuserName = decodeURIComponent(new URL(db.url).username);
  admin = new pg.Client({ connectionString: db.url });
  admin.on('error', () => undefined);
  await admin.connect();
  baseline = await fingerprint();
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await reader?.drop();
  await db?.drop();
  for (const p of WATCHED) rmSync(p, { force: true });
});

// ---------------------------------------------------------------------------------------------
// The checks themselves: they would see an attack that got through

describe('the checks are not blind', () => {
  it('the fingerprint changes when data, sequences, schema, roles, grants or large objects change', async () => {
    const changes: Array<[string, string]> = [
      ['t', "UPDATE t SET note = 'x' WHERE id = 4"],
      ['tree', 'DELETE FROM tree WHERE id = 4'],
      ['s', "SELECT nextval('s')"],
      ['relations', 'CREATE TABLE evil (a int)'],
      ['columns', 'ALTER TABLE t ADD COLUMN evil int'],
      ['functions', 'CREATE OR REPLACE FUNCTION evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'],
      ['roles', `ALTER ROLE ${reader.name} PASSWORD 'changed'`],
      ['members', `GRANT pg_read_server_files TO ${reader.name}`],
      ['large_objects', `SELECT lo_unlink(${LO_OID})`],
      ['comments', "COMMENT ON TABLE t IS 'evil'"],
      ['advisory_locks', 'SELECT pg_advisory_xact_lock(1)'],
    ];
    await admin.query('BEGIN');
    try {
      for (const [key, sql] of changes) {
        const before = (await fingerprint()) as Record<string, unknown>;
        await admin.query(sql);
        const after = (await fingerprint()) as Record<string, unknown>;
        expect(after[key], `${sql} did not change ${key}`).not.toEqual(before[key]);
      }
    } finally {
      await admin.query('ROLLBACK');
      // Sequences are not transactional: put it back by hand (what an attack could never do).
      await admin.query("SELECT setval('s', 41)");
    }
    await expectUnchanged('the rolled-back self-check');
  });

  it('without layer 1, a superuser connection really reads and writes server files inside the READ ONLY transaction', async () => {
    // What the superuser attacks below are refused from: layers 2 and 3 do not stop these.
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => undefined);
    const probe = `/tmp/mcp-pg-probe-${TAG}.txt`;
    try {
      const file = await runReadOnly(pool, "SELECT pg_read_file('PG_VERSION') AS v", [], { maxRows: 10, maxBytes: 1 << 20, timeoutMs: 5_000, pinSearchPath: false }, new AbortController().signal);
      expect(String(file.rows[0]![0])).toMatch(/^\d+/);
      await runReadOnly(pool, `COPY (SELECT 'written') TO '${probe}'`, [], { maxRows: 10, maxBytes: 1 << 20, timeoutMs: 5_000, pinSearchPath: false }, new AbortController().signal);
      expect(existsSync(probe)).toBe(true);
    } finally {
      rmSync(probe, { force: true });
      await pool.end();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Layer 1, through the tools

const MULTI = /^\d+ statements were sent \(.+\); send one statement per call\./;
const stmt = (name: string) => new RegExp(`^${esc(name)} is refused[.:]`);
const fn = (name: string) => new RegExp(`^Function ${esc(name)}\\(\\) is refused: it `);
const CTE_WRITE = (verb: string) => new RegExp(`^${verb} inside the query \\(for example in a WITH clause\\) is refused: it would modify data`);
const INTO = /^SELECT \.\.\. INTO creates a table and is refused\. Remove the INTO clause/;
const LOCK = (clause: string) => new RegExp(`^${clause} locks rows and is refused`);
const RELATION = (name: string) => new RegExp(`^Reading ${esc(name)} is refused: it `);
const ATTRIBUTE = /^"\.pg_read_file" is refused: PostgreSQL reads x\.pg_read_file as the function call pg_read_file\(x\)/;
const EXPLAIN_ANALYZE = /^EXPLAIN ANALYZE is disabled on this server because it executes the query/;
const READ_ONLY_TX = /^PostgreSQL refused to change data: the query runs in a read-only transaction\./;

interface Attack {
  sql: string;
  msg: RegExp;
  params?: unknown[];
}

function layer1Attacks(): Attack[] {
  const P = "'/etc/passwd'";
  return [
    // Stacked statements and the classic transaction escapes
    { sql: 'SELECT 1; DROP TABLE t', msg: MULTI },
    { sql: 'COMMIT; DROP TABLE t', msg: MULTI },
    { sql: 'ROLLBACK; DELETE FROM t', msg: MULTI },
    { sql: 'END; DELETE FROM t', msg: MULTI },
    { sql: 'ABORT; UPDATE t SET x = 0', msg: MULTI },
    { sql: 'COMMIT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM t', msg: MULTI },
    { sql: 'BEGIN READ WRITE; DELETE FROM t; COMMIT', msg: MULTI },
    { sql: 'SELECT 1;;DELETE FROM t', msg: MULTI },
    { sql: 'SELECT 1 -- x\n; DELETE FROM t', msg: MULTI },
    { sql: "SELECT 'a;b'; DELETE FROM t", msg: MULTI },
    { sql: 'SELECT $$;$$; DELETE FROM t', msg: MULTI },
    { sql: '/* ; */ SELECT 1; COMMIT', msg: MULTI },
    { sql: 'SELECT * FROM t; TRUNCATE t', msg: MULTI },
    { sql: 'COMMIT', msg: stmt('COMMIT') },
    { sql: 'ROLLBACK', msg: stmt('ROLLBACK') },
    { sql: 'BEGIN READ WRITE', msg: stmt('BEGIN') },
    { sql: 'START TRANSACTION READ WRITE', msg: stmt('START TRANSACTION') },
    { sql: 'SAVEPOINT sp', msg: stmt('SAVEPOINT') },
    { sql: 'SET TRANSACTION READ WRITE', msg: stmt('SET') },
    // Data-modifying CTEs and plain writes
    { sql: 'WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d', msg: CTE_WRITE('DELETE') },
    { sql: "WITH u AS (UPDATE t SET note = 'x' RETURNING id) SELECT * FROM u", msg: CTE_WRITE('UPDATE') },
    { sql: "WITH i AS (INSERT INTO t (id, grp, x) VALUES (99, 'z', 1) RETURNING id) SELECT * FROM i", msg: CTE_WRITE('INSERT') },
    { sql: 'WITH m AS (MERGE INTO t USING (SELECT 1 AS id) src ON t.id = src.id WHEN MATCHED THEN DELETE RETURNING t.id) SELECT * FROM m', msg: CTE_WRITE('MERGE') },
    { sql: 'SELECT * FROM (WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d) x', msg: CTE_WRITE('DELETE') },
    { sql: 'WITH a AS (SELECT 1), b AS (DELETE FROM tree WHERE id = 4 RETURNING id) SELECT * FROM a', msg: CTE_WRITE('DELETE') },
    { sql: 'WITH x AS (SELECT 1) DELETE FROM t', msg: stmt('DELETE') },
    { sql: "INSERT INTO t (id, grp, x) VALUES (99, 'z', 1)", msg: stmt('INSERT') },
    { sql: 'UPDATE t SET x = 0', msg: stmt('UPDATE') },
    { sql: 'DELETE FROM t RETURNING *', msg: stmt('DELETE') },
    { sql: 'MERGE INTO t USING (SELECT 1 AS id) src ON t.id = src.id WHEN MATCHED THEN DELETE', msg: stmt('MERGE') },
    { sql: '/* SELECT */ DELETE FROM t', msg: stmt('DELETE') },
    { sql: '-- SELECT 1\nDROP TABLE t', msg: stmt('DROP TABLE') },
    // SELECT INTO and row locks
    { sql: 'SELECT * INTO evil FROM t', msg: INTO },
    { sql: 'SELECT 1 AS a INTO TEMP evil_tmp', msg: INTO },
    { sql: 'SELECT * FROM t FOR UPDATE', msg: LOCK('FOR UPDATE') },
    { sql: 'SELECT * FROM (SELECT * FROM t FOR SHARE) x', msg: LOCK('FOR SHARE') },
    { sql: 'SELECT id FROM t FOR NO KEY UPDATE SKIP LOCKED', msg: LOCK('FOR NO KEY UPDATE') },
    { sql: 'TABLE t FOR KEY SHARE', msg: LOCK('FOR KEY SHARE') },
    // COPY: server files and programs
    { sql: `COPY t TO PROGRAM 'touch ${FILES.copyProgram}'`, msg: stmt('COPY') },
    { sql: `COPY (SELECT * FROM t) TO '${FILES.copyTo}'`, msg: stmt('COPY') },
    { sql: `COPY t TO '${FILES.copyTo}'`, msg: stmt('COPY') },
    { sql: "COPY t FROM '/etc/hostname'", msg: stmt('COPY') },
    { sql: "COPY tree FROM PROGRAM 'echo 99'", msg: stmt('COPY') },
    { sql: 'COPY t TO STDOUT', msg: stmt('COPY') },
    // Code blocks, procedures, prepared statements, cursors
    { sql: 'DO $$ BEGIN DELETE FROM t; END $$', msg: stmt('DO') },
    { sql: "DO LANGUAGE plpgsql $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); END $$", msg: stmt('DO') },
    { sql: 'CALL wipe()', msg: stmt('CALL') },
    { sql: 'PREPARE p AS DELETE FROM t', msg: stmt('PREPARE') },
    { sql: 'PREPARE q AS SELECT 1', msg: stmt('PREPARE') },
    { sql: 'EXECUTE p', msg: stmt('EXECUTE') },
    { sql: 'DEALLOCATE ALL', msg: stmt('DEALLOCATE') },
    { sql: 'DECLARE c CURSOR WITH HOLD FOR SELECT * FROM t', msg: stmt('DECLARE CURSOR') },
    { sql: "LOAD 'plpgsql'", msg: stmt('LOAD') },
    // Settings
    { sql: 'SET default_transaction_read_only = off', msg: stmt('SET') },
    { sql: 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', msg: stmt('SET') },
    { sql: 'SET statement_timeout = 0', msg: stmt('SET') },
    { sql: 'SET ROLE NONE', msg: stmt('SET') },
    { sql: 'SET SESSION AUTHORIZATION DEFAULT', msg: stmt('SET') },
    { sql: 'RESET ALL', msg: stmt('RESET') },
    { sql: "SELECT set_config('default_transaction_read_only', 'off', false)", msg: fn('set_config') },
    { sql: "SELECT pg_catalog.set_config('transaction_read_only', 'off', true)", msg: fn('pg_catalog.set_config') },
    { sql: "SELECT * FROM t WHERE set_config('statement_timeout', '0', false) IS NOT NULL", msg: fn('set_config') },
    { sql: 'SELECT pg_reload_conf()', msg: fn('pg_reload_conf') },
    { sql: "ALTER SYSTEM SET work_mem = '1GB'", msg: stmt('ALTER SYSTEM') },
    // Server files: every position and spelling
    { sql: `SELECT pg_read_file(${P})`, msg: fn('pg_read_file') },
    { sql: `SELECT * FROM pg_read_file(${P})`, msg: fn('pg_read_file') },
    { sql: `SELECT f FROM (VALUES (${P})) v(p), LATERAL pg_read_file(v.p) AS f`, msg: fn('pg_read_file') },
    { sql: `SELECT t.id, f FROM t CROSS JOIN LATERAL (SELECT pg_read_file(${P}) AS f) x`, msg: fn('pg_read_file') },
    { sql: `WITH f AS (SELECT pg_read_file(${P}) AS c) SELECT c FROM f`, msg: fn('pg_read_file') },
    { sql: `SELECT id FROM t WHERE note = (SELECT pg_read_file(${P}))`, msg: fn('pg_read_file') },
    { sql: `SELECT pg_catalog.pg_read_file(${P})`, msg: fn('pg_catalog.pg_read_file') },
    { sql: `SELECT "pg_read_file"(${P})`, msg: fn('pg_read_file') },
    { sql: `SELECT "pg_catalog"."pg_read_file"(${P})`, msg: fn('pg_catalog.pg_read_file') },
    { sql: `SELECT U&"pg\\005fread\\005ffile"(${P})`, msg: fn('pg_read_file') },
    { sql: `SELECT pg_read_file(filename => ${P})`, msg: fn('pg_read_file') },
    { sql: `SELECT (${P}).pg_read_file`, msg: ATTRIBUTE },
    { sql: `SELECT ((${P})::text).pg_read_file`, msg: ATTRIBUTE },
    { sql: `SELECT convert_from(pg_read_binary_file(${P}), 'UTF8')`, msg: fn('pg_read_binary_file') },
    { sql: "SELECT pg_ls_dir('.')", msg: fn('pg_ls_dir') },
    { sql: "SELECT * FROM pg_ls_dir('/tmp') AS f", msg: fn('pg_ls_dir') },
    { sql: 'SELECT * FROM pg_ls_waldir()', msg: fn('pg_ls_waldir') },
    { sql: `SELECT pg_stat_file(${P})`, msg: fn('pg_stat_file') },
    { sql: `SELECT (pg_stat_file(${P})).size`, msg: fn('pg_stat_file') },
    { sql: 'SELECT pg_current_logfile()', msg: fn('pg_current_logfile') },
    { sql: `SELECT pg_file_write('${FILES.fileWrite}', 'x', false)`, msg: fn('pg_file_write') },
    // Large objects
    { sql: `SELECT lo_import(${P})`, msg: fn('lo_import') },
    { sql: `SELECT lo_export(${LO_OID}, '${FILES.loExport}')`, msg: fn('lo_export') },
    { sql: `SELECT * FROM lo_export(${LO_OID}, '${FILES.loExport}')`, msg: fn('lo_export') },
    { sql: `SELECT lo_unlink(${LO_OID})`, msg: fn('lo_unlink') },
    { sql: 'SELECT lo_get(oid) FROM pg_largeobject_metadata', msg: fn('lo_get') },
    { sql: "SELECT lo_from_bytea(0, 'x')", msg: fn('lo_from_bytea') },
    { sql: 'SELECT data FROM pg_largeobject', msg: RELATION('pg_largeobject') },
    // Sequences and transaction ids
    { sql: "SELECT nextval('s')", msg: fn('nextval') },
    { sql: "SELECT pg_catalog.nextval('public.s'::regclass)", msg: fn('pg_catalog.nextval') },
    { sql: "SELECT id FROM t WHERE id < nextval('s')", msg: fn('nextval') },
    { sql: "VALUES (nextval('s'))", msg: fn('nextval') },
    { sql: "SELECT setval('s', 1)", msg: fn('setval') },
    { sql: 'SELECT txid_current()', msg: fn('txid_current') },
    { sql: 'SELECT pg_current_xact_id()', msg: fn('pg_current_xact_id') },
    // Sleeping, locks, other backends
    { sql: 'SELECT pg_sleep(5)', msg: fn('pg_sleep') },
    { sql: "SELECT pg_sleep_for('5 seconds')", msg: fn('pg_sleep_for') },
    { sql: 'SELECT * FROM t WHERE pg_sleep(1) IS NOT NULL', msg: fn('pg_sleep') },
    { sql: 'SELECT pg_advisory_lock(1)', msg: fn('pg_advisory_lock') },
    { sql: 'SELECT pg_try_advisory_lock(42)', msg: fn('pg_try_advisory_lock') },
    { sql: 'SELECT pg_advisory_xact_lock(7)', msg: fn('pg_advisory_xact_lock') },
    { sql: 'SELECT pg_advisory_unlock_all()', msg: fn('pg_advisory_unlock_all') },
    { sql: 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity', msg: fn('pg_terminate_backend') },
    { sql: 'SELECT pg_cancel_backend(pg_backend_pid())', msg: fn('pg_cancel_backend') },
    // Other servers, and queries given as text
    { sql: "SELECT * FROM dblink('dbname=postgres', 'DELETE FROM t') AS r(n int)", msg: fn('dblink') },
    { sql: "SELECT dblink_exec('dbname=postgres', 'DROP TABLE t')", msg: fn('dblink_exec') },
    { sql: "SELECT dblink_connect('c', 'dbname=postgres')", msg: fn('dblink_connect') },
    { sql: "SELECT query_to_xml('delete from t', true, false, '')", msg: fn('query_to_xml') },
    { sql: "SELECT query_to_xml('select rolpassword from pg_authid', true, false, '')", msg: fn('query_to_xml') },
    { sql: "SELECT table_to_xml('pg_authid', true, false, '')", msg: fn('table_to_xml') },
    { sql: "SELECT database_to_xml(true, false, '')", msg: fn('database_to_xml') },
    // EXPLAIN that would run a write, or run at all, through the query tool
    { sql: 'EXPLAIN ANALYZE DELETE FROM t', msg: stmt('EXPLAIN of DELETE') },
    { sql: 'EXPLAIN DELETE FROM t', msg: stmt('EXPLAIN of DELETE') },
    { sql: 'EXPLAIN (ANALYZE, FORMAT JSON) UPDATE t SET x = 0', msg: stmt('EXPLAIN of UPDATE') },
    { sql: 'EXPLAIN ANALYZE SELECT evil()', msg: EXPLAIN_ANALYZE },
    { sql: 'EXPLAIN ANALYZE WITH d AS (DELETE FROM t RETURNING 1) SELECT * FROM d', msg: EXPLAIN_ANALYZE },
    { sql: 'EXPLAIN WITH d AS (DELETE FROM t RETURNING 1) SELECT * FROM d', msg: CTE_WRITE('DELETE') },
    { sql: 'EXPLAIN CREATE TABLE evil AS SELECT 1', msg: stmt('EXPLAIN of CREATE TABLE AS') },
    // Notifications
    { sql: 'LISTEN ch', msg: stmt('LISTEN') },
    { sql: "NOTIFY ch, 'x'", msg: stmt('NOTIFY') },
    { sql: "SELECT pg_notify('ch', 'x')", msg: fn('pg_notify') },
    { sql: 'UNLISTEN *', msg: stmt('UNLISTEN') },
    // DDL, grants, maintenance
    { sql: 'CREATE TABLE evil (a int)', msg: stmt('CREATE TABLE') },
    { sql: 'CREATE TEMP TABLE evil (a int)', msg: stmt('CREATE TABLE') },
    { sql: 'CREATE TABLE evil AS SELECT * FROM t', msg: stmt('CREATE TABLE AS') },
    { sql: 'CREATE MATERIALIZED VIEW evil AS SELECT 1', msg: stmt('CREATE MATERIALIZED VIEW') },
    { sql: 'CREATE VIEW evil AS SELECT 1', msg: stmt('CREATE VIEW') },
    { sql: 'CREATE OR REPLACE FUNCTION evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', msg: stmt('CREATE FUNCTION') },
    { sql: 'CREATE EXTENSION dblink', msg: stmt('CREATE EXTENSION') },
    { sql: 'CREATE ROLE evil SUPERUSER LOGIN', msg: stmt('CREATE ROLE') },
    { sql: 'CREATE DATABASE evil_db', msg: stmt('CREATE DATABASE') },
    { sql: 'DROP TABLE t', msg: stmt('DROP TABLE') },
    { sql: 'DROP TABLE IF EXISTS t, tree CASCADE', msg: stmt('DROP TABLE') },
    { sql: 'DROP SEQUENCE s', msg: stmt('DROP SEQUENCE') },
    { sql: 'DROP FUNCTION evil()', msg: stmt('DROP FUNCTION') },
    { sql: 'ALTER TABLE t ADD COLUMN evil int', msg: stmt('ALTER TABLE') },
    { sql: 'ALTER TABLE t RENAME TO evil', msg: /^ALTER TABLE \.\.\. RENAME is refused/ },
    { sql: 'ALTER ROLE CURRENT_USER WITH SUPERUSER', msg: stmt('ALTER ROLE') },
    { sql: "ALTER ROLE CURRENT_USER PASSWORD 'evil'", msg: stmt('ALTER ROLE') },
    { sql: 'ALTER SEQUENCE s RESTART', msg: /^ALTER SEQ\w* is refused/ },
    { sql: 'GRANT ALL ON t TO PUBLIC', msg: stmt('GRANT') },
    { sql: 'GRANT pg_read_server_files TO CURRENT_USER', msg: stmt('GRANT role') },
    { sql: 'REVOKE SELECT ON t FROM PUBLIC', msg: stmt('REVOKE') },
    { sql: 'TRUNCATE t', msg: stmt('TRUNCATE') },
    { sql: 'TRUNCATE TABLE t, tree CASCADE', msg: stmt('TRUNCATE') },
    { sql: 'VACUUM t', msg: stmt('VACUUM') },
    { sql: 'VACUUM FULL', msg: stmt('VACUUM') },
    { sql: 'ANALYZE t', msg: stmt('ANALYZE') },
    { sql: 'REINDEX TABLE t', msg: stmt('REINDEX') },
    { sql: 'CLUSTER t USING t_pkey', msg: stmt('CLUSTER') },
    { sql: 'LOCK TABLE t IN ACCESS EXCLUSIVE MODE', msg: stmt('LOCK') },
    { sql: "COMMENT ON TABLE t IS 'evil'", msg: stmt('COMMENT') },
    { sql: 'CHECKPOINT', msg: stmt('CHECKPOINT') },
    { sql: 'DISCARD ALL', msg: stmt('DISCARD') },
    // Catalog secrets (a superuser could read them)
    { sql: 'SELECT rolname, rolpassword FROM pg_authid', msg: RELATION('pg_authid') },
    { sql: 'SELECT * FROM pg_catalog.pg_authid', msg: RELATION('pg_catalog.pg_authid') },
    { sql: 'TABLE pg_authid', msg: RELATION('pg_authid') },
    { sql: 'SELECT r.rolname, a.rolpassword FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid', msg: RELATION('pg_authid') },
    { sql: 'SELECT (SELECT rolpassword FROM pg_authid LIMIT 1)', msg: RELATION('pg_authid') },
    { sql: 'SELECT usename, passwd FROM pg_shadow', msg: RELATION('pg_shadow') },
    { sql: 'WITH a AS (SELECT * FROM pg_catalog.pg_shadow) SELECT * FROM a', msg: RELATION('pg_catalog.pg_shadow') },
    { sql: 'SELECT * FROM pg_file_settings', msg: RELATION('pg_file_settings') },
    { sql: 'SELECT * FROM pg_hba_file_rules', msg: RELATION('pg_hba_file_rules') },
    { sql: 'SELECT * FROM pg_user_mappings', msg: RELATION('pg_user_mappings') },
  ];
}

async function expectRefused(s: Session, tool: 'query' | 'explain', a: Attack, extra: Record<string, unknown> = {}) {
  const what = `${tool}${extra.analyze ? '(analyze)' : ''}(${JSON.stringify(a.sql)})`;
  expectNoFiles(what);
  const r = await s.call(tool, { sql: a.sql, ...(a.params ? { params: a.params } : {}), ...extra });
  expectActionableError(r, a.msg, what);
  expect(s.audit().at(-1), what).toMatchObject({ tool, outcome: 'error', errorCode: 'denied' });
  await expectUnchanged(what);
}

describe('layer 1: every escape is refused through the tools, and nothing changes', () => {
  const sessions: Record<'reader' | 'superuser', Session | undefined> = { reader: undefined, superuser: undefined };
  beforeAll(async () => {
    sessions.reader = await connectInProcess(connector, [reader.url, '--timeout', '5s']);
    // A superuser: the READ ONLY transaction does not stop file reads, COPY TO PROGRAM or
    // lo_export, and the role check is switched off. Layer 1 must hold alone.
    sessions.superuser = await connectInProcess(connector, [db.url, '--allow-privileged-role', '--timeout', '5s']);
  });
  afterAll(async () => {
    await sessions.reader?.close();
    await sessions.superuser?.close();
  });

  it('both sessions run, as the roles they claim to be', async () => {
    for (const [who, role] of [['reader', reader.name], ['superuser', superuserName]] as const) {
      const r = await sessions[who]!.call('query', { sql: "SELECT current_user AS u, current_setting('is_superuser') AS su" });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(rowsOf(r).rows).toEqual([[role, who === 'superuser' ? 'on' : 'off']]);
    }
    expect(sessions.superuser!.logs()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'running as a privileged role (--allow-privileged-role)' }));
  });

  for (const who of ['reader', 'superuser'] as const) {
    describe(`query, as the ${who}`, () => {
      for (const a of layer1Attacks()) it(JSON.stringify(a.sql), () => expectRefused(sessions[who]!, 'query', a));
    });
  }

  for (const analyze of [false, true]) {
    describe(`explain (analyze: ${analyze}), as the superuser`, () => {
      for (const a of layer1Attacks()) it(JSON.stringify(a.sql), () => expectRefused(sessions.superuser!, 'explain', a, { analyze }));
    });
  }

  describe('explain, as the reader', () => {
    const some = layer1Attacks().filter((a) => /DELETE|pg_read_file|COPY|nextval|pg_authid|COMMIT/.test(a.sql));
    for (const analyze of [false, true]) {
      for (const a of some) it(`${JSON.stringify(a.sql)} (analyze: ${analyze})`, () => expectRefused(sessions.reader!, 'explain', a, { analyze }));
    }
  });

  describe('what layer 1 cannot see (a function that writes) is stopped by the READ ONLY transaction', () => {
    const hidden: Array<[string, Record<string, unknown>]> = [
      ['query', { sql: 'SELECT evil()' }],
      ['query', { sql: 'SELECT id FROM t WHERE evil() = 1' }],
      ['query', { sql: 'WITH x AS MATERIALIZED (SELECT evil() AS n) SELECT n FROM x' }],
      ['explain', { sql: 'SELECT evil()', analyze: true }],
    ];
    for (const who of ['reader', 'superuser'] as const) {
      for (const [tool, args] of hidden) {
        it(`${tool} ${JSON.stringify(args)} as the ${who}`, async () => {
          const s = sessions[who]!;
          const r = await s.call(tool, args);
          expectActionableError(r, READ_ONLY_TX, `${tool}(${JSON.stringify(args)})`);
          expect(s.audit().at(-1)).toMatchObject({ tool, outcome: 'error', errorCode: 'denied' });
          await expectUnchanged(JSON.stringify(args));
        });
      }
    }
  });

  it('after every attack, both sessions still answer, read-only', async () => {
    for (const who of ['reader', 'superuser'] as const) {
      const r = await sessions[who]!.call('query', { sql: "SELECT count(*) AS n, current_setting('transaction_read_only') AS ro FROM t" });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(rowsOf(r).rows).toEqual([[4, 'on']]);
    }
    await expectUnchanged('the sessions');
  });
});

describe('layer 1, as a superuser: catalogs that hold credentials are refused', () => {
  let s: Session;
  const subscription = `sub_${TAG}`;
  beforeAll(async () => {
    // A subscription keeps its connection string, password included, in pg_subscription.subconninfo.
    await admin.query(
      `CREATE SUBSCRIPTION ${subscription} CONNECTION 'host=127.0.0.1 port=1 dbname=x user=x password=sub-secret' PUBLICATION p WITH (connect = false, slot_name = NONE)`,
    );
    s = await connectInProcess(connector, [db.url, '--allow-privileged-role']);
  });
  afterAll(async () => {
    await s?.close();
    await admin.query(`DROP SUBSCRIPTION IF EXISTS ${subscription}`);
  });

  it('an XML external entity does not read server files', async () => {
    const r = await s.call('query', { sql: `SELECT xmlparse(document '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')::text AS x` });
    expect(JSON.stringify(r)).not.toMatch(LEAKS);
    expect(textOf(r)).not.toMatch(/^\s+at /m);
    await expectUnchanged('an XML external entity');
  });

  it.each([
    ['SELECT umoptions FROM pg_user_mapping', RELATION('pg_user_mapping')],
    ['SELECT * FROM pg_user_mappings', RELATION('pg_user_mappings')],
    ['SELECT option_name, option_value FROM information_schema.user_mapping_options', /^Reading (information_schema\.)?user_mapping_options is refused: it /],
    ['SELECT umoptions FROM information_schema._pg_user_mappings', /^Reading (information_schema\.)?_pg_user_mappings is refused: it /],
    ['SELECT subname, subconninfo FROM pg_subscription', RELATION('pg_subscription')],
    ['SELECT subconninfo FROM pg_catalog.pg_subscription', RELATION('pg_catalog.pg_subscription')],
  ])('%s', async (sql, msg) => {
    await expectRefused(s, 'query', { sql, msg });
  });
});

// ---------------------------------------------------------------------------------------------
// Layers 2 and 3 alone: runReadOnly called directly, with SQL layer 1 would refuse

const LIMITS: ReadLimits = { maxRows: 100, maxBytes: 1 << 20, timeoutMs: 5_000, pinSearchPath: true };
const MULTIPLE_COMMANDS = /cannot insert multiple commands into a prepared statement/;

/** Session state of the pool's connection, read outside runReadOnly. */
async function rawState(pool: pg.Pool) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query(`
      SELECT pg_backend_pid() AS pid,
             current_setting('transaction_read_only') AS transaction_read_only,
             current_setting('default_transaction_read_only') AS default_transaction_read_only,
             current_setting('statement_timeout') AS statement_timeout,
             current_setting('lock_timeout') AS lock_timeout,
             current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout,
             current_setting('search_path') AS search_path,
             current_user AS role,
             now() = statement_timestamp() AS own_transaction,
             (SELECT count(*)::int FROM pg_prepared_statements) AS prepared,
             (SELECT count(*)::int FROM pg_cursors) AS cursors,
             (SELECT count(*)::int FROM pg_listening_channels()) AS channels,
             (SELECT count(*)::int FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') AS advisory`);
    return rows[0] as Record<string, unknown>;
  } finally {
    client.release();
  }
}

async function activeQueries(role: string, marker: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND state = 'active' AND position($2 IN query) > 0 AND pid <> pg_backend_pid()",
    [role, marker],
  );
  return rows[0]!.n;
}

describe.each([
  ['least-privilege role', false, () => reader.url, () => reader.name],
  ['superuser', true, () => db.url, () => superuserName],
] as const)('layers 2 and 3 alone, as the %s', (_who, superuser, url, role) => {
  let pool: pg.Pool;
  let clean: Record<string, unknown>;
  beforeAll(async () => {
    // One connection: every statement below and every check runs on the same backend.
    pool = new pg.Pool({ connectionString: url(), max: 1 });
    pool.on('error', () => undefined);
    clean = await rawState(pool);
    expect(clean).toMatchObject({ transaction_read_only: 'off', own_transaction: true, prepared: 0, cursors: 0, channels: 0, advisory: 0, role: role() });
  });
  afterAll(() => pool?.end());

  const run = (sql: string, limits: Partial<ReadLimits> = {}, signal = new AbortController().signal) => runReadOnly(pool, sql, [], { ...LIMITS, ...limits }, signal);

  /** The connection went back to the pool healthy, outside any transaction, with no SET leaked. */
  async function expectHealthy(what: string) {
    expect(await rawState(pool), `${what} left session state behind`).toEqual(clean);
    const next = await run('SELECT 1 AS one');
    expect(next.rows, what).toEqual([[1]]);
    await expectUnchanged(what);
  }

  async function expectFails(sql: string, msg: RegExp, code: ConnectorError['code']) {
    const err = await run(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `${sql} was not refused`).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code, sql).toBe(code);
    expect((err as ConnectorError).message, sql).toMatch(msg);
    await expectHealthy(sql);
  }

  it.each([
    'SELECT 1; DELETE FROM t',
    'SELECT 1; COMMIT',
    'COMMIT; DELETE FROM t',
    'END; DROP TABLE t',
    'ROLLBACK; SET default_transaction_read_only = off; DELETE FROM t',
    "SELECT set_config('default_transaction_read_only', 'off', false); COMMIT; DELETE FROM t",
  ])('the server refuses a second statement (extended protocol), so no COMMIT can end the transaction: %s', async (sql) => {
    await expectFails(sql, MULTIPLE_COMMANDS, 'invalid_input');
  });

  it.each([
    "INSERT INTO t (id, grp, x) VALUES (99, 'z', 1)",
    'UPDATE t SET x = 0',
    'DELETE FROM t',
    'CREATE TABLE evil (a int)',
    'WITH d AS (DELETE FROM t RETURNING id) SELECT count(*) FROM d',
    "SELECT nextval('s')",
    // setval needs UPDATE on the sequence, which the reader lacks (42501 comes first).
    ...(superuser ? ["SELECT setval('s', 1)"] : []),
    'SELECT evil()',
    'CALL wipe()',
    'SELECT * FROM t FOR UPDATE',
    "SELECT lo_from_bytea(0, 'x')",
  ])('the READ ONLY transaction refuses a write (SQLSTATE 25006): %s', async (sql) => {
    await expectFails(sql, READ_ONLY_TX, 'denied');
  });

  it('fails closed: when a step before the statement fails, the server skips the statement', async () => {
    // A timeout PostgreSQL refuses (beyond 2^31 - 1 ms) makes SET LOCAL statement_timeout fail;
    // the error reported is that one, not the statement's own (division by zero).
    const err = await run("SELECT 1/0 AS never_ran, set_config('application_name', 'ran', false)", { timeoutMs: 3e9 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).message).toMatch(/statement_timeout/);
    expect((err as ConnectorError).message).not.toMatch(/division by zero/);
    await expectHealthy('a failed SET LOCAL before the statement');
  });

  it('statement_timeout (SET LOCAL) ends SELECT pg_sleep(5) at ~0.3 s, on the server too', async () => {
    const started = performance.now();
    await expect(run('SELECT pg_sleep(5) AS timeout_marker', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/ran past its time limit/) });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
    expect(await activeQueries(role(), 'timeout_marker')).toBe(0);
    await expectHealthy('pg_sleep(5) with a 300 ms timeout');
  });

  it('session-level settings made inside are rolled back with the transaction', async () => {
    const r = await run(
      "SELECT set_config('default_transaction_read_only', 'off', false) AS a, set_config('statement_timeout', '1234', false) AS b, set_config('search_path', 'evil', false) AS c",
    );
    expect(r.rows).toEqual([['off', '1234ms', 'evil']]);
    await expectHealthy('set_config(..., false)');
    await run('SET SESSION statement_timeout = 4321');
    await expectHealthy('SET SESSION statement_timeout');
    await run('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE');
    await expectHealthy('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE');
  });

  it('session state that survives ROLLBACK (a session advisory lock, a prepared statement) does not stay on a pooled connection', async () => {
    // Layer 1 refuses both; this is what layers 2 and 3 leave behind without it. The module
    // promises that a connection in an unexpected state is not returned to the pool as is.
    const key = 4711;
    const held = async () => (await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [key])).rows[0]!.n;
    try {
      await run(`SELECT pg_advisory_lock(${key})`);
      await run('PREPARE leaked AS SELECT 1');
      const { pid: _pid, ...state } = await rawState(pool);
      const { pid: _cleanPid, ...cleanState } = clean;
      expect(state).toEqual(cleanState);
      expect(await held(), 'the advisory lock is still held after the call').toBe(0);
    } finally {
      // Leave the connection as the other tests expect it, whatever happened above.
      const client = await pool.connect();
      await client.query('SELECT pg_advisory_unlock_all(); DEALLOCATE ALL').finally(() => client.release());
    }
  });

  it('aborting the signal cancels SELECT pg_sleep(10) on the server within ~1 s', async () => {
    const marker = `abort_marker_${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    const running = run(`SELECT pg_sleep(10) AS ${marker}`, { timeoutMs: 30_000 }, controller.signal);
    running.catch(() => undefined);
    await expect.poll(() => activeQueries(role(), marker), { timeout: 5_000, interval: 20 }).toBe(1);
    const reason = new Error('stopped by the client');
    const abortedAt = performance.now();
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    await expect.poll(() => activeQueries(role(), marker), { timeout: 1_000, interval: 20 }).toBe(0);
    expect(performance.now() - abortedAt).toBeLessThan(1_500);
    // The aborted call's connection is not pooled again (a cancel still on its way could hit
    // the next statement on that backend): the next call runs on a new, clean one.
    const { pid, ...state } = await rawState(pool);
    const { pid: abortedPid, ...cleanState } = clean;
    expect(pid).not.toBe(abortedPid);
    expect(state).toEqual(cleanState);
    clean = { ...clean, pid };
    await expectHealthy('an aborted pg_sleep(10)');
  });
});

// ---------------------------------------------------------------------------------------------
// Layer 4: the role check

describe('layer 4: the role the server connects as', () => {
  const TOOL_CALLS: Array<[string, Record<string, unknown>]> = [
    ['query', { sql: 'SELECT 1 AS never_run_marker' }],
    ['list_schemas', {}],
    ['list_tables', {}],
    ['describe_table', { table: 't' }],
    ['explain', { sql: 'SELECT 1 AS never_run_marker' }],
  ];

  async function expectAllRefused(url: string, role: string, why: RegExp) {
    const s = await connectInProcess(connector, [url]);
    try {
      for (const [tool, args] of TOOL_CALLS) {
        const r = await s.call(tool, args);
        expectActionableError(r, new RegExp(`^This server refuses to run: the database role "${esc(role)}" ${why.source}.*restart with --allow-privileged-role\\.$`), `${tool} as ${role}`);
        expect(s.audit().at(-1), tool).toMatchObject({ tool, outcome: 'error', errorCode: 'denied' });
      }
      await expect(s.client.readResource({ uri: 'postgres://overview' })).rejects.toThrow(/--allow-privileged-role/);
      expect(s.logs()).toContainEqual(expect.objectContaining({ level: 'error', msg: 'privileged role refused', role }));
      // The model's SQL never reached the server (the role check ran, nothing after it).
      const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE position('never_run_marker' IN query) > 0 AND pid <> pg_backend_pid()");
      expect(rows[0]!.n).toBe(0);
    } finally {
      await s.close();
    }
  }

  it('a superuser without --allow-privileged-role: every tool call is refused, naming the role and the flag', async () => {
    await expectAllRefused(db.url, superuserName, /is a superuser/);
    await expectUnchanged('the superuser session');
  });

  it.each(['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program'])('a member of %s is refused', async (dangerous) => {
    const role = await createRole(db.url, { name: `member_${dangerous}`, grants: [...readerGrants(), dangerous] });
    try {
      await expectAllRefused(role.url, role.name, new RegExp(`is a member of ${dangerous}`));
    } finally {
      await role.drop();
    }
    await expectUnchanged(`the ${dangerous} member session`);
  });

  it('an indirect member (through a group role) of pg_execute_server_program is refused', async () => {
    const group = `evil_group_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE ROLE ${group} NOLOGIN; GRANT pg_execute_server_program TO ${group}`);
    const role = await createRole(db.url, { name: 'indirect', grants: [...readerGrants(), group] });
    try {
      await expectAllRefused(role.url, role.name, /is a member of pg_execute_server_program/);
    } finally {
      await role.drop();
      await admin.query(`DROP ROLE ${group}`);
    }
    await expectUnchanged('the indirect member session');
  });

  it('a member of a superuser role (it can SET ROLE to it) is refused like a superuser', async () => {
    const group = `evil_su_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE ROLE ${group} SUPERUSER NOLOGIN`);
    const role = await createRole(db.url, { name: 'su_member', grants: [...readerGrants(), group] });
    try {
      await expectAllRefused(role.url, role.name, /is (a superuser|a member of)/);
    } finally {
      await role.drop();
      await admin.query(`DROP ROLE ${group}`);
    }
    await expectUnchanged('the superuser-member session');
  });

  it('a least-privilege role runs, with no warning', async () => {
    const s = await connectInProcess(connector, [reader.url]);
    try {
      const r = await s.call('query', { sql: 'SELECT count(*) AS n FROM t' });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(rowsOf(r).rows).toEqual([[4]]);
      expect(s.audit().at(-1)).toMatchObject({ tool: 'query', outcome: 'ok' });
      expect(s.logs().filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('a role that can INSERT runs, with a "can change data" warning, and still cannot write', async () => {
    const writer = await createRole(db.url, { name: 'writer', grants: [...readerGrants(), 'INSERT ON TABLE t'] });
    const s = await connectInProcess(connector, [writer.url]);
    try {
      const r = await s.call('query', { sql: 'SELECT count(*) AS n FROM t' });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(rowsOf(r).rows).toEqual([[4]]);
      expect(s.logs()).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: expect.stringContaining('can change data'), role: writer.name, examples: ['public.t'] }),
      );
      const insert = await s.call('query', { sql: "INSERT INTO t (id, grp, x) VALUES (99, 'z', 1)" });
      expectActionableError(insert, stmt('INSERT'), 'INSERT as a writer');
      const cte = await s.call('query', { sql: "WITH i AS (INSERT INTO t (id, grp, x) VALUES (99, 'z', 1) RETURNING id) SELECT * FROM i" });
      expectActionableError(cte, CTE_WRITE('INSERT'), 'CTE INSERT as a writer');
      const hidden = await s.call('query', { sql: 'SELECT evil()' });
      expectActionableError(hidden, READ_ONLY_TX, 'evil() as a writer');
    } finally {
      await s.close();
      await writer.drop();
    }
    await expectUnchanged('the writer session');
  });
});

// ---------------------------------------------------------------------------------------------
// Legitimate analytics

describe('legitimate analytics pass as the least-privilege role, with the right rows', () => {
  let s: Session;
  beforeAll(async () => {
    s = await connectInProcess(connector, [reader.url]);
  });
  afterAll(() => s?.close());

  const read = async (sql: string, params?: unknown[]) => {
    const r = await s.call('query', { sql, ...(params ? { params } : {}) });
    expect(r.isError, `${sql}: ${textOf(r)}`).toBeFalsy();
    return rowsOf(r);
  };

  it('a CTE', async () => {
    const r = await read('WITH spend AS (SELECT grp, sum(x) AS total FROM t GROUP BY grp) SELECT grp, total FROM spend ORDER BY total DESC');
    expect(r).toMatchObject({ columns: ['grp', 'total'], rows: [['b', '70.25'], ['a', '30.50']] });
  });

  it('WITH RECURSIVE over a tree', async () => {
    const r = await read(
      "WITH RECURSIVE path(id, depth, trail) AS (SELECT id, 0, name FROM tree WHERE parent IS NULL UNION ALL SELECT c.id, p.depth + 1, p.trail || '/' || c.name FROM tree c JOIN path p ON c.parent = p.id) SELECT id, depth, trail FROM path ORDER BY id",
    );
    expect(r.rows).toEqual([[1, 0, 'root'], [2, 1, 'root/child'], [3, 2, 'root/child/grandchild'], [4, 1, 'root/child2']]);
  });

  it('window functions', async () => {
    const r = await read(
      'SELECT id, row_number() OVER w AS rn, sum(x) OVER (PARTITION BY grp) AS total, lag(id) OVER (ORDER BY id) AS prev FROM t WINDOW w AS (PARTITION BY grp ORDER BY x DESC) ORDER BY id',
    );
    expect(r).toMatchObject({ columns: ['id', 'rn', 'total', 'prev'], rows: [[1, 2, '30.50', null], [2, 1, '30.50', 1], [3, 2, '70.25', 2], [4, 1, '70.25', 3]] });
  });

  it('PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x)', async () => {
    const r = await read('SELECT grp, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median FROM t GROUP BY grp ORDER BY grp');
    expect(r.rows).toEqual([['a', 15.25], ['b', 35.125]]);
    expect((await read('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median FROM t')).rows).toEqual([[25.125]]);
  });

  it('JSON/JSONB operators: ->, ->>, @>, ?, #>> and jsonb_array_elements', async () => {
    const r = await read(`SELECT id, doc->>'k' AS k, doc->'tags' AS tags, doc->'n' AS n FROM t WHERE doc @> '{"tags": ["red"]}' ORDER BY id`);
    expect(r.rows).toEqual([[1, 'v1', ['red', 'blue'], 1], [3, 'v3', ['red'], 3]]);
    expect((await read("SELECT count(*) AS n FROM t WHERE doc ? 'k'")).rows).toEqual([[3]]);
    expect((await read(`SELECT '{"a": {"b": [1, 2]}}'::jsonb #>> '{a,b,1}' AS v`)).rows).toEqual([['2']]);
    expect((await read("SELECT e.value FROM t, jsonb_array_elements(t.doc->'tags') AS e WHERE t.id = 1")).rows).toEqual([['red'], ['blue']]);
  });

  it('LATERAL with generate_series and unnest; generate_series alone', async () => {
    expect((await read('SELECT t.id, g FROM t CROSS JOIN LATERAL generate_series(1, t.id) AS g WHERE t.id <= 2 ORDER BY t.id, g')).rows).toEqual([[1, 1], [2, 1], [2, 2]]);
    const tags = await read("SELECT u.tag, count(*) AS n FROM t, LATERAL unnest(ARRAY(SELECT jsonb_array_elements_text(t.doc->'tags'))) AS u(tag) GROUP BY u.tag ORDER BY u.tag");
    expect(tags.rows).toEqual([['blue', 1], ['red', 2]]);
    expect((await read('SELECT g FROM generate_series(1, 3) AS g')).rows).toEqual([[1], [2], [3]]);
  });

  it('strings and dollar-quoted bodies containing ;, COMMIT and DELETE', async () => {
    expect((await read("SELECT id FROM t WHERE note IN ('first; DELETE FROM t', 'COMMIT', '-- not a comment') ORDER BY id")).rows).toEqual([[1], [2], [3]]);
    const lit = await read("SELECT 'a;b' AS s1, 'DELETE FROM t; COMMIT; -- x' AS s2, $$x; DROP TABLE t; COMMIT$$ AS s3, $body$ /* ; */ $$ END; $body$ AS s4, E'it\\'s' AS s5");
    expect(lit.rows).toEqual([['a;b', 'DELETE FROM t; COMMIT; -- x', 'x; DROP TABLE t; COMMIT', ' /* ; */ $$ END; ', "it's"]]);
  });

  it('comments (-- and nested /* */) and a trailing semicolon', async () => {
    expect((await read('-- leading; DELETE FROM t;\n/* outer /* nested; COMMIT */ still a comment; DROP TABLE t */ SELECT count(*) AS n FROM t -- trailing; DELETE')).rows).toEqual([[4]]);
    expect((await read('SELECT count(*) AS n FROM t;')).rows).toEqual([[4]]);
    expect((await read('SELECT 1 AS one ; -- done')).rows).toEqual([[1]]);
  });

  it('bound params $1, $2 (a value is only ever a value)', async () => {
    expect((await read('SELECT id FROM t WHERE grp = $1 AND x > $2 ORDER BY id', ['b', 30])).rows).toEqual([[3], [4]]);
    expect((await read('SELECT count(*) AS n FROM t WHERE note = $1', ["x'; DELETE FROM t; --"])).rows).toEqual([[0]]);
    expect((await read('SELECT $1::int + $2::int AS sum', [2, 3])).rows).toEqual([[5]]);
  });

  it('TABLE t, VALUES, SHOW work_mem', async () => {
    expect(await read('TABLE tree')).toMatchObject({ columns: ['id', 'parent', 'name'], rowCount: 4 });
    expect(await read("VALUES (1, 'a'), (2, 'b')")).toMatchObject({ columns: ['column1', 'column2'], rows: [[1, 'a'], [2, 'b']] });
    const { rows } = await admin.query<{ work_mem: string }>('SHOW work_mem');
    expect(await read('SHOW work_mem')).toMatchObject({ columns: ['work_mem'], rows: [[rows[0]!.work_mem]] });
  });

  it('reading a sequence and the catalog views', async () => {
    expect((await read('SELECT last_value FROM s')).rows).toEqual([[41]]);
    expect((await read('SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user')).rows).toEqual([[reader.name, false]]);
    expect((await read('SELECT grp, total FROM t_summary ORDER BY grp')).rows).toEqual([['a', '30.50'], ['b', '70.25']]);
  });

  it('types: bigint beyond 2^53 and numeric as strings, bytea as {$blob}, timestamptz as text', async () => {
    const r = await read('SELECT id, big, x, raw, at FROM t ORDER BY id');
    const { rows: at } = await admin.query<{ at: string }>('SELECT at::text AS at FROM t ORDER BY id');
    expect(at[0]!.at).toMatch(/^2025-03-01 10:00:00/);
    expect(r.rows).toEqual([
      [1, '9007199254740993', '10.50', { $blob: 'AP8Q', bytes: 3 }, at[0]!.at],
      [2, 2, '20.00', null, at[1]!.at],
      [3, 3, '30.25', null, at[2]!.at],
      [4, '-9223372036854775808', '40.00', { $blob: '', bytes: 0 }, at[3]!.at],
    ]);
  });

  it('explain: a plan, and EXPLAIN ANALYZE of a plain SELECT', async () => {
    const plan = await s.call('explain', { sql: 'WITH a AS (SELECT grp, sum(x) AS total FROM t GROUP BY grp) SELECT * FROM a WHERE total > $1', params: [1] });
    expect(plan.isError, textOf(plan)).toBeFalsy();
    expect(textOf(plan)).toMatch(/Aggregate/);
    const analyzed = await s.call('explain', { sql: 'SELECT id, row_number() OVER (ORDER BY x) FROM t', analyze: true });
    expect(analyzed.isError, textOf(analyzed)).toBeFalsy();
    expect(textOf(analyzed)).toMatch(/actual time/);
  });

  it('none of them changed the database', async () => {
    await expectUnchanged('the analytics');
  });
});
