import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../src/testing.js';

// Runs against the built package (`pnpm build`; turbo builds before testing).
const FIXTURE = fileURLToPath(new URL('./fixtures/echo-connector.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const env = { PATH: process.env.PATH ?? '' };
const dir = mkdtempSync(join(tmpdir(), 'mcp-core-stdio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run pnpm build first`);
});

const run = (args: string[], extraEnv: Record<string, string> = {}) => spawnSync(process.execPath, [FIXTURE, ...args], { encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 10_000 });

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a bad setting', () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--max-rows', 'lots'], {}, /Invalid --max-rows: .*"lots".*MCP_MAX_ROWS/],
    [[], { MCP_TIMEOUT: 'soon' }, /Invalid MCP_TIMEOUT: /],
    [['--frobnicate'], {}, /Unknown option --frobnicate/],
    [['--tools', 'echo,nope'], {}, /Unknown tool "nope" in --tools\. Known tools: echo, boom, shout\./],
    [['--require-greeting'], {}, /--require-greeting needs --greeting/],
    [['--audit-log', join(dir, 'no-such-dir', 'audit.jsonl')], {}, /--audit-log/],
  ];
  for (const [args, extraEnv, message] of cases) {
    it(`exits 1 with one line on stderr: ${[...args, ...Object.keys(extraEnv)].join(' ')}`, () => {
      const r = run(args, extraEnv);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^mcp-echo: /);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\bat .*:\d+/);
      expect(r.status).toBe(1);
    });
  }
});

describe('--help and --version', () => {
  it('--help prints the usage and every option to stdout and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = run([flag]);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Echo MCP server 9\.8\.7\n\nUsage: mcp-echo \[options\]/);
      for (const s of ['--greeting TEXT', 'MCP_GREETING', '--require-greeting', '--allow-write', '--tools A,B', '--timeout DURATION', 'MCP_MAX_ROWS', '(default: 30s)', '--audit-log FILE']) {
        expect(r.stdout).toContain(s);
      }
    }
  });

  it('--print-config CLIENT prints the block for that client and exits 0 without starting', () => {
    const r = run(['--greeting', 'hi', '--print-config', 'cursor'], { MCP_MAX_ROWS: '5' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mcpServers: { echo: { command: 'npx', args: ['-y', 'mcp-echo', '--greeting', 'hi'], env: { MCP_MAX_ROWS: '5' } } } });
    const bad = run(['--print-config', 'notepad']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('mcp-echo: Invalid --print-config "notepad": expected one of claude, cursor, vscode.');
  });

  it('--help wins over a bad setting', () => {
    const r = run(['--max-rows', 'lots', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: mcp-echo');
  });

  it('--version prints the version to stdout and exits 0', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('9.8.7\n');
    expect(r.stderr).toBe('');
  });
});

describe('over stdio', () => {
  it('answers the SDK client; logs and audit events go to stderr as JSON lines', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [FIXTURE, '--greeting', 'hi', '--log-level', 'debug'], env, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'mcp-echo', title: 'Echo', version: '9.8.7' });
      expect(client.getInstructions()).toBe('Call echo.');
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'boom']);
      const r = await client.callTool({ name: 'echo', arguments: { message: 'hello' } });
      expect(r.structuredContent).toEqual({ message: 'hello', greeting: 'hi' });
      expect(r.content).toHaveLength(1);
      expect(dataOf(r as CallToolResult)).toBe('hello');
      const b = await client.callTool({ name: 'boom', arguments: {} });
      expect(b.isError).toBe(true);
      expect(JSON.stringify(b)).not.toContain('kaboom');
      const w = await client.callTool({ name: 'shout', arguments: { message: 'x' } });
      expect(w.isError).toBe(true);
    } finally {
      await client.close();
    }
    const records = jsonLines(stderr);
    expect(records.find((l) => l.msg === 'ready')).toMatchObject({ level: 'info', connector: 'mcp-echo', transport: 'stdio', tools: ['echo', 'boom'] });
    expect(records.some((l) => l.msg === 'echoing' && l.level === 'debug')).toBe(true);
    expect((records.find((l) => l.msg === 'tool failed')?.error as { message: string }).message).toBe('kaboom internals');
    expect(records.filter((l) => l.type === 'audit').map((l) => [l.tool, l.outcome])).toEqual([
      ['echo', 'ok'],
      ['boom', 'error'],
      ['shout', 'denied'],
    ]);
  });

  it('--audit-log sends audit events to the file, not to stderr', async () => {
    const file = join(dir, 'audit.jsonl');
    const transport = new StdioClientTransport({ command: process.execPath, args: [FIXTURE, '--audit-log', file], env, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      await client.callTool({ name: 'echo', arguments: { message: 'a' } });
    } finally {
      await client.close();
    }
    expect(jsonLines(readFileSync(file, 'utf8')).map((e) => [e.tool, e.outcome])).toEqual([['echo', 'ok']]);
    expect(jsonLines(stderr).some((l) => l.type === 'audit')).toBe(false);
  });

  for (const how of ['SIGTERM', 'SIGINT', 'stdin close'] as const) {
    it(`keeps stdout for the protocol and exits 0 on ${how}`, async () => {
      const child = spawn(process.execPath, [FIXTURE, '--log-level', 'debug'], { stdio: ['pipe', 'pipe', 'pipe'], env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
      const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'm' } } });
      send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'boom', arguments: {} } });
      await expect.poll(() => stdout.split('\n').filter(Boolean).length, { timeout: 5000 }).toBe(3);
      // stdout carries only JSON-RPC messages; every log line went to stderr.
      const messages = jsonLines(stdout);
      for (const m of messages) expect(m).toMatchObject({ jsonrpc: '2.0' });
      expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
      expect(messages[0]).toMatchObject({ result: { serverInfo: { name: 'mcp-echo', version: '9.8.7' } } });
      await expect.poll(() => jsonLines(stderr).filter((l) => l.type === 'audit').length, { timeout: 5000 }).toBe(2);
      expect(jsonLines(stderr).some((l) => l.msg === 'ready')).toBe(true);

      if (how === 'stdin close') child.stdin.end();
      else child.kill(how);
      expect(await exited).toEqual([0, null]);
      const stopping = jsonLines(stderr).find((l) => l.msg === 'stopping');
      expect(stopping?.why).toBe(how === 'stdin close' ? 'stdin closed' : how);
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(3);
    });
  }
});
