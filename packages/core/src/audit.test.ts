import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redact, writeAudit, type AuditEvent } from './audit.js';
import { opt } from './options.js';
import { defineConnector, defineTool } from './define.js';
import { memorySink } from './log.js';
import { connectInProcess } from './testing.js';

describe('redact', () => {
  it('replaces values under secret-looking keys, at any depth', () => {
    const args = {
      password: 'p1',
      passwd: 'p2',
      token: 't1',
      accessToken: 't2',
      apiKey: 'k1',
      api_key: 'k2',
      'x-api-key': 'k3',
      Authorization: 'Bearer abc',
      client_secret: 's1',
      cookie: 'c1',
      credentials: { user: 'u', pass: 'p3' },
      privateKey: 'pk',
      nested: { deeper: [{ token: 't3', keep: 'visible' }], SECRET: 42 },
      query: 'SELECT 1',
    };
    expect(redact(args)).toEqual({
      password: '[REDACTED]',
      passwd: '[REDACTED]',
      token: '[REDACTED]',
      accessToken: '[REDACTED]',
      apiKey: '[REDACTED]',
      api_key: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      Authorization: '[REDACTED]',
      client_secret: '[REDACTED]',
      cookie: '[REDACTED]',
      credentials: '[REDACTED]',
      privateKey: '[REDACTED]',
      nested: { deeper: [{ token: '[REDACTED]', keep: 'visible' }], SECRET: '[REDACTED]' },
      query: 'SELECT 1',
    });
  });

  it('does not change the value it is given', () => {
    const args = { password: 'p', list: ['a'] };
    redact(args, ['a']);
    expect(args).toEqual({ password: 'p', list: ['a'] });
  });

  it('removes known secret values from strings anywhere', () => {
    const secrets = ['hunter22', 'tok_ABCDEF'];
    expect(redact({ sql: "SELECT * FROM u WHERE pw = 'hunter22' OR pw = 'hunter22'", list: ['x tok_ABCDEF y'], n: 1, b: true, z: null }, secrets)).toEqual({
      sql: "SELECT * FROM u WHERE pw = '[REDACTED]' OR pw = '[REDACTED]'",
      list: ['x [REDACTED] y'],
      n: 1,
      b: true,
      z: null,
    });
    expect(redact('postgres://app:hunter22@db/x', secrets)).toBe('postgres://app:[REDACTED]@db/x');
  });

  it('ignores known secrets too short to be told from ordinary text', () => {
    expect(redact('a b c', ['a', ''])).toBe('a b c');
  });

  it('cuts long strings and says how much was cut', () => {
    const out = redact({ sql: 'x'.repeat(5000) }) as { sql: string };
    expect(out.sql.startsWith('x'.repeat(4096))).toBe(true);
    expect(out.sql).toContain('904 more chars');
    expect(out.sql.length).toBeLessThan(4200);
    expect(redact('y'.repeat(4096))).toBe('y'.repeat(4096));
  });

  it('removes a secret before cutting, so no part of it is left at the cut', () => {
    const secret = 'SECRETVALUE123';
    const s = `${'x'.repeat(4090)}${secret}`;
    const out = redact(s, [secret]) as string;
    expect(out).not.toContain('SECRETV');
    expect(out).not.toContain('SECRET');
  });
});

describe('writeAudit', () => {
  it('writes one JSON line, with BigInt values as strings', () => {
    const sink = memorySink();
    const event = { type: 'audit', tool: 't', arguments: { n: 12345678901234567890n } } as unknown as AuditEvent;
    writeAudit(sink, event);
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]!.endsWith('\n')).toBe(true);
    expect(sink.lines[0]!.trimEnd()).not.toContain('\n');
    expect(sink.records()[0]).toEqual({ type: 'audit', tool: 't', arguments: { n: '12345678901234567890' } });
  });
});

describe('--audit-log FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-core-audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const connector = defineConnector({
    name: 'mcp-audit',
    title: 'Audit',
    version: '0.0.1',
    options: { dbPassword: opt.string('password', { secret: true }) },
    createDeps: () => ({}),
    secrets: (c) => (c.dbPassword ? [c.dbPassword] : []),
    tools: [
      defineTool({
        name: 'query',
        title: 'Query',
        description: 'Runs a query.',
        input: z.object({ sql: z.string(), token: z.string().optional() }),
        kind: 'read',
        handler: ({ sql }) => ({ text: sql, rows: 1 }),
      }),
    ],
  });

  it('appends one JSON line per call to the file and keeps what was there', async () => {
    const file = join(dir, 'audit.jsonl');
    writeFileSync(file, '{"existing":true}\n');
    const s = await connectInProcess(connector, ['--audit-log', file, '--db-password', 'pa55word!']);
    try {
      await s.call('query', { sql: "SELECT 'pa55word!'", token: 'abc' });
      await s.call('missing');
      // Written synchronously: on disk before the result is returned.
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    } finally {
      await s.close();
    }
    // ...and nothing went to the in-memory audit or log sinks.
    expect(s.audit()).toEqual([]);
    expect(s.logs().some((l) => l.type === 'audit')).toBe(false);

    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('{"existing":true}');
    const events = lines.slice(1).map((l) => JSON.parse(l) as AuditEvent);
    expect(events.map((e) => [e.tool, e.decision, e.outcome])).toEqual([
      ['query', 'allow', 'ok'],
      ['missing', 'deny:unknown_tool', 'denied'],
    ]);
    expect(events[0]).toMatchObject({ type: 'audit', connector: 'mcp-audit', rows: 1, arguments: { sql: "SELECT '[REDACTED]'", token: '[REDACTED]' } });
    expect(readFileSync(file, 'utf8')).not.toContain('pa55word!');

    // A second run appends after the first.
    const again = await connectInProcess(connector, ['--audit-log', file]);
    await again.call('query', { sql: 'SELECT 2' });
    await again.close();
    const all = readFileSync(file, 'utf8').trim().split('\n');
    expect(all).toHaveLength(4);
    expect(all[0]).toBe('{"existing":true}');
    expect(JSON.parse(all[3]!)).toMatchObject({ tool: 'query', arguments: { sql: 'SELECT 2' } });
  });

  it('creates a missing file readable by its owner only', async () => {
    const file = join(dir, 'new-audit.jsonl');
    const s = await connectInProcess(connector, [], { MCP_AUDIT_LOG: file });
    await s.call('query', { sql: 'SELECT 1' });
    await s.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ tool: 'query', outcome: 'ok' });
  });
});

describe('which keys are secret', () => {
  it('redacts secret-named keys in any case style, and keeps look-alikes', () => {
    const secret = ['password', 'dbPassword', 'access_token', 'X-Api-Key', 'apiKey', 'api_key', 'clientSecret', 'privateKey', 'Authorization', 'cookie', 'refreshToken', 'sessionKey', 'pwd'];
    const harmless = ['author', 'authorName', 'passage', 'tokenizer_name', 'session_id', 'keyword', 'secretary_count', 'title', 'sql'];
    const args = Object.fromEntries([...secret, ...harmless].map((k) => [k, 'value']));
    const out = redact(args) as Record<string, string>;
    for (const k of secret) expect(out[k], k).toBe('[REDACTED]');
    for (const k of harmless) expect(out[k], k).toBe('value');
  });
});
