import { connectInProcess, dataOf, noteOf, textOf } from '@org/mcp-core/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connector } from '../src/server.js';
import { backendsWith, createDatabase, createRole, withClient, type TestDatabase, type TestRole } from './pg-server.js';

const pg = inject('pg');
type Session = Awaited<ReturnType<typeof connectInProcess>>;

const FIXTURE = `
CREATE SCHEMA sales;
COMMENT ON SCHEMA sales IS 'Orders and customers';
CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE, country char(2) DEFAULT 'US');
COMMENT ON TABLE public.customers IS 'People who buy';
COMMENT ON COLUMN public.customers.email IS 'Contact address';
CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES public.customers(id), total numeric(12,2) CHECK (total >= 0), placed_at timestamptz NOT NULL, meta jsonb, receipt bytea);
CREATE INDEX orders_customer ON sales.orders (customer_id);
CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE total > 100;
CREATE TABLE public.secrets (k text);
INSERT INTO public.customers VALUES (1, 'Ada', 'ada@example.com', 'GB'), (2, 'Linus', 'linus@example.com', 'FI'), (3, 'Grace', NULL, 'US');
INSERT INTO sales.orders VALUES
  (9007199254740993, 1, 150.25, '2025-03-01 10:00:00+00', '{"gift": true, "tags": ["a"]}', '\\x00ff10'),
  (2, 1, 20.00, '2025-03-02 11:30:00+00', NULL, NULL),
  (3, 2, 99.99, '2025-03-03 12:00:00+00', '{"gift": false}', NULL);
INSERT INTO public.secrets VALUES ('s3cr3t');
ANALYZE;
`;

let db: TestDatabase;
let reader: TestRole;
beforeAll(async () => {
  db = await createDatabase(pg.adminUrl, 'tools');
  await withClient(db.url, (c) => c.query(FIXTURE));
  reader = await createRole(db.url, {
    name: 'reader',
    grants: [`CONNECT ON DATABASE ${db.name}`, 'USAGE ON SCHEMA public, sales', 'SELECT ON ALL TABLES IN SCHEMA public, sales'],
  });
});
afterAll(async () => {
  await reader?.drop();
  await db?.drop();
});

const open = (argv: string[] = [], url = reader.url) => connectInProcess(connector, [url, ...argv]);

describe('as a least-privilege role', () => {
  let s: Session;
  beforeAll(async () => {
    s = await open(['--max-rows', '2', '--timeout', '1s']);
  });
  afterAll(() => s.close());

  it('lists the tools, all read-only', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['query', 'list_schemas', 'list_tables', 'describe_table', 'explain']);
    for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(true);
  });

  it('query: rows, params, and the types a model can use', async () => {
    const r = await s.call('query', { sql: 'SELECT id, total, placed_at, meta, receipt FROM sales.orders WHERE customer_id = $1 ORDER BY placed_at', params: [1] });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toEqual({
      columns: ['id', 'total', 'placed_at', 'meta', 'receipt'],
      rows: [
        ['9007199254740993', '150.25', '2025-03-01 10:00:00+00', { gift: true, tags: ['a'] }, { $blob: 'AP8Q', bytes: 3 }],
        [2, '20.00', '2025-03-02 11:30:00+00', null, null],
      ],
      rowCount: 2,
      truncated: false,
    });
    // The audit's bytes come from the count made while reading (no second serialization).
    const exact = Buffer.byteLength(textOf(r)) + Buffer.byteLength(JSON.stringify(r.structuredContent));
    expect(Math.abs(s.audit().at(-1)!.bytes - exact)).toBeLessThanOrEqual(16);
  });

  it('query: cuts at --max-rows and says so', async () => {
    const r = await s.call('query', { sql: 'SELECT id FROM public.customers ORDER BY id' });
    expect(r.structuredContent).toMatchObject({ rowCount: 2, truncated: true });
    expect(textOf(r)).toContain('cut at the row limit (2)');
    expect(s.audit().at(-1)).toMatchObject({ tool: 'query', rows: 2, truncated: true, outcome: 'ok' });
  });

  it('query: layer 1 refuses writes and escapes with a message, and the audit records it', async () => {
    const r = await s.call('query', { sql: 'COMMIT; DROP TABLE public.customers' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/one statement/i);
    const w = await s.call('query', { sql: "SELECT * FROM pg_read_file('/etc/passwd')" });
    expect(w.isError).toBe(true);
    expect(textOf(w)).toMatch(/pg_read_file/);
    expect(s.audit().at(-1)).toMatchObject({ outcome: 'error', errorCode: 'denied' });
  });

  it('query: a refused statement stays refused when sent again (verdicts are cached per text)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await s.call('query', { sql: "SELECT pg_read_file('/etc/passwd')" });
      expect(r.isError, `attempt ${i}`).toBe(true);
      expect(textOf(r)).toMatch(/pg_read_file/);
    }
    for (let i = 0; i < 3; i++) expect((await s.call('query', { sql: 'SELECT $1::int AS n', params: [i] })).structuredContent).toMatchObject({ rows: [[i]] });
  });

  it('query: SQL errors point at the problem', async () => {
    const r = await s.call('query', { sql: 'SELECT nope FROM public.customers' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/column "nope" does not exist/);
    const p = await s.call('query', { sql: 'SELECT * FROM public.secrets_missing' });
    expect(textOf(p)).toMatch(/does not exist/);
  });

  it('query: a runaway statement is ended at the timeout and the pool recovers', async () => {
    const started = performance.now();
    const r = await s.call('query', { sql: 'SELECT count(*) FROM generate_series(1, 10000000000) AS g' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/did not finish within 1s|time limit/);
    expect(performance.now() - started).toBeLessThan(3000);
    await expect.poll(() => backendsWith(pg.adminUrl, 'generate_series(1, 10000000000)', { active: true }), { timeout: 3000 }).toBe(0);
    expect((await s.call('query', { sql: 'SELECT 1 AS one' })).structuredContent).toMatchObject({ rows: [[1]] });
  });

  it('list_schemas and list_tables', async () => {
    const schemas = await s.call('list_schemas');
    expect(schemas.structuredContent).toEqual({ schemas: [{ schema: 'public', relations: 2, comment: 'standard public schema' }, { schema: 'sales', relations: 2, comment: 'Orders and customers' }] });
    const all = await s.call('list_tables');
    expect((all.structuredContent as { tables: Array<{ schema: string; name: string; type: string }> }).tables.map((t) => `${t.schema}.${t.name}:${t.type}`)).toEqual([
      'public.customers:table',
      'public.secrets:table',
      'sales.big_orders:view',
      'sales.orders:table',
    ]);
    const sales = await s.call('list_tables', { schema: 'sales' });
    expect(textOf(sales)).toContain('sales.orders (table, ~3 rows)');
  });

  it('describe_table: columns, keys, constraints, indexes, comments', async () => {
    const r = await s.call('describe_table', { schema: 'sales', table: 'orders' });
    const d = r.structuredContent as { primaryKey: string[]; foreignKeys: Array<{ definition: string }>; constraints: Array<{ kind: string }>; indexes: Array<{ name: string }>; columns: Array<{ name: string; type: string; notNull: boolean }> };
    expect(d.primaryKey).toEqual(['id']);
    expect(d.columns.find((c) => c.name === 'total')).toMatchObject({ type: 'numeric(12,2)', notNull: false });
    expect(d.foreignKeys[0]!.definition).toBe('FOREIGN KEY (customer_id) REFERENCES customers(id)');
    expect(d.constraints.map((c) => c.kind)).toContain('check');
    expect(d.indexes.map((i) => i.name).sort()).toEqual(['orders_customer', 'orders_pkey']);
    const c = await s.call('describe_table', { table: 'customers' });
    expect(textOf(c)).toContain('email text — Contact address');
    expect(textOf(c)).toContain("country character(2) DEFAULT 'US'::bpchar");
    const missing = await s.call('describe_table', { schema: 'sales', table: 'nope' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('Call list_tables');
  });

  it('explain: the plan, and ANALYZE only for a plain SELECT', async () => {
    const r = await s.call('explain', { sql: 'SELECT * FROM sales.orders WHERE customer_id = $1', params: [1] });
    expect(textOf(r)).toMatch(/Scan/);
    const a = await s.call('explain', { sql: 'SELECT count(*) FROM public.customers', analyze: true });
    expect(textOf(a)).toMatch(/actual time/);
    const bad = await s.call('explain', { sql: 'DELETE FROM public.customers', analyze: true });
    expect(bad.isError).toBe(true);
  });

  it('resources: an overview and one per table in every schema', async () => {
    const { resources } = await s.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['postgres://overview', 'postgres://tables/public/customers', 'postgres://tables/public/secrets', 'postgres://tables/sales/big_orders', 'postgres://tables/sales/orders']);
    const o = await s.client.readResource({ uri: 'postgres://overview' });
    expect(o.contents[0]).toMatchObject({ text: expect.stringContaining(`- role: ${reader.name}`) });
    const t = await s.client.readResource({ uri: 'postgres://tables/sales/orders' });
    expect(t.contents[0]).toMatchObject({ text: expect.stringContaining('placed_at timestamp with time zone NOT NULL') });
  });

  it('prompts: explore_schema and write_safe_query', async () => {
    const { prompts } = await s.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['explore_schema', 'write_safe_query']);
    const p = await s.client.getPrompt({ name: 'write_safe_query', arguments: { question: 'best customers' } });
    expect(p.messages[0]).toMatchObject({ content: { text: expect.stringContaining('best customers') } });
  });
});

describe('personal data and untrusted content', () => {
  it('masks personal data by default and fences the rows as data, with the row count after the fence', async () => {
    const s = await open();
    try {
      const r = await s.call('query', { sql: "SELECT name, email, '123-45-6789' AS ssn FROM public.customers WHERE id <= 2 ORDER BY id" });
      expect(r.structuredContent).toMatchObject({ rows: [['Ada', '[REDACTED:email]', '[REDACTED:ssn]'], ['Linus', '[REDACTED:email]', '[REDACTED:ssn]']] });
      expect(textOf(r)).toMatch(/^The result from PostgreSQL is between the <data-[0-9a-f]{12}>/);
      expect(dataOf(r)).toBe('name | email | ssn\nAda | [REDACTED:email] | [REDACTED:ssn]\nLinus | [REDACTED:email] | [REDACTED:ssn]');
      expect(noteOf(r)).toBe('(2 rows)');
      // Two SSNs in the rows and one in the recorded SQL: the literal was personal data too.
      expect(s.audit().at(-1)).toMatchObject({ masked: { email: 2, ssn: 3 } });
      expect(JSON.stringify(s.audit().at(-1)!.arguments)).not.toContain('123-45-6789');
    } finally {
      await s.close();
    }
  });

  it('column rules and hashing work on query results; describe_table keeps its column names', async () => {
    const s = await open(['--hash-columns', 'email', '--drop-columns', 'country', '--mask-salt', 'pepper-xyz']);
    try {
      const r = await s.call('query', { sql: 'SELECT id, email, country FROM public.customers ORDER BY id' });
      const rows = (r.structuredContent as { columns: string[]; rows: unknown[][] }).rows;
      expect((r.structuredContent as { columns: string[] }).columns).toEqual(['id', 'email']);
      expect(rows[0]![1]).toMatch(/^hash:[0-9a-f]{16}$/);
      expect(rows[2]![1]).toBeNull();
      const d = await s.call('describe_table', { table: 'customers' });
      expect(JSON.stringify(d.structuredContent)).toContain('"email"');
      expect(JSON.stringify(d.structuredContent)).toContain('"country"');
    } finally {
      await s.close();
    }
  });

  it('removes invisible and bidi-control characters a row could hide instructions in', async () => {
    const s = await open();
    try {
      const r = await s.call('query', { sql: "SELECT 'ig' || chr(8203) || 'nore' || chr(8238) AS v, chr(917577) || chr(917591) AS tags" });
      expect(r.structuredContent).toMatchObject({ rows: [['ignore', '']] });
      expect(s.audit().at(-1)).toMatchObject({ hiddenCharacters: 4 });
    } finally {
      await s.close();
    }
  });
});

describe('the byte cap', () => {
  it('cuts a result so its structured JSON stays within --max-bytes, and says so', async () => {
    const s = await open(['--max-bytes', '16kb']);
    try {
      const r = await s.call('query', { sql: "SELECT g AS n, repeat('x', 200) AS pad FROM generate_series(1, 500) AS g" });
      const sc = r.structuredContent as { rowCount: number; truncated: boolean };
      expect(sc.truncated).toBe(true);
      expect(sc.rowCount).toBeGreaterThan(50);
      expect(JSON.stringify(r.structuredContent).length).toBeLessThanOrEqual(16 * 1024);
      expect(textOf(r)).toContain('the size limit');
    } finally {
      await s.close();
    }
  });
});

describe('the byte cap on wide rows', () => {
  it('stops the statement on the server once --max-bytes is reached, instead of reading rows only to drop them', async () => {
    // Up to 1,001 rows of 16 MB (16 GB) would be sent; the cap keeps 2 of them.
    const s = await open(['--max-bytes', '40mb', '--timeout', '120s']);
    try {
      const marker = 'wide_rows_marker';
      const started = performance.now();
      const r = await s.call('query', { sql: `SELECT g AS ${marker}, repeat('x', 16000000) AS big FROM generate_series(1, 100000) g` });
      const elapsed = performance.now() - started;
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ rowCount: 2, truncated: true });
      expect(textOf(r)).toContain('cut at the size limit');
      // Generous: reading the 16 GB takes over 20 s here; stopping takes well under a second.
      expect(elapsed).toBeLessThan(8_000);
      await expect
        .poll(() => backendsWith(pg.adminUrl, marker), { timeout: 5_000 })
        .toBe(0);
      expect((await s.call('query', { sql: 'SELECT 1 AS one' })).structuredContent).toMatchObject({ rows: [[1]] });
      expect(s.audit().at(-2)).toMatchObject({ outcome: 'ok', rows: 2, truncated: true });
    } finally {
      await s.close();
    }
  });
});

describe('allowlists', () => {
  it('--schemas and --tables limit what is listed and queried, naming the refused relation', async () => {
    const s = await open(['--schemas', 'sales', '--tables', 'orders']);
    try {
      expect((await s.call('list_schemas')).structuredContent).toEqual({ schemas: [{ schema: 'sales', relations: 2, comment: 'Orders and customers' }] });
      expect((await s.call('list_tables')).structuredContent).toMatchObject({ tables: [expect.objectContaining({ schema: 'sales', name: 'orders' })] });
      expect((await s.call('query', { sql: 'SELECT count(*) FROM sales.orders' })).structuredContent).toMatchObject({ rows: [[3]] });
      const r = await s.call('query', { sql: 'SELECT * FROM public.secrets' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain('secrets');
      const d = await s.call('describe_table', { schema: 'public', table: 'secrets' });
      expect(d.isError).toBe(true);
      const { resources } = await s.client.listResources();
      expect(resources.map((x) => x.uri)).toEqual(['postgres://overview', 'postgres://tables/sales/orders']);
      await expect(s.client.readResource({ uri: 'postgres://tables/public/secrets' })).rejects.toThrow(/^MCP error -32002: No table or view "public"."secrets" is visible/);
      const e = await s.call('explain', { sql: 'SELECT * FROM public.customers' });
      expect(e.isError).toBe(true);
      expect(textOf(e)).toContain('customers');
      // sales.big_orders is in an allowed schema but not in --tables.
      expect(textOf(await s.call('query', { sql: 'SELECT * FROM sales.big_orders' }))).toContain('big_orders');
    } finally {
      await s.close();
    }
  });
});

describe('the role check (layer 4)', () => {
  it('refuses a superuser unless --allow-privileged-role', async () => {
    const s = await open([], db.url);
    try {
      const r = await s.call('query', { sql: 'SELECT 1' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/refuses to run: the database role ".*" is a superuser.*--allow-privileged-role/);
      expect((await s.call('list_tables')).isError).toBe(true);
    } finally {
      await s.close();
    }
    const allowed = await open(['--allow-privileged-role'], db.url);
    try {
      expect((await allowed.call('query', { sql: 'SELECT 1 AS one' })).structuredContent).toMatchObject({ rows: [[1]] });
      expect(allowed.logs().some((l) => l.msg === 'running as a privileged role (--allow-privileged-role)')).toBe(true);
    } finally {
      await allowed.close();
    }
  });

  it('never shows the password: not in logs, audit events or errors', async () => {
    const s = await open([], reader.url.replace(reader.password, 'wrong-password-xyz'));
    try {
      const r = await s.call('query', { sql: 'SELECT 1' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/Cannot connect to PostgreSQL: password authentication failed/);
      const everything = JSON.stringify([r, s.logs(), s.audit()]);
      expect(everything).not.toContain('wrong-password-xyz');
    } finally {
      await s.close();
    }
  });
});

describe('faults', () => {
  it('connections killed mid-session: at most one call fails, with a clear error, and the next call reconnects', async () => {
    const s = await open(['--pool-size', '4']);
    try {
      // Several pooled connections, all idle, then all killed by the server.
      await Promise.all([1, 2, 3, 4].map((n) => s.call('query', { sql: `SELECT ${n} AS n, count(*) FROM generate_series(1, 200000)` })));
      await withClient(pg.adminUrl, (c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [reader.name]));
      const failed = await s.call('query', { sql: 'SELECT 2 AS two' });
      if (failed.isError) expect(textOf(failed)).toMatch(/^(The connection to PostgreSQL was lost|The database connection failed)/);
      for (const n of [3, 4, 5]) expect((await s.call('query', { sql: `SELECT ${n} AS n` })).structuredContent, `call ${n}`).toMatchObject({ rows: [[n]] });
    } finally {
      await s.close();
    }
  });

  it('bad URLs stop the start with one line', async () => {
    await expect(connectInProcess(connector, [])).rejects.toThrow(/No database URL given/);
    await expect(connectInProcess(connector, ['mysql://x/y'])).rejects.toThrow(/must start with postgresql:\/\//);
    await expect(connectInProcess(connector, [reader.url, '--ssl-ca', '/nope.pem'])).rejects.toThrow(/--ssl-ca is used only with --sslmode verify-ca or verify-full/);
    await expect(connectInProcess(connector, [reader.url, '--sslmode', 'verify-full', '--ssl-ca', '/nope.pem'])).rejects.toThrow(/Cannot read --ssl-ca file/);
  });
});

describe('first calls', () => {
  it('explain works as the first call of a session (the parser loads on demand)', async () => {
    const s = await open();
    try {
      const r = await s.call('explain', { sql: 'SELECT * FROM public.customers WHERE id = 1' });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(textOf(r)).toMatch(/Scan/);
    } finally {
      await s.close();
    }
  });
});
