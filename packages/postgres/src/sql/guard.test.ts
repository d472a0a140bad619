import { beforeAll, describe, expect, it } from 'vitest';

import {
  classifySql,
  DENIED_FUNCTIONS,
  DENIED_RELATIONS,
  deniedFunction,
  loadParser,
  relationAllowed,
  statementName,
  type ClassifyOptions,
  type SqlVerdict,
} from './guard.js';

beforeAll(async () => {
  await loadParser();
});

type Refused = Extract<SqlVerdict, { ok: false }>;
type Accepted = Extract<SqlVerdict, { ok: true }>;

function refused(sql: string, code: Refused['code'] = 'denied', opts?: ClassifyOptions): Refused {
  const verdict = classifySql(sql, opts);
  expect(verdict, sql).toMatchObject({ ok: false, code });
  return verdict as Refused;
}

function accepted(sql: string, opts?: ClassifyOptions): Accepted {
  const verdict = classifySql(sql, opts);
  if (!verdict.ok) expect.fail(`expected ${JSON.stringify(sql)} to pass, got: ${verdict.message}`);
  return verdict;
}

describe('loadParser', () => {
  it('is idempotent', async () => {
    const a = loadParser();
    const b = loadParser();
    expect(a).toBe(b);
    await a;
  });
});

describe('classic escapes', () => {
  it.each([
    ['COMMIT; DROP TABLE t', 'multiple'],
    ['SELECT 1; DELETE FROM t', 'multiple'],
    ['ROLLBACK; DELETE FROM t', 'multiple'],
    ['END; DROP TABLE t; BEGIN READ ONLY', 'multiple'],
    ["COPY t TO PROGRAM 'id'", 'denied'],
    ["COPY (SELECT 1) TO '/tmp/x'", 'denied'],
    ["COPY t FROM '/etc/passwd'", 'denied'],
    ["SELECT * FROM pg_read_file('/etc/passwd')", 'denied'],
    ["SELECT pg_read_file('/etc/passwd')", 'denied'],
    ['WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'denied'],
    ['SELECT * INTO t2 FROM t', 'denied'],
    ['SELECT * FROM t FOR UPDATE', 'denied'],
    ['DO $$ BEGIN DELETE FROM t; END $$', 'denied'],
    ["SELECT set_config('default_transaction_read_only', 'off', false)", 'denied'],
    ["SELECT nextval('s')", 'denied'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'denied'],
    ['SELECT pg_sleep(100)', 'denied'],
    ["SELECT * FROM dblink('host=evil', 'select 1') AS r(a int)", 'denied'],
    ["SELECT lo_import('/etc/passwd')", 'denied'],
    ["SELECT query_to_xml('delete from t', true, true, '')", 'denied'],
    ["SELECT ('/etc/passwd').pg_read_file", 'denied'],
    ["SELECT 'a\\', ' , pg_read_file($$/etc/passwd$$) -- '", 'denied'],
  ] as const)('%s -> %s', (sql, code) => {
    const v = refused(sql, code);
    expect(v.message.length).toBeGreaterThan(20);
  });

  it('names the statements when more than one is sent', () => {
    const v = refused('COMMIT; DROP TABLE t', 'multiple');
    expect(v.message).toContain('COMMIT; DROP TABLE');
    expect(v.message).toContain('send one statement per call');
    expect(v.position).toBe(8);
  });

  it('explains COPY', () => {
    expect(refused("COPY t TO PROGRAM 'id'").message).toMatch(/COPY is refused.*PROGRAM.*SELECT/);
  });
});

describe('statement count', () => {
  it.each(['', '   ', '\n\t', ';', ';;', '-- only a comment', '/* c */', '/* a /* nested */ b */ ;'])(
    'empty: %j',
    (sql) => {
      expect(refused(sql, 'empty').message).toMatch(/No SQL statement/);
    },
  );

  it.each(['SELECT 1; SELECT 2', 'SELECT 1;;SELECT 2', 'SHOW work_mem; SHOW ALL', 'VALUES (1); TABLE t'])(
    'multiple: %s',
    (sql) => {
      expect(refused(sql, 'multiple').message).toMatch(/^2 statements/);
    },
  );

  it('accepts a trailing semicolon and comments around the statement', () => {
    expect(accepted('SELECT 1;').kind).toBe('select');
    expect(accepted('SELECT 1 ; -- done\n').kind).toBe('select');
    expect(accepted('/* head */ SELECT 1 /* tail */;;').kind).toBe('select');
  });

  it('refuses a NUL character (the C parser would stop reading there)', () => {
    const v = refused('SELECT 1\0; DROP TABLE t', 'syntax');
    expect(v.position).toBe(8);
  });
});

describe('syntax errors', () => {
  it('carries the parser message and position', () => {
    const v = refused('SELECT * FORM t', 'syntax');
    expect(v.message).toContain('syntax error at or near "FORM"');
    expect(v.message).toContain('at character 10');
    expect(v.position).toBe(9);
  });

  it('reports an unterminated string', () => {
    expect(refused("SELECT 'abc", 'syntax').message).toMatch(/unterminated quoted string/);
  });

  it('reports errors at end of input', () => {
    expect(refused('SELECT 1 +', 'syntax').message).toMatch(/end of input/);
  });
});

describe('statement types', () => {
  it.each([
    ['INSERT INTO t VALUES (1)', 'INSERT'],
    ['UPDATE t SET a = 1', 'UPDATE'],
    ['DELETE FROM t', 'DELETE'],
    ['MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE', 'MERGE'],
    ["COPY t TO '/tmp/x'", 'COPY'],
    ['COPY t TO STDOUT', 'COPY'],
    ["SET work_mem = '1GB'", 'SET'],
    ['SET LOCAL statement_timeout = 0', 'SET'],
    ['SET TRANSACTION READ WRITE', 'SET'],
    ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'SET'],
    ['SET ROLE postgres', 'SET'],
    ['SET SESSION AUTHORIZATION postgres', 'SET'],
    ['RESET ALL', 'RESET'],
    ['RESET work_mem', 'RESET'],
    ['DO $$ BEGIN END $$', 'DO'],
    ['CALL p()', 'CALL'],
    ['CREATE TABLE x (a int)', 'CREATE TABLE'],
    ['CREATE TEMP TABLE x (a int)', 'CREATE TABLE'],
    ['CREATE TABLE x AS SELECT 1', 'CREATE TABLE AS'],
    ['CREATE MATERIALIZED VIEW mv AS SELECT 1', 'CREATE MATERIALIZED VIEW'],
    ['CREATE VIEW v AS SELECT 1', 'CREATE VIEW'],
    ['CREATE INDEX i ON t (a)', 'CREATE INDEX'],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'", 'CREATE FUNCTION'],
    ['CREATE EXTENSION dblink', 'CREATE EXTENSION'],
    ['CREATE ROLE r SUPERUSER', 'CREATE ROLE'],
    ['CREATE DATABASE d', 'CREATE DATABASE'],
    ['DROP TABLE t', 'DROP TABLE'],
    ['DROP FUNCTION f', 'DROP FUNCTION'],
    ['DROP DATABASE d', 'DROP DATABASE'],
    ['ALTER TABLE t ADD COLUMN b int', 'ALTER TABLE'],
    ['ALTER VIEW v RENAME TO w', 'ALTER VIEW ... RENAME'],
    ['ALTER ROLE r SUPERUSER', 'ALTER ROLE'],
    ["ALTER SYSTEM SET work_mem = '1GB'", 'ALTER SYSTEM'],
    ['GRANT SELECT ON t TO r', 'GRANT'],
    ['REVOKE SELECT ON t FROM r', 'REVOKE'],
    ['GRANT pg_read_server_files TO r', 'GRANT role'],
    ['TRUNCATE t', 'TRUNCATE'],
    ['VACUUM t', 'VACUUM'],
    ['VACUUM FULL', 'VACUUM'],
    ['ANALYZE t', 'ANALYZE'],
    ['LOCK TABLE t IN ACCESS EXCLUSIVE MODE', 'LOCK'],
    ['LISTEN ch', 'LISTEN'],
    ['UNLISTEN *', 'UNLISTEN'],
    ["NOTIFY ch, 'x'", 'NOTIFY'],
    ['PREPARE q AS DELETE FROM t', 'PREPARE'],
    ['EXECUTE q', 'EXECUTE'],
    ['DEALLOCATE q', 'DEALLOCATE'],
    ['DECLARE c CURSOR FOR SELECT 1', 'DECLARE CURSOR'],
    ['FETCH 1 FROM c', 'FETCH'],
    ['MOVE 1 IN c', 'MOVE'],
    ['CLOSE c', 'CLOSE'],
    ['BEGIN', 'BEGIN'],
    ['BEGIN READ WRITE', 'BEGIN'],
    ['START TRANSACTION', 'START TRANSACTION'],
    ['COMMIT', 'COMMIT'],
    ['END', 'COMMIT'],
    ['ROLLBACK', 'ROLLBACK'],
    ['ABORT', 'ROLLBACK'],
    ['SAVEPOINT s', 'SAVEPOINT'],
    ['RELEASE SAVEPOINT s', 'RELEASE SAVEPOINT'],
    ['ROLLBACK TO SAVEPOINT s', 'ROLLBACK TO SAVEPOINT'],
    ["PREPARE TRANSACTION 'x'", 'PREPARE TRANSACTION'],
    ["COMMIT PREPARED 'x'", 'COMMIT PREPARED'],
    ["ROLLBACK PREPARED 'x'", 'ROLLBACK PREPARED'],
    ['CHECKPOINT', 'CHECKPOINT'],
    ['DISCARD ALL', 'DISCARD'],
    ["LOAD 'auto_explain'", 'LOAD'],
    ['REINDEX TABLE t', 'REINDEX'],
    ['CLUSTER t USING i', 'CLUSTER'],
    ['REFRESH MATERIALIZED VIEW mv', 'REFRESH MATERIALIZED VIEW'],
    ["COMMENT ON TABLE t IS 'x'", 'COMMENT'],
    ["SECURITY LABEL ON TABLE t IS 'x'", 'SECURITY LABEL'],
    ['SET CONSTRAINTS ALL DEFERRED', 'SET CONSTRAINTS'],
    ['IMPORT FOREIGN SCHEMA s FROM SERVER x INTO y', 'IMPORT FOREIGN SCHEMA'],
    ['CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw', 'CREATE FOREIGN SERVER'],
    ['CREATE TRIGGER tr AFTER INSERT ON t EXECUTE FUNCTION f()', 'CREATE TRIGGER'],
  ])('%s is refused, naming %s', (sql, name) => {
    const v = refused(sql);
    expect(v.message.startsWith(`${name} is refused`), v.message).toBe(true);
  });

  it('tells the model what to do instead', () => {
    expect(refused('BEGIN').message).toMatch(/read-only transaction; send only the query/);
    expect(refused('SET work_mem = 1').message).toMatch(/current_setting/);
    expect(refused('DROP TABLE t').message).toMatch(/Only read-only queries are allowed/);
  });

  it('statementName falls back to the node type', () => {
    expect(statementName({ AlterDomainStmt: {} })).toBe('ALTER DOMAIN');
    expect(statementName({})).toBe('an unknown statement');
  });
});

describe('data modification nested in a query', () => {
  it.each([
    'WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x',
    'WITH x AS (DELETE FROM t) SELECT 1',
    'WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x',
    'WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x',
    'WITH m AS (MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE RETURNING *) SELECT * FROM m',
    'WITH a AS (SELECT 1), b AS (DELETE FROM t RETURNING *) SELECT * FROM a',
    'WITH RECURSIVE r AS (SELECT 1), d AS (DELETE FROM t) SELECT * FROM r',
    'WITH x AS (WITH y AS (DELETE FROM t RETURNING *) SELECT * FROM y) SELECT * FROM x',
    'SELECT * FROM (WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x) s',
    'SELECT (WITH x AS (DELETE FROM t RETURNING a) SELECT a FROM x)',
    'SELECT 1 WHERE EXISTS (WITH x AS (DELETE FROM t RETURNING 1) SELECT 1 FROM x)',
    'SELECT 1 UNION ALL (WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x)',
    'EXPLAIN WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x',
    'TABLE t UNION (WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x)',
  ])('%s', (sql) => {
    expect(refused(sql).message).toMatch(/^(DELETE|INSERT|UPDATE|MERGE) inside the query .* modify data/);
  });

  it.each([
    'SELECT * INTO t2 FROM t',
    'SELECT 1 INTO TEMP x',
    'SELECT * INTO UNLOGGED t2 FROM t',
    'SELECT 1 AS a INTO t2 UNION SELECT 2',
    'EXPLAIN SELECT * INTO t2 FROM t',
  ])('SELECT INTO: %s', (sql) => {
    expect(refused(sql).message).toMatch(/SELECT \.\.\. INTO creates a table/);
  });

  it.each([
    ['SELECT * FROM t FOR UPDATE', 'FOR UPDATE'],
    ['SELECT * FROM t FOR NO KEY UPDATE', 'FOR NO KEY UPDATE'],
    ['SELECT * FROM t FOR SHARE', 'FOR SHARE'],
    ['SELECT * FROM t FOR KEY SHARE', 'FOR KEY SHARE'],
    ['SELECT * FROM t FOR UPDATE OF t SKIP LOCKED', 'FOR UPDATE'],
    ['SELECT * FROM t FOR UPDATE NOWAIT', 'FOR UPDATE'],
    ['SELECT * FROM (SELECT * FROM t FOR SHARE) s', 'FOR SHARE'],
    ['WITH c AS (SELECT * FROM t FOR UPDATE) SELECT * FROM c', 'FOR UPDATE'],
    ['SELECT 1 WHERE EXISTS (SELECT 1 FROM t FOR KEY SHARE)', 'FOR KEY SHARE'],
    ['SELECT (SELECT a FROM t LIMIT 1 FOR UPDATE)', 'FOR UPDATE'],
    ['SELECT * FROM u, LATERAL (SELECT * FROM t WHERE t.a = u.a FOR UPDATE) s', 'FOR UPDATE'],
    ['EXPLAIN SELECT * FROM t FOR UPDATE', 'FOR UPDATE'],
  ])('locking clause: %s', (sql, clause) => {
    expect(refused(sql).message).toContain(`${clause} locks rows`);
  });
});

const fill = (template: string, call: string): string => template.replace('{f}', () => call);

/** Positions where an expression may appear; `{f}` is replaced by a call. */
const POSITIONS: ReadonlyArray<[string, string]> = [
  ['select list', 'SELECT {f}'],
  ['select list with alias', 'SELECT {f} AS x FROM t'],
  ['FROM as a range function', 'SELECT * FROM {f}'],
  ['FROM with alias and column list', 'SELECT * FROM {f} AS r(a text)'],
  ['FROM ROWS FROM', 'SELECT * FROM ROWS FROM (generate_series(1, 2), {f})'],
  ['FROM WITH ORDINALITY', 'SELECT * FROM {f} WITH ORDINALITY'],
  ['LATERAL function', 'SELECT * FROM t, LATERAL {f} AS x'],
  ['LATERAL subquery', 'SELECT * FROM t CROSS JOIN LATERAL (SELECT {f}) s'],
  ['JOIN ON', 'SELECT * FROM t JOIN u ON {f} IS NOT NULL'],
  ['JOIN to a function', 'SELECT * FROM t LEFT JOIN {f} x ON true'],
  ['WHERE', 'SELECT * FROM t WHERE {f} IS NOT NULL'],
  ['WHERE IN list', 'SELECT * FROM t WHERE a IN (1, {f})'],
  ['GROUP BY', 'SELECT count(*) FROM t GROUP BY {f}'],
  ['HAVING', 'SELECT count(*) FROM t GROUP BY a HAVING {f} IS NULL'],
  ['ORDER BY', 'SELECT * FROM t ORDER BY {f}'],
  ['DISTINCT ON', 'SELECT DISTINCT ON ({f}) * FROM t'],
  ['LIMIT', 'SELECT * FROM t LIMIT length({f}::text)'],
  ['OFFSET', 'SELECT * FROM t OFFSET length({f}::text)'],
  ['CTE', 'WITH c AS (SELECT {f}) SELECT * FROM c'],
  ['CTE as range function', 'WITH c AS (SELECT * FROM {f}) SELECT * FROM c'],
  ['second CTE', 'WITH a AS (SELECT 1), b AS (SELECT {f}) SELECT * FROM a'],
  ['recursive CTE', 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE {f} IS NULL) SELECT * FROM r'],
  ['MATERIALIZED CTE', 'WITH c AS MATERIALIZED (SELECT {f}) SELECT * FROM c'],
  ['subquery in FROM', 'SELECT * FROM (SELECT {f}) s'],
  ['nested subqueries', 'SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT {f}) a) b) c'],
  ['scalar subquery', 'SELECT (SELECT {f})'],
  ['EXISTS', 'SELECT 1 WHERE EXISTS (SELECT {f})'],
  ['NOT EXISTS in WHERE', 'SELECT * FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE {f} IS NULL)'],
  ['IN subquery', 'SELECT * FROM t WHERE a IN (SELECT {f})'],
  ['ANY subquery', 'SELECT * FROM t WHERE a = ANY (SELECT {f})'],
  ['cast ::', 'SELECT {f}::text'],
  ['CAST()', 'SELECT CAST({f} AS text)'],
  ['nested in another call', 'SELECT coalesce(upper({f}::text), $$x$$)'],
  ['CASE', 'SELECT CASE WHEN true THEN {f} ELSE NULL END'],
  ['NULLIF/GREATEST', 'SELECT greatest(1, nullif({f}, 1))'],
  ['array constructor', 'SELECT ARRAY[{f}]'],
  ['row constructor', 'SELECT ROW(1, {f})'],
  ['json builder', "SELECT jsonb_build_object('k', {f})"],
  ['window ORDER BY', 'SELECT sum(a) OVER (ORDER BY {f}) FROM t'],
  ['window PARTITION BY', 'SELECT row_number() OVER (PARTITION BY {f}) FROM t'],
  ['aggregate argument', 'SELECT string_agg({f}::text, $$,$$) FROM t'],
  ['aggregate FILTER', 'SELECT count(*) FILTER (WHERE {f} IS NULL) FROM t'],
  ['WITHIN GROUP', 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {f}) FROM t'],
  ['UNION branch', 'SELECT 1 UNION SELECT {f}'],
  ['INTERSECT branch', 'SELECT 1 INTERSECT (SELECT 1 EXCEPT SELECT {f})'],
  ['VALUES', 'VALUES (1), ({f})'],
  ['VALUES in FROM', 'SELECT * FROM (VALUES ({f})) v(a)'],
  ['TABLESAMPLE argument', 'SELECT * FROM t TABLESAMPLE bernoulli({f})'],
  ['TABLESAMPLE REPEATABLE', 'SELECT * FROM t TABLESAMPLE system(1) REPEATABLE ({f})'],
  ['BETWEEN', 'SELECT * FROM t WHERE a BETWEEN 1 AND {f}'],
  ['LIKE ESCAPE', 'SELECT * FROM t WHERE b LIKE {f}::text'],
  ['IS DISTINCT FROM', 'SELECT * FROM t WHERE a IS DISTINCT FROM {f}'],
  ['XMLELEMENT', 'SELECT xmlelement(name x, {f})'],
  ['JSON_TABLE', "SELECT * FROM JSON_TABLE(to_jsonb({f}), '$' COLUMNS (a int PATH '$')) j"],
  ['GROUPING SETS', 'SELECT count(*) FROM t GROUP BY GROUPING SETS ((a), ({f}))'],
  ['EXPLAIN', 'EXPLAIN SELECT {f}'],
  ['EXPLAIN with options', 'EXPLAIN (FORMAT JSON, VERBOSE) SELECT * FROM t WHERE {f} IS NULL'],
  ['TABLE combined with UNION', 'TABLE t UNION SELECT {f}'],
];

/** Spellings of a refused call (argument lists are not type-checked by the parser). */
const SPELLINGS: ReadonlyArray<[string, string]> = [
  ['plain', "pg_read_file('/etc/passwd')"],
  ['schema-qualified', "pg_catalog.pg_read_file('/etc/passwd')"],
  ['quoted', `"pg_read_file"('/etc/passwd')`],
  ['quoted and qualified', `"pg_catalog"."pg_read_file"('/etc/passwd')`],
  ['mixed case', "PG_Read_File('/etc/passwd')"],
  ['quoted upper case', `"PG_READ_FILE"('/etc/passwd')`],
  ['unicode escapes', `U&"pg\\005fread\\005ffile"('/etc/passwd')`],
  ['named argument', "pg_read_file(filename => '/etc/passwd')"],
  ['VARIADIC', 'pg_read_file(VARIADIC ARRAY[$$/etc/passwd$$])'],
  ['three-part name', "postgres.pg_catalog.pg_read_file('/etc/passwd')"],
];

describe('refused functions in every position', () => {
  const cases = POSITIONS.map(([where, template]) => [where, fill(template, "pg_read_file('/etc/passwd')")]);
  it.each(cases)('%s: %s', (_where, sql) => {
    const v = refused(sql);
    expect(v.message).toMatch(/^Function pg_read_file\(\) is refused: it reads files/);
    expect(v.position).toBe(sql.indexOf('pg_read_file'));
  });

  const others = ["pg_sleep(10)", "set_config('a', 'b', false)", "nextval('s')", "lo_import('/etc/passwd')"];
  const mixed = POSITIONS.flatMap(([where, template]) => others.map((call) => [where, fill(template, call)]));
  it.each(mixed)('%s: %s', (_where, sql) => {
    expect(refused(sql).message).toMatch(/^Function \S+\(\) is refused/);
  });
});

describe('refused function spellings', () => {
  it.each(SPELLINGS)('%s: %s', (_how, call) => {
    for (const [, template] of POSITIONS.slice(0, 12)) {
      const sql = fill(template, call);
      expect(refused(sql).message, sql).toMatch(/pg_read_file\(\) is refused/i);
    }
  });

  it('SQL-syntax function forms are checked by their catalog name', () => {
    // COLLATION FOR (x) is pg_catalog.pg_collation_for(x); AT TIME ZONE is timezone(); all allowed.
    expect(accepted("SELECT collation for ('a'), now() AT TIME ZONE 'utc', extract(year FROM now())").kind).toBe(
      'select',
    );
    // but their arguments are still walked
    refused("SELECT substring(pg_read_file('/etc/passwd') FROM 1 FOR 10)");
    refused("SELECT extract(epoch FROM pg_stat_file('/etc/passwd')::text::timestamp)");
    refused("SELECT trim(both ' ' FROM pg_read_file('/etc/passwd'))");
    refused("SELECT position('root' IN pg_read_file('/etc/passwd'))");
    refused("SELECT overlay(pg_read_file('/etc/passwd') PLACING 'x' FROM 1)");
    refused("SELECT now() AT TIME ZONE pg_read_file('/etc/passwd')");
  });
});

describe('attribute notation x.f, run by PostgreSQL as f(x)', () => {
  it.each([
    "SELECT ('/etc/passwd').pg_read_file",
    "SELECT ('/etc/passwd'::text).pg_read_file",
    "SELECT (x).pg_read_file FROM (SELECT '/etc/passwd'::text AS x) s",
    "SELECT (s.x).pg_read_file FROM (SELECT '/etc/passwd'::text AS x) s",
    "SELECT ('1').pg_sleep",
    "SELECT ('s').nextval",
    'SELECT t.pg_sleep FROM t',
    "SELECT ('/etc/passwd').pg_read_file[1]",
    'SELECT * FROM t WHERE (t.b).lo_import IS NULL',
    'SELECT pg_catalog.pg_read_file',
  ])('%s', (sql) => {
    expect(refused(sql).message).toMatch(/PostgreSQL reads x\.\S+ as the function call/);
  });

  it('allows ordinary qualified columns and composite fields', () => {
    accepted('SELECT t.a, t.b, (t.c).f, (t).*, t.lo, lo_x FROM t');
    accepted('SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace');
  });
});

describe('every listed function is refused; read-only ones pass', () => {
  const exact = DENIED_FUNCTIONS.flatMap((g) => g.names);
  it.each(exact)('%s()', (name) => {
    expect(refused(`SELECT ${name}()`).message).toContain(`Function ${name}() is refused`);
    expect(refused(`SELECT * FROM pg_catalog.${name}()`).message).toContain('is refused');
  });

  const prefixes = DENIED_FUNCTIONS.flatMap((g) => g.prefixes);
  it.each(prefixes)('prefix %s', (prefix) => {
    expect(refused(`SELECT ${prefix}something(1)`).message).toContain('is refused');
    expect(refused(`SELECT ${prefix.toUpperCase()}X()`).message).toContain('is refused');
  });

  it.each([
    // files
    'pg_read_file',
    'pg_read_binary_file',
    'pg_ls_dir',
    'pg_ls_logdir',
    'pg_ls_waldir',
    'pg_ls_tmpdir',
    'pg_ls_archive_statusdir',
    'pg_stat_file',
    'pg_file_write',
    'pg_file_unlink',
    'pg_current_logfile',
    // large objects
    'lo_import',
    'lo_export',
    'lo_get',
    'lo_put',
    'lo_open',
    'lo_create',
    'lo_unlink',
    'lo_from_bytea',
    'loread',
    'lowrite',
    // network / programs
    'dblink',
    'dblink_exec',
    'dblink_connect',
    'dblink_send_query',
    'postgres_fdw_get_connections',
    'postgres_fdw_disconnect_all',
    'http_get',
    'pg_background_launch',
    // session / server state
    'set_config',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'pg_switch_wal',
    'pg_create_restore_point',
    'pg_create_physical_replication_slot',
    'pg_create_logical_replication_slot',
    'pg_drop_replication_slot',
    'pg_replication_origin_create',
    'pg_replication_slot_advance',
    'pg_logical_slot_get_changes',
    'pg_logical_emit_message',
    'pg_stat_reset',
    'pg_stat_reset_shared',
    'pg_stat_reset_single_table_counters',
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_promote',
    'pg_backup_start',
    'pg_backup_stop',
    'pg_wal_replay_pause',
    'pg_import_system_collations',
    'txid_current',
    'pg_current_xact_id',
    'pg_notify',
    'pg_advisory_lock',
    'pg_advisory_xact_lock_shared',
    'pg_advisory_unlock_all',
    'pg_try_advisory_lock',
    'nextval',
    'setval',
    'pg_sleep',
    'pg_sleep_for',
    'pg_sleep_until',
    // queries as text / tables by name
    'query_to_xml',
    'query_to_xmlschema',
    'query_to_xml_and_xmlschema',
    'cursor_to_xml',
    'table_to_xml',
    'table_to_xml_and_xmlschema',
    'schema_to_xml',
    'database_to_xml',
    'ts_stat',
    'ts_rewrite',
  ])('brief list: %s', (name) => {
    expect(deniedFunction(name), name).toBeDefined();
    refused(`SELECT ${name}(1)`);
  });

  it.each([
    'currval',
    'lastval',
    'current_setting',
    'convert_to',
    'convert_from',
    'now',
    'txid_current_if_assigned',
    'pg_current_xact_id_if_assigned',
    'pg_get_viewdef',
    'pg_get_functiondef',
    'pg_get_indexdef',
    'pg_get_constraintdef',
    'pg_backend_pid',
    'pg_relation_size',
    'pg_total_relation_size',
    'pg_size_pretty',
    'pg_is_in_recovery',
    'pg_current_wal_lsn',
    'pg_stat_get_numscans',
    'pg_typeof',
    'pg_column_size',
    'version',
    'format',
    'lower',
    'log',
    'length',
    'jsonb_path_query',
    'generate_series',
    'unnest',
    'date_trunc',
    'to_char',
    'regexp_replace',
    'string_agg',
    'row_number',
  ])('allowed: %s', (name) => {
    expect(deniedFunction(name)).toBeUndefined();
    accepted(`SELECT ${name}(1)`);
  });

  it('refuses pg_cron functions by schema', () => {
    expect(refused("SELECT cron.schedule('* * * * *', 'DELETE FROM t')").message).toMatch(/pg_cron/);
  });
});

describe('server-side secrets and files through catalog relations', () => {
  it.each(Object.keys(DENIED_RELATIONS))('%s', (name) => {
    expect(refused(`SELECT * FROM ${name}`).message).toContain(`Reading ${name} is refused`);
    refused(`SELECT * FROM pg_catalog.${name}`);
    refused(`TABLE ${name}`);
    refused(`SELECT 1 WHERE EXISTS (SELECT 1 FROM ${name})`);
  });

  it('allows a user table of the same name in another schema, and the safe views', () => {
    accepted('SELECT * FROM app.pg_authid');
    accepted('SELECT rolname FROM pg_roles');
    accepted('SELECT * FROM pg_settings');
  });
});

describe('string literals whose meaning depends on standard_conforming_strings', () => {
  it.each([
    "SELECT 'a\\', ' , pg_read_file($$/etc/passwd$$) -- '",
    "SELECT 'a\\'",
    "SELECT 'a\\''', 'b'",
    "SELECT 'a\\\\\\'",
    "SELECT date 'x\\'",
    "SELECT N'x\\'",
    "SELECT * FROM t WHERE b = 'x\\'",
  ])('refused: %s', (sql) => {
    expect(refused(sql).message).toMatch(/standard_conforming_strings/);
  });

  it.each([
    "SELECT b ~ '\\d+' FROM t",
    "SELECT regexp_replace(b, '\\s+', ' ', 'g') FROM t",
    "SELECT '\\\\'",
    "SELECT E'a\\\\'",
    "SELECT E'it\\'s'",
    'SELECT $$a\\$$',
    "SELECT U&'\\0041'",
  ])('accepted: %s', (sql) => {
    accepted(sql);
  });

  it('refuses a backslash in an EXPLAIN option value', () => {
    refused("EXPLAIN (FORMAT 'json\\') SELECT 1");
  });
});

describe('legitimate analytics pass', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['select * from orders where total > 100 order by created_at desc limit 10', 'select'],
    [
      'WITH monthly AS (SELECT date_trunc($$month$$, created_at) AS m, sum(total) AS s FROM orders GROUP BY 1) SELECT m, s, s - lag(s) OVER (ORDER BY m) FROM monthly',
      'select',
    ],
    [
      'WITH RECURSIVE tree(id, parent, depth) AS (SELECT id, parent_id, 0 FROM nodes WHERE parent_id IS NULL UNION ALL SELECT n.id, n.parent_id, t.depth + 1 FROM nodes n JOIN tree t ON n.parent_id = t.id) SELECT * FROM tree',
      'select',
    ],
    [
      'SELECT customer_id, row_number() OVER w, avg(total) OVER (PARTITION BY customer_id ORDER BY created_at ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM orders WINDOW w AS (PARTITION BY customer_id ORDER BY created_at)',
      'select',
    ],
    ['SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x) FROM t', 'select'],
    ['SELECT mode() WITHIN GROUP (ORDER BY x), percentile_disc(ARRAY[0.1, 0.9]) WITHIN GROUP (ORDER BY x) FROM t', 'select'],
    [`SELECT data->'a'->>'b', data #>> '{a,b}', data @> '{"a": 1}', data ? 'k' FROM docs`, 'select'],
    [`SELECT jsonb_path_query(data, '$.items[*] ? (@.price > 10)') FROM docs`, 'select'],
    ['SELECT * FROM t CROSS JOIN LATERAL jsonb_array_elements(t.data) AS e', 'select'],
    ['SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.t_id = t.id ORDER BY u.created_at DESC LIMIT 3) recent', 'select'],
    ['SELECT d::date FROM generate_series(now() - interval $$7 days$$, now(), interval $$1 day$$) AS g(d)', 'select'],
    ['SELECT unnest(ARRAY[1, 2, 3])', 'select'],
    ['SELECT * FROM unnest(ARRAY[1, 2], ARRAY[$$a$$, $$b$$]) WITH ORDINALITY AS u(n, s, i)', 'select'],
    ["SELECT 'a; COMMIT; DELETE FROM t; DROP TABLE t'", 'select'],
    ['SELECT $$; COMMIT; DELETE FROM t$$, $body$ DROP TABLE t; $body$', 'select'],
    ['SELECT 1 -- ; DELETE FROM t\n', 'select'],
    ['SELECT /* ; DROP TABLE t; /* nested ; COMMIT */ still comment */ 1', 'select'],
    ['SELECT 1;', 'select'],
    ["SELECT current_setting('work_mem'), current_setting('x.y', true)", 'select'],
    ['SELECT now(), current_date, current_timestamp, localtimestamp, current_user, session_user, current_schema', 'select'],
    ["SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", 'select'],
    ['SELECT c.relname, n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace', 'select'],
    ['SELECT * FROM pg_stat_activity', 'select'],
    ["SELECT pg_size_pretty(pg_total_relation_size('orders')), pg_get_viewdef('v'::regclass)", 'select'],
    ["SELECT currval('orders_id_seq'), lastval()", 'select'],
    ['SELECT a, count(*) FROM t GROUP BY ROLLUP (a, b) HAVING count(*) > 1', 'select'],
    ['SELECT DISTINCT ON (a) * FROM t ORDER BY a, b DESC NULLS LAST', 'select'],
    ["SELECT * FROM t WHERE b ILIKE '%x!%%' ESCAPE '!'", 'select'],
    ['SELECT array_agg(x ORDER BY y) FILTER (WHERE z) FROM t', 'select'],
    ['SELECT * FROM t TABLESAMPLE SYSTEM (10)', 'select'],
    ["SELECT * FROM JSON_TABLE('[1,2]'::jsonb, '$[*]' COLUMNS (a int PATH '$')) jt", 'select'],
    ["SELECT xmlelement(name a, xmlattributes(1 AS b), 'x')", 'select'],
    ['SELECT a FROM t UNION SELECT a FROM u INTERSECT SELECT a FROM v EXCEPT SELECT 1', 'select'],
    ['(SELECT 1) UNION ALL (SELECT 2) ORDER BY 1 LIMIT 1', 'select'],
    ['VALUES (1, $$a$$), (2, $$b$$)', 'values'],
    ['VALUES (1) ORDER BY 1', 'values'],
    ['TABLE t', 'table'],
    ['TABLE public.t ORDER BY 1 LIMIT 5', 'table'],
    ['SHOW work_mem', 'show'],
    ['SHOW ALL', 'show'],
    ['SHOW TIME ZONE', 'show'],
    ['EXPLAIN SELECT * FROM t', 'explain'],
    ['EXPLAIN (FORMAT JSON, COSTS OFF) SELECT 1', 'explain'],
    ['EXPLAIN VALUES (1)', 'explain'],
    ['EXPLAIN TABLE t', 'explain'],
    ['select ü from "Ünïcode" where x = $$é$$', 'select'],
  ] as const)('%s', (sql, kind) => {
    expect(accepted(sql).kind).toBe(kind);
  });

  it('a CTE named like a refused function is only a name', () => {
    accepted('WITH pg_sleep AS (SELECT 1 AS a) SELECT a FROM pg_sleep');
  });
});

describe('EXPLAIN', () => {
  it('reports explainAnalyze false for a plain EXPLAIN', () => {
    expect(accepted('EXPLAIN SELECT 1')).toMatchObject({ kind: 'explain', explainAnalyze: false });
  });

  it.each(['EXPLAIN ANALYZE SELECT 1', 'EXPLAIN ANALYSE SELECT 1', 'EXPLAIN (ANALYZE) SELECT 1', 'EXPLAIN (ANALYZE true) SELECT 1', 'EXPLAIN (ANALYZE on, BUFFERS) SELECT 1', 'EXPLAIN (ANALYZE 1) SELECT 1', 'EXPLAIN (ANALYZE false, ANALYZE true) SELECT 1', 'EXPLAIN ANALYZE VERBOSE SELECT * FROM t'])(
    'refused unless enabled: %s',
    (sql) => {
      expect(refused(sql).message).toMatch(/EXPLAIN ANALYZE is disabled/);
      expect(accepted(sql, { allowExplainAnalyze: true })).toMatchObject({ kind: 'explain', explainAnalyze: true });
    },
  );

  it.each(['EXPLAIN (ANALYZE false) SELECT 1', 'EXPLAIN (ANALYZE off) SELECT 1', 'EXPLAIN (ANALYZE 0) SELECT 1'])(
    'explicitly disabled ANALYZE is a plain EXPLAIN: %s',
    (sql) => {
      expect(accepted(sql)).toMatchObject({ explainAnalyze: false });
    },
  );

  it.each([
    'EXPLAIN ANALYZE DELETE FROM t',
    'EXPLAIN DELETE FROM t',
    'EXPLAIN ANALYZE INSERT INTO t VALUES (1)',
    'EXPLAIN UPDATE t SET a = 1',
    'EXPLAIN MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE',
    'EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1',
    'EXPLAIN CREATE MATERIALIZED VIEW m AS SELECT 1',
    'EXPLAIN EXECUTE q',
    'EXPLAIN DECLARE c CURSOR FOR SELECT 1',
  ])('refused even with allowExplainAnalyze: %s', (sql) => {
    expect(refused(sql, 'denied', { allowExplainAnalyze: true }).message).toMatch(/^EXPLAIN of .* is refused/);
  });

  it('EXPLAIN ANALYZE still checks the explained query', () => {
    refused('EXPLAIN ANALYZE SELECT pg_sleep(10)', 'denied', { allowExplainAnalyze: true });
    refused('EXPLAIN ANALYZE WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'denied', {
      allowExplainAnalyze: true,
    });
  });

  it('returns the relations of the explained query', () => {
    expect(accepted('EXPLAIN SELECT * FROM a JOIN s.b ON true').relations).toEqual([
      { name: 'a' },
      { schema: 's', name: 'b' },
    ]);
  });
});

describe('relations', () => {
  const rels = (sql: string) => accepted(sql).relations;

  it('collects schema and name, in first-seen order, without duplicates', () => {
    expect(rels('SELECT * FROM a JOIN sales.orders o ON true JOIN a a2 ON true, "Mixed Case"."T"')).toEqual([
      { name: 'a' },
      { schema: 'sales', name: 'orders' },
      { schema: 'Mixed Case', name: 'T' },
    ]);
  });

  it('folds unquoted identifiers as PostgreSQL does', () => {
    expect(rels('SELECT * FROM Sales.Orders')).toEqual([{ schema: 'sales', name: 'orders' }]);
  });

  it('finds relations in subqueries, EXISTS, LATERAL, set operations, TABLE and CTE bodies', () => {
    expect(
      rels(
        'WITH c AS (SELECT * FROM c1) SELECT (SELECT max(x) FROM s1), * FROM c, LATERAL (SELECT * FROM l1) l WHERE EXISTS (SELECT 1 FROM e1) UNION TABLE t1',
      ).map((r) => r.name),
    ).toEqual(['c1', 's1', 'l1', 'e1', 't1']);
  });

  it('excludes CTE names in scope', () => {
    expect(rels('WITH x AS (SELECT 1) SELECT * FROM x')).toEqual([]);
    expect(rels('WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b')).toEqual([]);
    expect(rels('WITH x AS (SELECT 1) SELECT * FROM (SELECT * FROM x) s WHERE EXISTS (SELECT 1 FROM x)')).toEqual([]);
  });

  it('counts a recursive self-reference and forward references under WITH RECURSIVE as CTEs', () => {
    expect(rels('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r')).toEqual([]);
    expect(rels('WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a')).toEqual([]);
  });

  it('treats names a CTE cannot see as real relations', () => {
    // Plain WITH: a CTE cannot see itself or later CTEs, so these read real tables.
    expect(rels('WITH t AS (SELECT * FROM t) SELECT * FROM t')).toEqual([{ name: 't' }]);
    expect(rels('WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a')).toEqual([{ name: 'b' }]);
    // A CTE is not visible outside the subquery that defines it.
    expect(rels('SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) s, c')).toEqual([{ name: 'c' }]);
    // A qualified name never refers to a CTE.
    expect(rels('WITH t AS (SELECT 1) SELECT * FROM public.t')).toEqual([{ schema: 'public', name: 't' }]);
  });

  it('returns no relations for SHOW and VALUES', () => {
    expect(rels('SHOW search_path')).toEqual([]);
    expect(rels('VALUES (1)')).toEqual([]);
  });
});

describe('relation allowlist', () => {
  const schemasOnly: ClassifyOptions = { relations: { schemas: ['public', 'sales'] } };

  it('schemas: unqualified names count as public', () => {
    accepted('SELECT * FROM orders JOIN sales.items ON true', schemasOnly);
    const v = refused('SELECT * FROM hr.salaries', 'denied', schemasOnly);
    expect(v.message).toContain('Relation hr.salaries is outside');
    expect(v.message).toContain('schemas: public, sales');
  });

  it('schemas: unqualified pg_ names count as pg_catalog, which is searched first', () => {
    refused('SELECT * FROM pg_class', 'denied', schemasOnly);
    refused('SELECT * FROM pg_catalog.pg_class', 'denied', schemasOnly);
    accepted('SELECT * FROM pg_class', { relations: { schemas: ['pg_catalog'] } });
    accepted('SELECT * FROM public.pg_thing', schemasOnly);
  });

  it('checks relations inside subqueries and CTEs, but not CTE names', () => {
    refused('WITH x AS (SELECT * FROM hr.salaries) SELECT * FROM x', 'denied', schemasOnly);
    refused('SELECT 1 WHERE EXISTS (SELECT 1 FROM hr.salaries)', 'denied', schemasOnly);
    accepted('WITH salaries AS (SELECT 1) SELECT * FROM salaries', { relations: { tables: ['orders'] } });
  });

  it('tables: bare entries match by name, qualified entries need the schema', () => {
    const opts: ClassifyOptions = { relations: { tables: ['orders', 'sales.items'] } };
    accepted('SELECT * FROM orders', opts);
    accepted('SELECT * FROM sales.orders', opts);
    accepted('SELECT * FROM sales.items', opts);
    const v = refused('SELECT * FROM items', 'denied', opts);
    expect(v.message).toContain('Relation items is outside');
    expect(v.message).toContain('counts as schema public');
    refused('SELECT * FROM other.items', 'denied', opts);
    refused('SELECT * FROM customers', 'denied', opts);
    accepted('SELECT * FROM items', { relations: { tables: ['public.items'] } });
  });

  it('schemas and tables together must both match', () => {
    const opts: ClassifyOptions = { relations: { schemas: ['sales'], tables: ['orders'] } };
    accepted('SELECT * FROM sales.orders', opts);
    refused('SELECT * FROM orders', 'denied', opts);
    refused('SELECT * FROM sales.items', 'denied', opts);
  });

  it('names the relation and the allowlist in the refusal', () => {
    const v = refused('SELECT * FROM a.b', 'denied', { relations: { tables: ['x', 'y'] } });
    expect(v.message).toMatch(/Relation a\.b is outside .*tables: x, y/);
  });

  it('relationAllowed implements the documented rule', () => {
    expect(relationAllowed({ name: 't' }, { schemas: ['public'] })).toBe(true);
    expect(relationAllowed({ name: 'pg_proc' }, { schemas: ['public'] })).toBe(false);
    expect(relationAllowed({ schema: 's', name: 't' }, { tables: ['s.t'] })).toBe(true);
    expect(relationAllowed({ schema: 'x', name: 't' }, { tables: ['s.t'] })).toBe(false);
    expect(relationAllowed({ schema: 'x', name: 't' }, {})).toBe(true);
  });
});

describe('robustness', () => {
  it('handles non-ASCII text before a refused call (positions are string offsets)', () => {
    const sql = "SELECT 'äöü €', pg_sleep(1)";
    expect(refused(sql).position).toBe(sql.indexOf('pg_sleep'));
  });

  it('handles deep nesting', () => {
    const deep = `SELECT ${'('.repeat(200)}1${')'.repeat(200)}`;
    accepted(deep);
    const deepBad = `SELECT ${'('.repeat(200)}pg_sleep(1)${')'.repeat(200)}`;
    refused(deepBad);
  });

  it('is deterministic across calls (no state leaks between classifications)', () => {
    refused('SELECT * FROM hr.x', 'denied', { relations: { schemas: ['public'] } });
    expect(accepted('SELECT * FROM t').relations).toEqual([{ name: 't' }]);
    expect(accepted('SELECT * FROM t').relations).toEqual([{ name: 't' }]);
  });
});
