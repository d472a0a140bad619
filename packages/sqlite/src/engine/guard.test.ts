import { describe, expect, it } from 'vitest';
import { classify, SqlRejected, tokenize, type StatementKind } from './guard.js';

const kindOf = (sql: string): StatementKind => classify(sql).kind;

/** `[sql, expected kind]` rows, checked one test per row so a failure names the statement. */
function table(rows: Array<[string, StatementKind]>) {
  it.each(rows)('%j → %s', (sql, kind) => {
    expect(kindOf(sql)).toBe(kind);
  });
}

describe('tokenize', () => {
  it('keeps strings, quoted identifiers and brackets as single tokens', () => {
    const toks = tokenize(`SELECT 'a;b''c', "x;y""z", \`p;q\`, [r;s] FROM t`);
    expect(toks.map((t) => t.t)).toEqual(['word', 'string', 'punct', 'ident', 'punct', 'ident', 'punct', 'ident', 'word', 'word']);
    expect(toks[1]!.v).toBe(`'a;b''c'`);
    expect(toks[3]!.v).toBe('x;y""z');
    expect(toks[5]!.v).toBe('p;q');
    expect(toks[7]!.v).toBe('r;s');
    expect(toks.some((t) => t.t === 'semi')).toBe(false);
  });

  it('drops -- and /* */ comments, with whatever they contain', () => {
    const toks = tokenize('SELECT 1 -- ; DELETE\n/* ; DROP TABLE t; */ + 2');
    expect(toks.map((t) => t.v)).toEqual(['SELECT', '1', '+', '2']);
  });

  it('upper-cases keywords but not quoted identifiers', () => {
    expect(tokenize('select "Select" from [From]').map((t) => [t.t, t.v])).toEqual([
      ['word', 'SELECT'],
      ['ident', 'Select'],
      ['word', 'FROM'],
      ['ident', 'From'],
    ]);
  });

  it('reads parameters, numbers and blobs as one token each', () => {
    expect(tokenize(`? ?2 :name @n $v 1.5e3 .5 0x1F x'00ff'`).map((t) => [t.t, t.v])).toEqual([
      ['param', '?'],
      ['param', '?2'],
      ['param', ':name'],
      ['param', '@n'],
      ['param', '$v'],
      ['number', '1.5e3'],
      ['number', '.5'],
      ['number', '0x1F'],
      ['string', `x'00ff'`],
    ]);
  });

  it('marks top-level semicolons', () => {
    expect(tokenize('SELECT 1; SELECT 2').filter((t) => t.t === 'semi')).toHaveLength(1);
  });

  it.each([`SELECT 'abc`, `SELECT 'it''s`, 'SELECT "abc', 'SELECT `abc', 'SELECT [abc', `SELECT x'00`])('throws SqlRejected on an unterminated quote: %j', (sql) => {
    expect(() => tokenize(sql)).toThrow(SqlRejected);
    expect(() => tokenize(sql)).toThrow(/^Unterminated /);
  });

  it('an unterminated /* comment runs to the end of the text, as in SQLite', () => {
    expect(tokenize('SELECT 1 /* ; DELETE FROM t').map((t) => t.v)).toEqual(['SELECT', '1']);
  });
});

describe('classify: reads', () => {
  table([
    ['SELECT 1', 'read'],
    ['select * from customers', 'read'],
    ['VALUES (1, 2), (3, 4)', 'read'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'read'],
    ['WITH x(a) AS (SELECT 1), y AS MATERIALIZED (SELECT 2) SELECT * FROM x, y', 'read'],
    ['WITH x AS NOT MATERIALIZED (SELECT 1) VALUES (1)', 'read'],
    ['WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 10) SELECT n FROM c', 'read'],
    ['WITH x AS (SELECT 1 AS a WHERE 1 IN (SELECT 1)) SELECT a FROM x', 'read'],
    ['EXPLAIN SELECT 1', 'read'],
    ['EXPLAIN QUERY PLAN SELECT * FROM customers WHERE id = ?', 'read'],
    ['explain query plan with x as (select 1) select * from x', 'read'],
    ['EXPLAIN PRAGMA table_info(customers)', 'read'],
  ]);
});

describe('classify: writes and CREATE TABLE', () => {
  table([
    ["INSERT INTO t VALUES (1)", 'write'],
    ["INSERT OR REPLACE INTO t VALUES (1)", 'write'],
    ["REPLACE INTO t VALUES (1)", 'write'],
    ['UPDATE t SET a = 1', 'write'],
    ['DELETE FROM t', 'write'],
    ["INSERT INTO t VALUES (1) RETURNING *", 'write'],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'write'],
    ['WITH x AS (SELECT 1) UPDATE t SET a = (SELECT * FROM x)', 'write'],
    ['WITH x AS (SELECT 1) DELETE FROM t WHERE a IN x', 'write'],
    ['WITH x AS (SELECT 1) REPLACE INTO t SELECT * FROM x', 'write'],
    ['WITH RECURSIVE x(n) AS (SELECT 1) DELETE FROM t', 'write'],
    ['CREATE TABLE t (a INTEGER)', 'create_table'],
    ['CREATE TABLE IF NOT EXISTS t (a)', 'create_table'],
    ['CREATE TABLE t AS SELECT 1', 'create_table'],
    ['CREATE TEMP TABLE t (a)', 'create_table'],
    ['CREATE TEMPORARY TABLE t (a)', 'create_table'],
  ]);

  it('reports the verb', () => {
    expect(classify('WITH x AS (SELECT 1) DELETE FROM t')).toEqual({ kind: 'write', verb: 'WITH … DELETE' });
    expect(classify('insert into t values (1)')).toEqual({ kind: 'write', verb: 'INSERT' });
    expect(classify('create temp table t (a)')).toEqual({ kind: 'create_table', verb: 'CREATE TABLE' });
  });

  it('a CTE named like a keyword SQLite accepts as a name (replace) does not change the kind', () => {
    // `WITH replace AS (SELECT 1) SELECT * FROM replace` is valid SQLite and only reads.
    expect(kindOf('WITH replace AS (SELECT 1) SELECT * FROM replace')).toBe('read');
  });
});

describe('classify: denied whatever the tool', () => {
  table([
    // Explaining anything but a read
    ['EXPLAIN DELETE FROM t', 'denied'],
    ['EXPLAIN QUERY PLAN INSERT INTO t VALUES (1)', 'denied'],
    ['EXPLAIN QUERY PLAN WITH x AS (SELECT 1) DELETE FROM t', 'denied'],
    ['EXPLAIN PRAGMA query_only = 0', 'denied'],
    ['EXPLAIN QUERY PLAN PRAGMA query_only = 0', 'denied'],
    ['EXPLAIN PRAGMA writable_schema = ON', 'denied'],
    ["EXPLAIN ATTACH ':memory:' AS m", 'denied'],
    ["EXPLAIN VACUUM INTO '/tmp/x.db'", 'denied'],
    ['EXPLAIN CREATE TABLE t (a)', 'denied'],
    ['EXPLAIN', 'denied'],
    ['EXPLAIN QUERY PLAN', 'denied'],
    // DDL other than CREATE TABLE
    ['CREATE INDEX i ON t(a)', 'denied'],
    ['CREATE UNIQUE INDEX i ON t(a)', 'denied'],
    ['CREATE VIEW v AS SELECT 1', 'denied'],
    ['CREATE TEMP VIEW v AS SELECT 1', 'denied'],
    ['CREATE TRIGGER tr AFTER INSERT ON t BEGIN', 'denied'],
    ['CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN', 'denied'],
    ['CREATE VIRTUAL TABLE f USING fts5(a)', 'denied'],
    ['DROP TABLE t', 'denied'],
    ['DROP VIEW v', 'denied'],
    ['ALTER TABLE t ADD COLUMN b', 'denied'],
    ['ALTER TABLE t RENAME TO u', 'denied'],
    // Connection and file
    ["ATTACH ':memory:' AS m", 'denied'],
    ["ATTACH DATABASE '/tmp/other.db' AS o", 'denied'],
    ['DETACH m', 'denied'],
    ['DETACH DATABASE m', 'denied'],
    ['VACUUM', 'denied'],
    ["VACUUM INTO '/tmp/x.db'", 'denied'],
    ["VACUUM main INTO '/tmp/x.db'", 'denied'],
    ['ANALYZE', 'denied'],
    ['REINDEX', 'denied'],
    // Transaction control
    ['BEGIN', 'denied'],
    ['BEGIN IMMEDIATE TRANSACTION', 'denied'],
    ['COMMIT', 'denied'],
    ['END', 'denied'],
    ['ROLLBACK', 'denied'],
    ['SAVEPOINT a', 'denied'],
    ['RELEASE a', 'denied'],
    // Anything unknown
    ['FOO BAR', 'denied'],
    ["'SELECT'", 'denied'],
    ['"SELECT" 1', 'denied'],
    ['(SELECT 1)', 'denied'],
    ['WITH x AS (SELECT 1)', 'denied'],
  ]);

  it('a whole CREATE TRIGGER is refused too (the semicolons of its body count as statement ends)', () => {
    for (const sql of ['CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t; END', 'CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;']) {
      expect(() => classify(sql), sql).toThrow(SqlRejected);
    }
  });

  it('explains why, naming the verb', () => {
    expect(classify("ATTACH ':memory:' AS m")).toMatchObject({ kind: 'denied', verb: 'ATTACH', reason: expect.stringContaining('another database') });
    expect(classify('CREATE INDEX i ON t(a)')).toMatchObject({ kind: 'denied', verb: 'CREATE INDEX', reason: expect.stringContaining('only CREATE TABLE') });
    expect(classify('EXPLAIN DELETE FROM t')).toMatchObject({ kind: 'denied', verb: 'EXPLAIN DELETE' });
    expect(classify('BEGIN')).toMatchObject({ kind: 'denied', reason: expect.stringContaining('transaction control') });
  });

  it('refuses the table-valued pragma that runs ANALYZE (pragma_optimize), however it is named', () => {
    // `SELECT * FROM pragma_optimize` runs ANALYZE: it creates sqlite_stat1 when writes are on.
    for (const sql of [
      'SELECT * FROM pragma_optimize',
      'SELECT * FROM pragma_optimize(0x10002)',
      'SELECT * FROM main.pragma_optimize',
      'SELECT * FROM "PRAGMA_OPTIMIZE"',
      'SELECT * FROM [pragma_optimize]',
      "SELECT * FROM 'pragma_optimize'",
      "INSERT INTO t SELECT 1 FROM pragma_optimize",
      'CREATE TABLE t AS SELECT * FROM pragma_optimize',
    ]) {
      expect(kindOf(sql), sql).toBe('denied');
    }
  });
});

describe('classify: pragmas', () => {
  table([
    ['PRAGMA table_info(customers)', 'read'],
    ['PRAGMA table_info("customers")', 'read'],
    ["PRAGMA table_info('customers')", 'read'],
    ['PRAGMA main.table_info(customers)', 'read'],
    ['pragma TABLE_XINFO(t)', 'read'],
    ['PRAGMA table_list', 'read'],
    ['PRAGMA index_list(t)', 'read'],
    ['PRAGMA index_info(i)', 'read'],
    ['PRAGMA foreign_key_list(t)', 'read'],
    ['PRAGMA foreign_key_check', 'read'],
    ['PRAGMA integrity_check', 'read'],
    ['PRAGMA quick_check(10)', 'read'],
    ['PRAGMA compile_options', 'read'],
    ['PRAGMA function_list', 'read'],
    ['PRAGMA table_info(t);', 'read'],
    // Setting anything, or a pragma outside the allowlist
    ['PRAGMA query_only = 0', 'denied'],
    ['PRAGMA query_only=OFF', 'denied'],
    ['PRAGMA query_only = false', 'denied'],
    ['PRAGMA query_only(0)', 'denied'],
    ['PRAGMA query_only', 'denied'],
    ['PRAGMA "query_only" = 0', 'denied'],
    ["PRAGMA 'query_only'(0)", 'denied'],
    ['PRAGMA writable_schema = ON', 'denied'],
    ['PRAGMA writable_schema=1', 'denied'],
    ['PRAGMA main.writable_schema=1', 'denied'],
    ['PRAGMA main.writable_schema(1)', 'denied'],
    ['PRAGMA trusted_schema = ON', 'denied'],
    ['PRAGMA journal_mode = WAL', 'denied'],
    ['PRAGMA main.journal_mode = DELETE', 'denied'],
    ['PRAGMA foreign_keys = OFF', 'denied'],
    ['PRAGMA user_version = 7', 'denied'],
    ['PRAGMA optimize', 'denied'],
    ['PRAGMA incremental_vacuum', 'denied'],
    ['PRAGMA table_info = t', 'denied'],
    ['PRAGMA main.table_info = t', 'denied'],
    ['PRAGMA table_info t', 'denied'],
    ['PRAGMA', 'denied'],
  ]);

  it('names the pragma in the verb', () => {
    expect(classify('PRAGMA main.writable_schema=1')).toMatchObject({ kind: 'denied', verb: 'PRAGMA writable_schema', reason: expect.stringContaining('setting pragmas') });
    expect(classify('PRAGMA query_only(0)')).toMatchObject({ kind: 'denied', verb: 'PRAGMA query_only', reason: expect.stringContaining('only introspection pragmas') });
  });
});

describe('classify: lexing cannot split or disguise a statement', () => {
  table([
    ["SELECT 'a; DELETE FROM t'", 'read'],
    ["SELECT 'COMMIT; DROP TABLE t; --'", 'read'],
    ["SELECT 'it''s; DROP TABLE t'", 'read'],
    ['SELECT "a; DROP TABLE t" FROM t', 'read'],
    ['SELECT `a; DROP TABLE t` FROM t', 'read'],
    ['SELECT [a; DROP TABLE t] FROM t', 'read'],
    ['SELECT 1 -- ; DROP TABLE t', 'read'],
    ['SELECT 1 /* ; DROP TABLE t; */', 'read'],
    ['SELECT 1 /* ; DROP TABLE t', 'read'],
    ["SELECT x'3b'", 'read'],
    // A comment hiding a keyword: the real keyword decides
    ['/* SELECT */ DELETE FROM t', 'write'],
    ['-- SELECT\nDELETE FROM t', 'write'],
    ['/* SELECT */ PRAGMA query_only = 0', 'denied'],
    ['-- SELECT 1\nATTACH \':memory:\' AS m', 'denied'],
    ['/* x */ /* y */ -- z\n SELECT 1', 'read'],
    ['SELECT/**/1', 'read'],
    ["WITH x AS (SELECT ') SELECT (' AS a) DELETE FROM t", 'write'],
    ['WITH x AS (SELECT 1) /* SELECT */ DELETE FROM t', 'write'],
    ['WITH x AS (SELECT 1) -- SELECT\nUPDATE t SET a = 1', 'write'],
    ['WITH "select" AS (SELECT 1) DELETE FROM t', 'write'],
    ['WITH [values] AS (SELECT 1) INSERT INTO t SELECT * FROM [values]', 'write'],
    // Strings and quoted names whose text is a keyword are not keywords
    ["'DELETE' ", 'denied'],
    ['"PRAGMA" query_only = 0', 'denied'],
    // A trailing semicolon and trailing comments are fine
    ['SELECT 1;', 'read'],
    ['SELECT 1;   ', 'read'],
    ['SELECT 1; -- done', 'read'],
    ['SELECT 1; /* done */', 'read'],
    ['SELECT 1 -- done\n;', 'read'],
    ['DELETE FROM t;', 'write'],
  ]);

  it.each([
    'SELECT 1; SELECT 2',
    'SELECT 1;;SELECT 2',
    'SELECT 1; DROP TABLE t',
    'SELECT 1; PRAGMA query_only = 0',
    'PRAGMA query_only = 0; SELECT 1',
    'BEGIN; DELETE FROM t',
    'COMMIT; DROP TABLE t',
    "SELECT '/*'; DELETE FROM t -- */",
    'SELECT "--"; DELETE FROM t',
    'SELECT 1 /* a */; /* b */ DELETE FROM t',
    'SELECT 1 -- a\n; DELETE FROM t',
    "SELECT 1;\u00a0DELETE FROM t",
    'EXPLAIN SELECT 1; PRAGMA query_only = 0',
  ])('two statements throw SqlRejected: %j', (sql) => {
    expect(() => classify(sql)).toThrow(SqlRejected);
    expect(() => classify(sql)).toThrow(/Exactly one statement per call is allowed; this text has \d+/);
  });

  it.each(['', '   ', '\n\t', ';', ';;', '-- only a comment', '/* only */', '/* a */ ; -- b'])('empty text throws SqlRejected: %j', (sql) => {
    expect(() => classify(sql)).toThrow(SqlRejected);
    expect(() => classify(sql)).toThrow(/empty/);
  });

  it.each([`SELECT 'abc`, `SELECT 'a'; SELECT 'b`, 'SELECT "abc', 'SELECT [abc', "SELECT 1 WHERE 'x' = 'y"])('unterminated strings throw SqlRejected: %j', (sql) => {
    expect(() => classify(sql)).toThrow(SqlRejected);
    expect(() => classify(sql)).toThrow(/Unterminated/);
  });

  it('SqlRejected is an Error with its own name', () => {
    let caught: unknown;
    try {
      classify('SELECT 1; SELECT 2');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('SqlRejected');
  });
});
