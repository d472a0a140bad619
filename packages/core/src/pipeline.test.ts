import { userInfo } from 'node:os';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuditEvent } from './audit.js';
import { defineConnector, defineTool, type ToolContext, type ToolOutput } from './define.js';
import { ConnectorError } from './errors.js';
import { connectInProcess, dataOf, textOf, type TestSession } from './testing.js';

/** A promise with its resolve function outside, to sequence a handler and a test. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** What the "slow" handler saw; reset by each test that uses it. */
let slow = { started: deferred(), finished: deferred(), signal: undefined as AbortSignal | undefined };
let lastCtx: ToolContext<unknown> | undefined;

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes a message.',
  input: z.object({ message: z.string(), count: z.number().int().min(1).optional() }),
  output: z.object({ message: z.string(), count: z.number() }),
  kind: 'read',
  handler: ({ message, count = 1 }, ctx) => {
    lastCtx = ctx as ToolContext<unknown>;
    return { text: message.repeat(count), structured: { message, count }, rows: count, truncated: count > 2 };
  },
});

const slowTool = defineTool({
  name: 'slow',
  title: 'Slow',
  description: 'Waits until its signal fires, then finishes a little later.',
  input: z.object({}),
  kind: 'read',
  handler: (_in, ctx) =>
    new Promise<ToolOutput<never>>((resolve) => {
      slow.signal = ctx.signal;
      slow.started.resolve();
      ctx.signal.addEventListener('abort', () => {
        setTimeout(() => {
          resolve({ text: 'finished after the abort' });
          slow.finished.resolve();
        }, 10);
      });
    }),
});

const stuck = defineTool({
  name: 'stuck',
  title: 'Stuck',
  description: 'Never finishes and ignores its signal.',
  input: z.object({}),
  kind: 'read',
  handler: () => new Promise<ToolOutput<never>>(() => {}),
});

const failKnown = defineTool({
  name: 'fail_known',
  title: 'Fail known',
  description: 'Throws a ConnectorError.',
  input: z.object({}),
  kind: 'read',
  handler: () => {
    throw new ConnectorError('not_found', 'No such widget: w1.', 'Call list_widgets for the names.');
  },
});

const failUnknown = defineTool({
  name: 'fail_unknown',
  title: 'Fail unknown',
  description: 'Throws a plain Error.',
  input: z.object({}),
  kind: 'read',
  handler: async () => {
    await Promise.resolve();
    throw new Error('connection string postgres://u@db/internal refused');
  },
});

const big = defineTool({
  name: 'big',
  title: 'Big',
  description: 'Returns n characters of text and optionally as much structured data.',
  input: z.object({ n: z.number().int(), char: z.string().default('x'), structured: z.boolean().default(false), counted: z.number().int().optional() }),
  kind: 'read',
  handler: ({ n, char, structured, counted }) =>
    structured ? { text: 'ok', structured: { data: char.repeat(n) }, ...(counted === undefined ? {} : { structuredBytes: counted }) } : { text: char.repeat(n) },
});

const hugeInt = defineTool({
  name: 'huge_int',
  title: 'Huge integer',
  description: 'Returns a BigInt in its structured data.',
  input: z.object({}),
  kind: 'read',
  handler: () => ({ text: '18446744073709551616', structured: { n: 2n ** 64n } }),
});

const login = defineTool({
  name: 'login',
  title: 'Login',
  description: 'Takes secrets as arguments.',
  input: z.object({ user: z.string(), password: z.string(), options: z.object({ apiKey: z.string(), note: z.string() }) }),
  kind: 'read',
  handler: ({ user }) => ({ text: `hello ${user}` }),
});

const dropTable = defineTool({
  name: 'drop_table',
  title: 'Drop table',
  description: 'Drops a table.',
  input: z.object({ table: z.string() }),
  kind: 'destructive',
  handler: ({ table }) => ({ text: `dropped ${table}` }),
});

const connector = defineConnector({
  name: 'mcp-test',
  title: 'Test',
  version: '1.2.3',
  options: {},
  createDeps: () => ({}),
  secrets: () => ['s3cr3t-value'],
  tools: [echo, slowTool, stuck, failKnown, failUnknown, big, hugeInt, login, dropTable],
});

let session: TestSession<object> | undefined;
async function connect(argv: string[] = []) {
  session = await connectInProcess(connector, argv);
  return session;
}
afterEach(async () => {
  await session?.close();
  session = undefined;
  lastCtx = undefined;
});

/**
 * Calls a tool and returns the result with the audit events that call wrote. The request
 * timeout makes a pipeline that never answers fail the test quickly.
 */
async function callAudited(s: TestSession<object>, name: string, args: Record<string, unknown> = {}): Promise<[CallToolResult, AuditEvent[]]> {
  const before = s.audit().length;
  const result = (await s.client.callTool({ name, arguments: args }, undefined, { timeout: 3000 })) as CallToolResult;
  return [result, s.audit().slice(before)];
}

const AUDIT_KEYS = ['type', 'time', 'connector', 'tool', 'principal', 'arguments', 'decision', 'outcome', 'durationMs', 'bytes', 'truncated'];

function expectWellFormed(event: AuditEvent | undefined, tool: string) {
  expect(event).toBeDefined();
  for (const key of AUDIT_KEYS) expect(event, key).toHaveProperty(key);
  expect(event!.type).toBe('audit');
  expect(event!.connector).toBe('mcp-test');
  expect(event!.tool).toBe(tool);
  expect(new Date(event!.time).toISOString()).toBe(event!.time);
  expect(Math.abs(Date.now() - Date.parse(event!.time))).toBeLessThan(60_000);
  expect(typeof event!.durationMs).toBe('number');
  expect(event!.durationMs).toBeGreaterThanOrEqual(0);
  expect(typeof event!.principal).toBe('string');
}

describe('a successful call', () => {
  it('returns text and structuredContent, and writes one allow/ok audit event with rows and bytes', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'echo', { message: 'ab', count: 3 });
    expect(r.isError).toBeFalsy();
    expect(dataOf(r)).toBe('ababab');
    expect(r.structuredContent).toEqual({ message: 'ab', count: 3 });
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expectWellFormed(e, 'echo');
    expect(e).toMatchObject({ decision: 'allow', outcome: 'ok', arguments: { message: 'ab', count: 3 }, rows: 3, truncated: true });
    expect(e.errorCode).toBeUndefined();
    expect(e.bytes).toBe(Buffer.byteLength(textOf(r)) + JSON.stringify({ message: 'ab', count: 3 }).length);
  });

  it('leaves rows out of the audit event when the handler does not give them', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'big', { n: 5 });
    expect(dataOf(r)).toBe('xxxxx');
    expect(r.structuredContent).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(events[0]).not.toHaveProperty('rows');
    expect(events[0]).toMatchObject({ outcome: 'ok', bytes: Buffer.byteLength(textOf(r)), truncated: false });
  });

  it('sends structuredContent as the JSON it counted: a BigInt becomes a decimal string', async () => {
    // A BigInt left in the result cannot be serialized: over stdio the response is never sent.
    const s = await connect();
    const [r, events] = await callAudited(s, 'huge_int');
    expect(r.structuredContent).toEqual({ n: '18446744073709551616' });
    expect(() => JSON.stringify(r)).not.toThrow();
    expect(events[0]).toMatchObject({ outcome: 'ok', bytes: Buffer.byteLength(textOf(r)) + '{"n":"18446744073709551616"}'.length });
  });

  it('gives the handler the config, limits and principal, and audits the principal', async () => {
    const s = await connect(['--max-rows', '7', '--max-bytes', '2kb', '--principal', 'alice']);
    const [, events] = await callAudited(s, 'echo', { message: 'a' });
    expect(lastCtx?.limits).toEqual({ maxRows: 7, maxBytes: 2048 });
    expect(lastCtx?.principal).toBe('alice');
    expect(lastCtx?.config).toMatchObject({ maxRows: 7, timeout: 30_000 });
    expect(lastCtx?.signal.aborted).toBe(false);
    expect(events[0]!.principal).toBe('alice');
  });

  it('audits the OS user as principal when --principal is not set', async () => {
    const s = await connect();
    const [, events] = await callAudited(s, 'echo', { message: 'a' });
    expect(events[0]!.principal).toBe(`local:${userInfo().username}`);
  });
});

describe('refused calls', () => {
  it('invalid arguments: an isError result naming the field; the handler does not run', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'echo', { message: 'a', count: 'many' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^Invalid arguments for echo: /);
    expect(textOf(r)).toContain('count');
    expect(textOf(r)).not.toContain('\n');
    expect(lastCtx).toBeUndefined();
    expect(events).toHaveLength(1);
    expectWellFormed(events[0], 'echo');
    expect(events[0]).toMatchObject({ decision: 'deny:invalid_arguments', outcome: 'denied', errorCode: 'invalid_input', bytes: 0 });
  });

  it('a missing required argument is named too', async () => {
    const s = await connect();
    const [r] = await callAudited(s, 'echo', {});
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('message');
  });

  it('an unknown tool: an isError result listing the available tools', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'no_such_tool', { a: 1 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('Unknown tool "no_such_tool"');
    expect(textOf(r)).toContain('echo, slow');
    expect(textOf(r)).not.toContain('drop_table');
    expect(events).toHaveLength(1);
    expectWellFormed(events[0], 'no_such_tool');
    expect(events[0]).toMatchObject({ decision: 'deny:unknown_tool', outcome: 'denied', arguments: { a: 1 } });
  });

  it('a write tool on a read-only server: an isError result saying how to enable it', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'drop_table', { table: 't' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('read-only');
    expect(textOf(r)).toContain('--allow-write');
    expect(textOf(r)).not.toContain('dropped');
    expect(events).toHaveLength(1);
    expectWellFormed(events[0], 'drop_table');
    expect(events[0]).toMatchObject({ decision: 'deny:disabled', outcome: 'denied' });
  });

  it('a tool left out by --exclude-tools: an isError result naming the flag', async () => {
    const s = await connect(['--exclude-tools', 'echo']);
    const [r, events] = await callAudited(s, 'echo', { message: 'a' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('--exclude-tools');
    expect(lastCtx).toBeUndefined();
    expect(events[0]).toMatchObject({ decision: 'deny:disabled', outcome: 'denied' });
  });

  it('the write tool runs once --allow-write is given', async () => {
    const s = await connect(['--allow-write', '--confirm', 'off']);
    const [r, events] = await callAudited(s, 'drop_table', { table: 't' });
    expect(r.isError).toBeFalsy();
    expect(dataOf(r)).toBe('dropped t');
    expect(events[0]).toMatchObject({ decision: 'allow', outcome: 'ok' });
  });
});

describe('timeouts and cancellation', () => {
  it('--timeout aborts the handler signal and returns a "did not finish within" result', async () => {
    slow = { started: deferred(), finished: deferred(), signal: undefined };
    const s = await connect(['--timeout', '100ms']);
    const t0 = performance.now();
    const [r, events] = await callAudited(s, 'slow');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('slow did not finish within 0.1s');
    expect(textOf(r)).toContain('--timeout');
    expect(slow.signal?.aborted).toBe(true);
    expect(slow.signal?.reason).toBeInstanceOf(ConnectorError);
    expect((slow.signal?.reason as ConnectorError).code).toBe('timeout');
    expect(events).toHaveLength(1);
    expectWellFormed(events[0], 'slow');
    expect(events[0]).toMatchObject({ decision: 'allow', outcome: 'timeout', errorCode: 'timeout' });
    expect(events[0]!.durationMs).toBeGreaterThanOrEqual(90);
    // The handler settling later writes no second event.
    await slow.finished.promise;
    await new Promise((r) => setImmediate(r));
    expect(s.audit()).toHaveLength(1);
  });

  it('a handler that ignores the signal still gets a timeout result', async () => {
    const s = await connect(['--timeout', '100ms']);
    const [r, events] = await callAudited(s, 'stuck');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('did not finish within');
    expect(events).toHaveLength(1);
    expect(events[0]!.outcome).toBe('timeout');
  });

  it('a client cancel aborts the handler signal and is audited as cancelled', async () => {
    slow = { started: deferred(), finished: deferred(), signal: undefined };
    const s = await connect();
    const controller = new AbortController();
    const call = s.client.callTool({ name: 'slow', arguments: {} }, undefined, { signal: controller.signal });
    await slow.started.promise;
    expect(slow.signal?.aborted).toBe(false);
    controller.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await expect.poll(() => s.audit().length, { timeout: 2000 }).toBe(1);
    expect(slow.signal?.aborted).toBe(true);
    expect((slow.signal?.reason as ConnectorError).code).toBe('cancelled');
    const e = s.audit()[0]!;
    expectWellFormed(e, 'slow');
    expect(e).toMatchObject({ decision: 'allow', outcome: 'cancelled', errorCode: 'cancelled' });
    await slow.finished.promise;
    await new Promise((r) => setImmediate(r));
    expect(s.audit()).toHaveLength(1);
  });
});

describe('errors', () => {
  it('a ConnectorError becomes an isError result with its message and hint', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'fail_known');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toBe('No such widget: w1. Call list_widgets for the names.');
    expect(events).toHaveLength(1);
    expectWellFormed(events[0], 'fail_known');
    expect(events[0]).toMatchObject({ decision: 'allow', outcome: 'error', errorCode: 'not_found' });
  });

  it('any other error becomes a generic message with a reference; the details go only to the log', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'fail_unknown');
    expect(r.isError).toBe(true);
    const text = textOf(r);
    const reference = /reference ([0-9a-f]{8})\b/.exec(text)?.[1];
    expect(reference, text).toBeDefined();
    expect(text).toContain('fail_unknown failed unexpectedly');
    expect(text).not.toContain('postgres://');
    expect(text).not.toContain('refused');
    expect(text).not.toMatch(/\bat .*:\d+/);
    expect(JSON.stringify(r)).not.toContain('refused');
    expect(r.content).toHaveLength(1);

    const record = s.logs().find((l) => l.msg === 'tool failed');
    expect(record).toMatchObject({ level: 'error', connector: 'mcp-test', tool: 'fail_unknown', reference });
    const error = record!.error as { message: string; stack: string };
    expect(error.message).toBe('connection string postgres://u@db/internal refused');
    expect(error.stack).toMatch(/\bat .*:\d+/);

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ decision: 'allow', outcome: 'error', errorCode: 'internal' });
  });
});

describe('the output budget', () => {
  // --max-bytes 1kb: text-only results are cut at 1024 bytes; the backstop for results with
  // structured data is 2 * 1024 + 64 KiB.
  const limit = 2 * 1024 + 64 * 1024;

  it('lets a text-only result of exactly --max-bytes through untouched', async () => {
    const s = await connect(['--max-bytes', '1kb']);
    const [r, events] = await callAudited(s, 'big', { n: 1024 });
    expect(r.isError).toBeFalsy();
    expect(dataOf(r)).toBe('x'.repeat(1024));
    expect(events[0]).toMatchObject({ outcome: 'ok', bytes: Buffer.byteLength(textOf(r)), truncated: false });
  });

  it('cuts a longer text-only result at a character boundary and marks it truncated', async () => {
    const s = await connect(['--max-bytes', '1kb']);
    const [r, events] = await callAudited(s, 'big', { n: 5000, char: '€' });
    expect(r.isError).toBeFalsy();
    const [kept, marker] = dataOf(r).split('\n');
    expect(Buffer.byteLength(kept!)).toBeLessThanOrEqual(1024);
    expect(kept).toBe('€'.repeat(341)); // 1023 bytes: the 342nd character would not fit whole
    expect(marker).toBe(`[truncated: ${15000 - 1024} more bytes not shown; narrow the request]`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'ok', truncated: true, bytes: Buffer.byteLength(textOf(r)) });
  });

  it('turns a result with structured data over the backstop into an isError too_large result', async () => {
    const s = await connect(['--max-bytes', '1kb']);
    const [r, events] = await callAudited(s, 'big', { n: limit, structured: true });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('too large');
    expect(textOf(r).length).toBeLessThan(500);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ decision: 'allow', outcome: 'error', errorCode: 'too_large', bytes: 0 });
  });

  it('lets a result with structured data up to the backstop through', async () => {
    const s = await connect(['--max-bytes', '1kb']);
    const [r] = await callAudited(s, 'big', { n: 30_000, structured: true });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ data: 'x'.repeat(30_000) });
  });

  it('counts structured data in UTF-8 bytes, as it counts text', async () => {
    const s = await connect(['--max-bytes', '1kb']);
    // 30 000 three-byte characters: ~90 KB of JSON, over the 66 KiB backstop.
    const [r, events] = await callAudited(s, 'big', { n: 30_000, char: '€', structured: true });
    expect(r.isError).toBe(true);
    expect(events[0]).toMatchObject({ outcome: 'error', errorCode: 'too_large' });
  });

  it("trusts a handler's own count of its structured data (structuredBytes), for the audit and the backstop", async () => {
    const s = await connect(['--max-bytes', '1kb']);
    const [ok, okEvents] = await callAudited(s, 'big', { n: 10, structured: true, counted: 4321 });
    expect(ok.structuredContent).toEqual({ data: 'x'.repeat(10) });
    expect(okEvents[0]).toMatchObject({ outcome: 'ok', bytes: Buffer.byteLength(textOf(ok)) + 4321 });
    const [big, bigEvents] = await callAudited(s, 'big', { n: 10, structured: true, counted: limit + 1 });
    expect(big.isError).toBe(true);
    expect(bigEvents[0]).toMatchObject({ outcome: 'error', errorCode: 'too_large' });
  });

  it('reports the UTF-8 size of structured data in the audit event', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'big', { n: 10, char: '€', structured: true });
    expect(events[0]!.bytes).toBe(Buffer.byteLength(textOf(r)) + Buffer.byteLength(JSON.stringify({ data: '€'.repeat(10) })));
  });
});

describe('audit arguments', () => {
  it('are redacted: secret-looking keys at any depth and known secret values', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'login', { user: 'bob s3cr3t-value', password: 'hunter2', options: { apiKey: 'k-123', note: 'uses s3cr3t-value' } });
    expect(dataOf(r)).toBe('hello bob s3cr3t-value');
    expect(events[0]!.arguments).toEqual({ user: 'bob [REDACTED]', password: '[REDACTED]', options: { apiKey: '[REDACTED]', note: 'uses [REDACTED]' } });
    expect(JSON.stringify(s.audit())).not.toContain('hunter2');
    expect(JSON.stringify(s.audit())).not.toContain('k-123');
    expect(JSON.stringify(s.audit())).not.toContain('s3cr3t-value');
  });

  it('are redacted for refused calls too', async () => {
    const s = await connect();
    const [r, events] = await callAudited(s, 'login', { password: 'hunter2' });
    expect(r.isError).toBe(true);
    expect(events[0]).toMatchObject({ decision: 'deny:invalid_arguments', arguments: { password: '[REDACTED]' } });
  });
});

describe('one audit event per call', () => {
  it('holds over a mixed sequence of calls', async () => {
    const s = await connect(['--timeout', '100ms']);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['echo', { message: 'a' }],
      ['echo', { message: 1 }],
      ['nope', {}],
      ['drop_table', { table: 't' }],
      ['fail_known', {}],
      ['fail_unknown', {}],
      ['stuck', {}],
      ['big', { n: 1 }],
    ];
    for (const [name, args] of calls) await s.call(name, args);
    const events = s.audit();
    expect(events.map((e) => [e.tool, e.decision, e.outcome])).toEqual([
      ['echo', 'allow', 'ok'],
      ['echo', 'deny:invalid_arguments', 'denied'],
      ['nope', 'deny:unknown_tool', 'denied'],
      ['drop_table', 'deny:disabled', 'denied'],
      ['fail_known', 'allow', 'error'],
      ['fail_unknown', 'allow', 'error'],
      ['stuck', 'allow', 'timeout'],
      ['big', 'allow', 'ok'],
    ]);
    // Audit events go to the audit sink, not to the log.
    expect(s.logs().some((l) => l.type === 'audit')).toBe(false);
  });
});
