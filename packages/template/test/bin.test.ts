import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const TOKEN = 'bin-test-token-0123456789';
let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi({ token: TOKEN, items: [{ id: 'it_1', title: 'hello from the fake', body: '', updated_at: '2026-11-01T10:00:00Z' }] });
});
afterAll(() => api.close());

describe('the built bin over stdio', () => {
  it('answers a call; stdout is the protocol, stderr JSON lines without the token or the data', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: { PATH: process.env.PATH ?? '', TEMPLATE_API_URL: api.url, TEMPLATE_API_TOKEN: TOKEN }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'bin-test', version: '0' });
    const protocolErrors: string[] = [];
    client.onerror = (e) => protocolErrors.push(e.message);
    await client.connect(transport);
    try {
      const r = (await client.callTool({ name: 'list_items', arguments: {} })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(JSON.stringify(r.structuredContent)).toContain('hello from the fake');
    } finally {
      await client.close();
    }
    expect(protocolErrors).toEqual([]);
    for (const l of stderr.trim().split('\n')) expect(() => JSON.parse(l), l).not.toThrow();
    expect(stderr).not.toContain(TOKEN);
    expect(stderr).not.toContain('hello from the fake');
  });

  it('a missing setting stops it with one line; --print-config prints the client block', () => {
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('mcp-template: No API URL. Set TEMPLATE_API_URL (or --api-url), e.g. https://api.example.com/v1.');
    const p = spawnSync(process.execPath, [BIN, '--allow-write', '--print-config', 'claude'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TEMPLATE_API_URL: 'https://api.example.com', TEMPLATE_API_TOKEN: TOKEN } });
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).not.toContain(TOKEN);
    expect(JSON.parse(p.stdout)).toEqual({ mcpServers: { 'template': { command: 'npx', args: ['-y', '@org/mcp-template', '--allow-write'], env: { TEMPLATE_API_URL: 'https://api.example.com', TEMPLATE_API_TOKEN: '<TEMPLATE_API_TOKEN>' } } } });
  });
});
