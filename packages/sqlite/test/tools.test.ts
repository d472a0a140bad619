import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connect, dataOf, makeDatabase, noteOf, SHOP_SQL, textOf, userAgrees } from './helpers.js';

type Session = Awaited<ReturnType<typeof connect>>;
const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

describe('read-only session', () => {
  const db = makeDatabase(`${SHOP_SQL}
    CREATE TABLE kinds (id INTEGER PRIMARY KEY, big INTEGER, small INTEGER, blob BLOB, real REAL, txt TEXT);
    INSERT INTO kinds VALUES (1, 9223372036854775807, 42, x'00ff10', 1.5, 'multi\nline'), (2, -9007199254740993, -1, NULL, NULL, NULL);
    CREATE TABLE many (n INTEGER PRIMARY KEY, pad TEXT);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2500) INSERT INTO many SELECT x, printf('%.1000c', 'x') FROM c;`);
  let s: Session;
  beforeAll(async () => {
    s = await connect([db.file, '--max-rows', '100', '--max-bytes', '64kb', '--timeout', '1s']);
  });
  afterAll(async () => {
    await s.close();
    db.cleanup();
  });

  it('lists only read tools, with annotations and schemas', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_tables', 'describe_table', 'read_query', 'explain_query', 'append_insight']);
    for (const t of tools) {
      expect(t.annotations?.readOnlyHint).toBe(true);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
    }
  });

  it('list_tables: tables with row counts, views without', async () => {
    const r = await s.call('list_tables');
    expect(r.structuredContent).toEqual({
      tables: [
        { name: 'big_orders', type: 'view', rows: null },
        { name: 'customers', type: 'table', rows: 3 },
        { name: 'kinds', type: 'table', rows: 2 },
        { name: 'many', type: 'table', rows: 2500 },
        { name: 'orders', type: 'table', rows: 4 },
      ],
    });
    expect(textOf(r)).toContain('customers (table, 3 rows)');
  });

  it('describe_table: columns, keys and indexes', async () => {
    const r = await s.call('describe_table', { table: 'orders' });
    const d = r.structuredContent as { columns: Array<{ name: string; primaryKey: number; notNull: boolean }>; foreignKeys: unknown[]; indexes: Array<{ name: string; columns: string[] }> };
    expect(d.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'total', 'note']);
    expect(d.columns[0]!.primaryKey).toBe(1);
    expect(d.columns[1]!.notNull).toBe(true);
    expect(d.foreignKeys).toEqual([{ columns: ['customer_id'], table: 'customers', to: ['id'], onUpdate: 'NO ACTION', onDelete: 'CASCADE' }]);
    expect(d.indexes).toContainEqual(expect.objectContaining({ name: 'orders_customer', columns: ['customer_id'], unique: false }));
    expect(textOf(r)).toContain('(customer_id) -> customers(id)');
  });

  it('describe_table binds the name: an injection attempt is just an unknown table', async () => {
    const r = await s.call('describe_table', { table: `customers'); DROP TABLE orders; --` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/No table or view named .* Known tables: big_orders, customers, kinds, many, orders\./);
    expect((await s.call('list_tables')).structuredContent).toMatchObject({ tables: expect.arrayContaining([expect.objectContaining({ name: 'orders' })]) });
  });

  it('read_query: rows and bound params', async () => {
    const pos = await s.call('read_query', { sql: 'SELECT id, name FROM customers WHERE country = ? OR id = ? ORDER BY id', params: ['FI', 1] });
    expect(pos.structuredContent).toMatchObject({ columns: ['id', 'name'], rows: [[1, 'Ada'], [2, 'Linus']], rowCount: 2, truncated: false });
    const one = await s.call('read_query', { sql: 'SELECT name FROM customers WHERE id = ? AND ?', params: [3, true] });
    expect(one.structuredContent).toMatchObject({ rows: [['Grace']] });
    expect(dataOf(one)).toBe('name\nGrace');
    expect(noteOf(one)).toBe('(1 row)');
    const missing = await s.call('read_query', { sql: 'SELECT name FROM customers WHERE id = ?' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/Too few parameter values were provided/);
  });

  it('read_query: 64-bit integers without loss, BLOBs as base64 with a marker', async () => {
    const r = await s.call('read_query', { sql: 'SELECT big, small, blob, real, txt FROM kinds ORDER BY id' });
    expect((r.structuredContent as { rows: unknown[][] }).rows).toEqual([
      ['9223372036854775807', 42, { $blob: 'AP8Q', bytes: 3 }, 1.5, 'multi\nline'],
      ['-9007199254740993', -1, null, null, null],
    ]);
    expect(textOf(r)).toContain('multi\\nline');
  });

  it('read_query: cuts at --max-rows and reports the full count', async () => {
    const r = await s.call('read_query', { sql: 'SELECT n FROM many ORDER BY n' });
    expect(r.structuredContent).toMatchObject({ rowCount: 100, truncated: true, totalRows: 2500 });
    expect(textOf(r)).toContain('(100 of 2500 rows; cut at the row limit (100)');
    const [event] = s.audit().slice(-1);
    expect(event).toMatchObject({ tool: 'read_query', outcome: 'ok', rows: 100, truncated: true });
  });

  it('read_query: cuts at --max-bytes', async () => {
    const r = await s.call('read_query', { sql: 'SELECT n, pad FROM many WHERE n <= 90' });
    const sc = r.structuredContent as { rowCount: number; truncated: boolean };
    expect(sc.truncated).toBe(true);
    expect(sc.rowCount).toBeGreaterThan(100 / 3);
    expect(sc.rowCount).toBeLessThan(90);
    expect(JSON.stringify(r.structuredContent).length).toBeLessThanOrEqual(64 * 1024);
    expect(textOf(r)).toContain('the size limit');
  });

  it('read_query: SQL errors are actionable, never stack traces', async () => {
    const r = await s.call('read_query', { sql: 'SELECT nope FROM customers' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^SQLite could not prepare the statement: no such column: nope\. Check the SQL/);
    expect(textOf(r)).not.toMatch(/\n\s+at /);
    expect(s.audit().at(-1)).toMatchObject({ outcome: 'error', errorCode: 'invalid_input' });
  });

  it('read_query: invalid arguments are refused before anything runs', async () => {
    const r = await s.call('read_query', { sql: 42 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toBe('Invalid arguments for read_query: sql: expected string, received number. Check the tool\'s input schema and call it again.');
    const p = await s.call('read_query', { sql: 'SELECT ?', params: '[1]' });
    expect(textOf(p)).toContain('params: expected array, received string');
    expect(s.audit().at(-1)).toMatchObject({ decision: 'deny:invalid_arguments' });
  });

  it('a runaway query is ended at the timeout without blocking other calls, and the next call works', async () => {
    const started = performance.now();
    const runaway = s.call('read_query', { sql: RUNAWAY });
    let runawayEnded = false;
    void runaway.then(() => (runawayEnded = true));
    // While it spins, other calls are served by another engine process: the quick call is
    // answered before the runaway is stopped, however slow the machine is to start that engine.
    const quick = await s.call('read_query', { sql: 'SELECT count(*) AS n FROM customers' });
    expect(quick.structuredContent).toMatchObject({ rows: [[3]] });
    expect(runawayEnded).toBe(false);
    const r = await runaway;
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('did not finish within 1s and was stopped');
    expect(performance.now() - started).toBeLessThan(3000);
    expect(s.audit().find((e) => e.outcome === 'timeout')).toMatchObject({ tool: 'read_query', errorCode: 'timeout' });
    const after = await s.call('read_query', { sql: 'SELECT 1 AS one' });
    expect(after.structuredContent).toMatchObject({ rows: [[1]] });
  });

  it('a huge allocation is also cut at the timeout', async () => {
    const r = await s.call('read_query', { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT sum(length(randomblob(1000000))) FROM c' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('did not finish within 1s');
  });

  it('a client cancel stops the query', async () => {
    const controller = new AbortController();
    const pending = s.client.callTool({ name: 'read_query', arguments: { sql: RUNAWAY } }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort('user pressed stop'), 100);
    await expect(pending).rejects.toThrow();
    await expect.poll(() => s.audit().some((e) => e.outcome === 'cancelled'), { timeout: 2000 }).toBe(true);
    expect((await s.call('read_query', { sql: 'SELECT 2 AS two' })).structuredContent).toMatchObject({ rows: [[2]] });
  });

  it('explain_query: the plan as a tree, without running the query', async () => {
    const r = await s.call('explain_query', { sql: 'SELECT * FROM orders WHERE customer_id = ?', params: [1] });
    const plan = (r.structuredContent as { plan: Array<{ detail: string }> }).plan;
    expect(plan.some((p) => /USING INDEX orders_customer/.test(p.detail))).toBe(true);
    expect(textOf(r)).toMatch(/SEARCH orders USING INDEX orders_customer/);
    const bad = await s.call('explain_query', { sql: 'DELETE FROM orders' });
    expect(bad.isError).toBe(true);
  });

  it('write tools are hidden and refused with a way to enable them', async () => {
    const r = await s.call('write_query', { sql: "INSERT INTO customers (name) VALUES ('x')" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('--allow-write');
    expect(s.audit().at(-1)).toMatchObject({ tool: 'write_query', decision: 'deny:disabled', outcome: 'denied' });
  });

  it('append_insight fills the memo resource', async () => {
    const before = await s.client.readResource({ uri: 'memo://insights' });
    expect(before.contents[0]).toMatchObject({ text: expect.stringContaining('No insights recorded yet') });
    const r = await s.call('append_insight', { insight: 'Most revenue comes from GB.' });
    expect(r.structuredContent).toEqual({ insights: 1 });
    const after = await s.client.readResource({ uri: 'memo://insights' });
    expect(after.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: expect.stringContaining('- Most revenue comes from GB.') });
  });

  it('resources: the whole schema and one per table', async () => {
    const { resources } = await s.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['sqlite://schema', 'memo://insights', 'sqlite://tables/big_orders', 'sqlite://tables/customers', 'sqlite://tables/kinds', 'sqlite://tables/many', 'sqlite://tables/orders']);
    const { resourceTemplates } = await s.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['sqlite://tables/{table}']);
    const schema = await s.client.readResource({ uri: 'sqlite://schema' });
    expect(schema.contents[0]).toMatchObject({ mimeType: 'text/x-sql', text: expect.stringContaining('CREATE TABLE orders') });
    const table = await s.client.readResource({ uri: 'sqlite://tables/orders' });
    expect(table.contents[0]).toMatchObject({ text: expect.stringContaining('customer_id INTEGER NOT NULL') });
    await expect(s.client.readResource({ uri: 'sqlite://tables/nope' })).rejects.toThrow(/No table or view named "nope"/);
    await expect(s.client.readResource({ uri: 'file:///etc/passwd' })).rejects.toThrow(/Resource not found/);
  });

  it('prompts: explore_data takes an optional topic', async () => {
    const { prompts } = await s.client.listPrompts();
    expect(prompts).toEqual([expect.objectContaining({ name: 'explore_data', arguments: [expect.objectContaining({ name: 'topic', required: false })] })]);
    const p = await s.client.getPrompt({ name: 'explore_data', arguments: { topic: 'repeat customers' } });
    expect(p.messages[0]).toMatchObject({ role: 'user', content: { type: 'text', text: expect.stringContaining('repeat customers') } });
  });

  it('writes exactly one audit event per call', async () => {
    const before = s.audit().length;
    await s.call('list_tables');
    await s.call('read_query', { sql: 'SELECT 1' });
    await s.call('no_such_tool');
    const events = s.audit().slice(before);
    expect(events.map((e) => [e.tool, e.decision, e.outcome])).toEqual([
      ['list_tables', 'allow', 'ok'],
      ['read_query', 'allow', 'ok'],
      ['no_such_tool', 'deny:unknown_tool', 'denied'],
    ]);
    expect(events[1]).toMatchObject({ connector: 'mcp-sqlite', arguments: { sql: 'SELECT 1' }, rows: 1, truncated: false, bytes: expect.any(Number), durationMs: expect.any(Number), principal: expect.stringMatching(/^local/) });
  });
});

describe('write mode', () => {
  const db = makeDatabase(SHOP_SQL);
  let s: Session;
  const changed: string[] = [];
  beforeAll(async () => {
    s = await connect([db.file, '--allow-write', '--principal', 'alice'], {}, userAgrees);
    s.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void changed.push('resources'));
  });
  afterAll(async () => {
    await s.close();
    db.cleanup();
  });

  it('lists write_query as destructive and create_table as a write that destroys nothing', async () => {
    const { tools } = await s.client.listTools();
    const write = tools.find((t) => t.name === 'write_query')!;
    expect(write.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false });
    expect(tools.find((t) => t.name === 'create_table')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
  });

  it('write_query changes data in a transaction and reports it', async () => {
    const r = await s.call('write_query', { sql: 'UPDATE orders SET total = total + 1 WHERE customer_id = ?', params: [1] });
    expect(r.structuredContent).toMatchObject({ changes: 2, columns: [], rows: [] });
    expect(textOf(r)).toBe('2 rows changed.');
    expect(s.audit().at(-1)).toMatchObject({ tool: 'write_query', confirmation: 'elicit', outcome: 'ok' });
    const ins = await s.call('write_query', { sql: "INSERT INTO customers (name, country) VALUES ('Edsger', 'NL') RETURNING id, name" });
    expect(ins.structuredContent).toMatchObject({ columns: ['id', 'name'], rows: [[4, 'Edsger']], rowCount: 1 });
    expect(s.audit().at(-1)).toMatchObject({ tool: 'write_query', principal: 'alice', outcome: 'ok' });
  });

  it('a failing write leaves the file unchanged', async () => {
    const before = db.hash();
    const r = await s.call('write_query', { sql: 'INSERT INTO customers (id, name) VALUES (1, ?)', params: ['dup'] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/UNIQUE constraint failed/);
    expect(db.hash()).toBe(before);
  });

  it('read_query stays read-only in write mode', async () => {
    const before = db.hash();
    const r = await s.call('read_query', { sql: 'DELETE FROM orders' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('Use write_query');
    expect(db.hash()).toBe(before);
  });

  it('create_table creates a table and announces the new resource', async () => {
    const r = await s.call('create_table', { sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)' });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { tables: string[] }).tables).toContain('notes');
    await expect.poll(() => changed.length).toBeGreaterThan(0);
    const { resources } = await s.client.listResources();
    expect(resources.map((x) => x.uri)).toContain('sqlite://tables/notes');
    const bad = await s.call('create_table', { sql: 'CREATE INDEX x ON notes(body)' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('only CREATE TABLE is');
  });
});

describe('config and policy', () => {
  const db = makeDatabase(SHOP_SQL);
  afterAll(() => db.cleanup());

  it('--tools and --exclude-tools shape the tool list', async () => {
    const s = await connect([db.file, '--tools', 'read_query,list_tables', '--exclude-tools', 'list_tables']);
    try {
      expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual(['read_query']);
      const r = await s.call('describe_table', { table: 'orders' });
      expect(textOf(r)).toContain('not in --tools');
    } finally {
      await s.close();
    }
  });

  it('--allow-write does not override --exclude-tools', async () => {
    const s = await connect([db.file, '--allow-write', '--exclude-tools', 'write_query']);
    try {
      expect((await s.client.listTools()).tools.map((t) => t.name)).toContain('create_table');
      expect((await s.client.listTools()).tools.map((t) => t.name)).not.toContain('write_query');
    } finally {
      await s.close();
    }
  });

  it('bad settings are refused at start with the fix', async () => {
    await expect(connect([])).rejects.toThrow(/No database given\. Pass a file path/);
    await expect(connect(['/no/such.db'])).rejects.toThrow(/Database file not found: \/no\/such\.db/);
    await expect(connect([db.file, '--demo'])).rejects.toThrow(/either a database file or --demo/);
    await expect(connect([db.file, '--tools', 'read_qurey'])).rejects.toThrow(/Unknown tool "read_qurey" in --tools\. Known tools: list_tables/);
    await expect(connect([db.file, '--engines', '0'])).rejects.toThrow(/Invalid --engines/);
  });

  it('--engines 1: a call behind a runaway waits for it to be killed, then runs on a fresh engine', async () => {
    const s = await connect([db.file, '--engines', '1', '--timeout', '3s']);
    try {
      const started = performance.now();
      const runaway = s.call('read_query', { sql: RUNAWAY });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // Its own 3 s deadline runs from now (to 5 s); the only engine is busy until the runaway is
      // killed at 3 s, which leaves 2 s for a fresh engine to start even on a loaded machine.
      const q = await s.call('read_query', { sql: 'SELECT count(*) FROM orders' });
      expect(q.isError, textOf(q)).toBeFalsy();
      expect(q.structuredContent).toMatchObject({ rows: [[4]] });
      expect(performance.now() - started).toBeGreaterThanOrEqual(2950);
      expect((await runaway).isError).toBe(true);
      expect(s.runtime.deps.engine.processCount).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('the database path can come from MCP_DATABASE or SQLITE_DATABASE', async () => {
    const envs: Array<Record<string, string>> = [{ MCP_DATABASE: db.file }, { SQLITE_DATABASE: db.file }];
    for (const env of envs) {
      const s = await connect([], env);
      try {
        expect((await s.call('read_query', { sql: 'SELECT count(*) FROM customers' })).structuredContent).toMatchObject({ rows: [[3]] });
      } finally {
        await s.close();
      }
    }
  });

  it('a file that is not a database gives a clear error per call, and the server stays up', async () => {
    const junk = makeDatabase('', 'placeholder.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(junk.file, 'this is not a database, just text '.repeat(200));
    const s = await connect([junk.file]);
    try {
      const r = await s.call('list_tables');
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/file is not a database/);
      expect((await s.call('list_tables')).isError).toBe(true);
    } finally {
      await s.close();
      junk.cleanup();
    }
  });
});

describe('engine faults', () => {
  it('an engine that cannot run gives the model a short error and the log JSON lines, not raw stderr', async () => {
    const db = makeDatabase(SHOP_SQL);
    // The engine inherits the server's environment: a bad option for its Node makes it die at start.
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--max-old-space-size=not-a-number';
    const s = await connect([db.file]);
    try {
      const r = await s.call('list_tables');
      expect(r.isError).toBe(true);
      expect(textOf(r)).toBe('The SQLite engine stopped while running the statement. Try again; if it repeats, simplify the query.');
      await expect.poll(() => s.logs().some((l) => l.msg === 'sqlite engine stderr')).toBe(true);
      expect(s.logs().find((l) => l.msg === 'sqlite engine exited')).toMatchObject({ level: 'warn', code: expect.any(Number) });
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
      await s.close();
      db.cleanup();
    }
  });
});

describe('confirmation before writes', () => {
  const db = makeDatabase(SHOP_SQL);
  afterAll(() => db.cleanup());
  const update = { sql: 'UPDATE orders SET total = total * 2 WHERE customer_id = ?', params: [1] };

  it('without elicitation: the first call only previews, from a rolled-back dry run; the token runs it', async () => {
    const s = await connect([db.file, '--allow-write']);
    try {
      const before = db.hash();
      const first = await s.call('write_query', update);
      expect(first.isError).toBe(true);
      expect(textOf(first)).toContain(`${update.sql}\nwith parameters [1]\n\nA dry run (rolled back) changed 2 rows.`);
      expect(db.hash()).toBe(before);
      const token = /confirmation_token: "([^"]+)"/.exec(textOf(first))![1]!;
      const second = await s.call('write_query', { ...update, confirmation_token: token });
      expect(second.isError).toBeFalsy();
      expect(second.structuredContent).toMatchObject({ changes: 2 });
      expect(db.hash()).not.toBe(before);
      const totals = await s.call('read_query', { sql: 'SELECT total FROM orders WHERE customer_id = 1 ORDER BY id' });
      expect((totals.structuredContent as { rows: unknown[][] }).rows).toEqual([[101], [300]]);
    } finally {
      await s.close();
    }
  });

  it('with elicitation: the user sees the statement and the dry-run count; declining changes nothing', async () => {
    const messages: string[] = [];
    const s = await connect([db.file, '--allow-write'], {}, {
      elicit: (req) => {
        messages.push(req.message);
        return { action: 'decline' };
      },
    });
    try {
      const before = db.hash();
      const r = await s.call('write_query', { sql: 'DELETE FROM orders' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/The user declined write_query; nothing was changed/);
      expect(messages).toEqual(['SQLite wants to run write_query:\n\nDELETE FROM orders\n\nA dry run (rolled back) changed 4 rows.\n\nAllow it?']);
      expect(db.hash()).toBe(before);
    } finally {
      await s.close();
    }
  });

  it('a statement the guard refuses is refused at the preview: no dry run, no token', async () => {
    const s = await connect([db.file, '--allow-write']);
    try {
      const before = db.hash();
      const r = await s.call('write_query', { sql: 'DROP TABLE orders' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).not.toContain('confirmation_token');
      expect(textOf(r)).toMatch(/DROP/);
      expect(db.hash()).toBe(before);
    } finally {
      await s.close();
    }
  });

  it('create_table is a write that destroys nothing: it runs without confirmation', async () => {
    const s = await connect([db.file, '--allow-write']);
    try {
      const r = await s.call('create_table', { sql: 'CREATE TABLE IF NOT EXISTS memo (body TEXT)' });
      expect(r.isError).toBeFalsy();
      expect(s.audit().at(-1)).toMatchObject({ tool: 'create_table', decision: 'allow', outcome: 'ok' });
      expect(s.audit().at(-1)).not.toHaveProperty('confirmation');
    } finally {
      await s.close();
    }
  });
});

describe('personal data in results', () => {
  const db = makeDatabase(SHOP_SQL);
  afterAll(() => db.cleanup());

  it('emails are masked by default, in the rows, the text and the table resource', async () => {
    const s = await connect([db.file]);
    try {
      const r = await s.call('read_query', { sql: 'SELECT name, email FROM customers ORDER BY id' });
      expect((r.structuredContent as { rows: unknown[][] }).rows).toEqual([['Ada', '[REDACTED:email]'], ['Linus', '[REDACTED:email]'], ['Grace', null]]);
      expect(dataOf(r)).toBe('name | email\nAda | [REDACTED:email]\nLinus | [REDACTED:email]\nGrace | NULL');
      expect(s.audit().at(-1)).toMatchObject({ masked: { email: 2 } });
      const res = await s.client.readResource({ uri: 'sqlite://tables/customers' });
      expect(JSON.stringify(res)).not.toContain('@example.com');
    } finally {
      await s.close();
    }
  });

  it('--mask-columns and --drop-columns apply by result column name; --pii-mode off shows the data', async () => {
    const s = await connect([db.file, '--mask-columns', 'name', '--drop-columns', 'country', '--pii-mode', 'off']);
    try {
      const r = await s.call('read_query', { sql: 'SELECT id, name, email, country FROM customers WHERE id = 1' });
      expect(r.structuredContent).toMatchObject({ columns: ['id', 'name', 'email'], rows: [[1, '[MASKED]', 'ada@example.com']] });
      expect(dataOf(r)).toBe('id | name | email\n1 | [MASKED] | ada@example.com');
    } finally {
      await s.close();
    }
  });

  it('a table name with hidden characters is listed cleaned, and its URI still reads', async () => {
    const odd = makeDatabase('CREATE TABLE "pay\u202emerts" (id INTEGER); CREATE TABLE contacts (id INTEGER);');
    const s = await connect([odd.file]);
    try {
      const { resources } = await s.client.listResources();
      const r = resources.find((x) => x.uri.includes('pay'))!;
      expect(r.name).not.toMatch(/\u202e/);
      expect(r.name).toContain('paymerts');
      expect((await s.client.readResource({ uri: r.uri })).contents).toHaveLength(1);
    } finally {
      await s.close();
      odd.cleanup();
    }
  });

  it('hidden characters stored in the database do not reach the model', async () => {
    const s = await connect([db.file]);
    try {
      const r = await s.call('read_query', { sql: "SELECT 'safe' || char(8203) || 'text' || char(8238) AS v, char(917577, 917591) AS tags" });
      expect(r.structuredContent).toMatchObject({ rows: [['safetext', '']] });
      expect(s.audit().at(-1)).toMatchObject({ hiddenCharacters: 4 });
    } finally {
      await s.close();
    }
  });
});
