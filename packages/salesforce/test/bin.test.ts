import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSalesforce, type FakeSalesforce } from './fake-salesforce.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
let fake: FakeSalesforce;
beforeAll(async () => {
  fake = await startFakeSalesforce();
});
afterAll(() => fake.close());

describe('the built bin over stdio', () => {
  it('logs in on the first call and answers; stdout is the protocol even with JSFORCE_LOG_LEVEL=DEBUG; stderr has JSON lines and no secret', async () => {
    const env = { PATH: process.env.PATH ?? '', SALESFORCE_USERNAME: 'rep@acme.example', SALESFORCE_PASSWORD: 'hunter2', SALESFORCE_SECURITY_TOKEN: 'TOKEN123', SALESFORCE_LOGIN_URL: fake.url, JSFORCE_LOG_LEVEL: 'DEBUG' };
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, '--log-level', 'debug'], env, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'bin-test', version: '0' });
    // A line on stdout that is not a JSON-RPC message (jsforce's logger writes to stdout) is an error here.
    const protocolErrors: string[] = [];
    client.onerror = (e) => protocolErrors.push(e.message);
    await client.connect(transport);
    try {
      const r = (await client.callTool({ name: 'search_opportunities', arguments: { account: 'Acme', min_amount: 50000, not_updated_days: 14 } })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(JSON.stringify(r.structuredContent)).toContain('Acme - Enterprise Renewal');
    } finally {
      await client.close();
    }
    expect(protocolErrors).toEqual([]);
    expect(fake.tokens.length).toBeGreaterThan(0);
    for (const l of stderr.trim().split('\n')) expect(() => JSON.parse(l), l).not.toThrow();
    for (const secret of ['hunter2', 'TOKEN123', ...fake.tokens]) expect(stderr).not.toContain(secret);
    expect(stderr).not.toContain('Enterprise Renewal');
  });

  it('no login stops it with one line', () => {
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^mcp-salesforce: No Salesforce login\. Set SALESFORCE_ACCESS_TOKEN and SALESFORCE_INSTANCE_URL, or SALESFORCE_USERNAME and SALESFORCE_PASSWORD, or a connected app \(SALESFORCE_CLIENT_ID with SALESFORCE_CLIENT_SECRET or SALESFORCE_PRIVATE_KEY_FILE\)\.$/);
  });
});
