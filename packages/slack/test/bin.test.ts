import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack } from './fake-slack.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const TOKEN = `xoxb-${'2468'.repeat(6)}-BinTest`;
let fake: Awaited<ReturnType<typeof startFakeSlack>>;
beforeAll(async () => {
  fake = await startFakeSlack({ botToken: TOKEN, channels: [{ id: 'C1', name: 'general', messages: [{ ts: '1700000001.000100', user: 'U1', text: 'hello from the fake' }] }], users: [{ id: 'U1', name: 'ada', real_name: 'Ada' }] });
});
afterAll(() => fake.close());

describe('the built bin over stdio', () => {
  it('answers a call; stderr has JSON lines only, and neither the token nor the message', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, '--slack-api-url', fake.url], env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: TOKEN }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'bin-test', version: '0' });
    await client.connect(transport);
    try {
      const r = (await client.callTool({ name: 'get_channel_history', arguments: { channel: '#general' } })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(JSON.stringify(r.structuredContent)).toContain('hello from the fake');
    } finally {
      await client.close();
    }
    for (const l of stderr.trim().split('\n')) expect(() => JSON.parse(l), l).not.toThrow();
    expect(stderr).not.toContain(TOKEN);
    expect(stderr).not.toContain('hello from the fake');
  });

  it('no token stops it with one line', () => {
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('mcp-slack: No Slack token. Set SLACK_BOT_TOKEN to a bot token (xoxb-…), or SLACK_USER_TOKEN to a user token (xoxp-…).');
  });
});
