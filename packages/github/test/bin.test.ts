import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const TOKEN = `ghp_${'BinTest'.repeat(5)}`;
let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ token: TOKEN, repos: [{ owner: 'acme', name: 'app', private: false, issues: [{ number: 1, title: 'Hello', body: 'World' }] }] });
}, 30_000);
afterAll(() => fake.close());

describe('the built bin over stdio', () => {
  it('lists its tools and answers a call; stderr has JSON lines only and never the token', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, '--github-api-url', fake.url], env: { PATH: process.env.PATH ?? '', GITHUB_TOKEN: TOKEN }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'bin-test', version: '0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools).toHaveLength(18); // the read tools
      const r = (await client.callTool({ name: 'get_issue', arguments: { owner: 'acme', repo: 'app', issue_number: 1 } })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ title: 'Hello', body: 'World' });
    } finally {
      await client.close();
    }
    const lines = stderr.trim().split('\n');
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    expect(stderr).not.toContain(TOKEN);
  });

  it('a missing credential stops it with one line', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('mcp-github: No GitHub credential. Set GITHUB_TOKEN to a personal access token, or give a GitHub App with --app-id, --installation-id and --private-key-file.');
  });
});
