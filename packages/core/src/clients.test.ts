import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clientConfig, currentLaunch } from './clients.js';
import { coreOptions } from './core-options.js';
import { defineConnector, defineTool } from './define.js';
import { clientsMarkdown } from './docs.js';
import { ConfigError } from './errors.js';
import { opt } from './options.js';
import { printConfig } from './run.js';

const options = {
  database: opt.string('Database file.', { positional: true, placeholder: 'FILE' }),
  token: opt.string('API token.', { secret: true, env: ['ACME_TOKEN'] }),
  region: opt.string('Region.', { env: ['ACME_REGION'] }),
};
const connector = defineConnector({
  name: 'mcp-acme',
  title: 'Acme',
  version: '1.2.3',
  packageName: '@team/mcp-acme',
  example: { args: ['--region', 'eu'], env: { ACME_TOKEN: 'acme_…' } },
  options,
  createDeps: () => ({}),
  tools: [defineTool({ name: 'ping', title: 'Ping', description: 'Pings.', input: z.object({}), kind: 'read', handler: () => ({ text: 'pong' }) })],
});
const specs = { ...coreOptions, ...options };
const parse = (s: string) => JSON.parse(s) as Record<string, any>;

describe('clientConfig', () => {
  const launch = { packageName: '@team/mcp-acme', key: 'acme', args: ['--region', 'eu'], env: { ACME_TOKEN: '', ACME_REGION: 'eu' }, secretEnv: new Set(['ACME_TOKEN']) };

  it('Claude Desktop and Cursor: mcpServers, npx -y, secrets as placeholders', () => {
    for (const client of ['claude', 'cursor'] as const) {
      expect(parse(clientConfig(client, launch))).toEqual({ mcpServers: { acme: { command: 'npx', args: ['-y', '@team/mcp-acme', '--region', 'eu'], env: { ACME_TOKEN: '<ACME_TOKEN>', ACME_REGION: 'eu' } } } });
    }
  });

  it('VS Code: servers with type stdio, and a password input per secret', () => {
    expect(parse(clientConfig('vscode', launch))).toEqual({
      inputs: [{ type: 'promptString', id: 'acme-token', description: 'ACME_TOKEN', password: true }],
      servers: { acme: { type: 'stdio', command: 'npx', args: ['-y', '@team/mcp-acme', '--region', 'eu'], env: { ACME_TOKEN: '${input:acme-token}', ACME_REGION: 'eu' } } },
    });
    expect(parse(clientConfig('vscode', { ...launch, env: {} }))).toEqual({ servers: { acme: { type: 'stdio', command: 'npx', args: ['-y', '@team/mcp-acme', '--region', 'eu'] } } });
  });
});

describe('--print-config', () => {
  it('reproduces the current arguments and option variables; a secret never comes out, from a flag or a variable', () => {
    const out = parse(printConfig(connector, ['./data.db', '--token', 's3cret-flag', '--print-config', 'claude', '--max-rows', '50'], { ACME_REGION: 'us', ACME_TOKEN: 's3cret-env', HOME: '/root', MCP_TIMEOUT: '10s' }, 3));
    expect(out).toEqual({
      mcpServers: {
        acme: {
          command: 'npx',
          args: ['-y', '@team/mcp-acme', `${process.cwd()}/data.db`, '--max-rows', '50'],
          env: { ACME_TOKEN: '<ACME_TOKEN>', ACME_REGION: 'us', MCP_TIMEOUT: '10s' },
        },
      },
    });
    const vscode = printConfig(connector, ['--print-config=vscode', '--token=abc'], {}, 0);
    expect(vscode).not.toContain('abc');
    expect(parse(vscode).servers.acme.env).toEqual({ ACME_TOKEN: '${input:acme-token}' });
  });

  it('refuses an unknown client or a bad argument with the fix', () => {
    expect(() => printConfig(connector, ['--print-config', 'emacs'], {}, 0)).toThrow(new ConfigError('Invalid --print-config "emacs": expected one of claude, cursor, vscode.'));
    expect(() => printConfig(connector, ['--print-config', 'claude', '--frobnicate'], {}, 0)).toThrow(/Unknown option --frobnicate/);
  });

  it('currentLaunch keeps absolute paths and values as given', () => {
    expect(currentLaunch(specs, ['/abs/x.db', '--region=eu', '--allow-write'], {}, { packageName: 'p', key: 'k' }, '/work')).toMatchObject({ args: ['/abs/x.db', '--region=eu', '--allow-write'], env: {} });
  });
});

describe('the README client blocks', () => {
  it('come from the example through the same code, with the example placeholders for secrets', () => {
    const md = clientsMarkdown(connector);
    expect(md).toContain('Claude Desktop (`claude_desktop_config.json`');
    expect(md).toContain('"ACME_TOKEN": "acme_…"');
    expect(md).toContain('"ACME_TOKEN": "${input:acme-token}"');
    expect(md).toContain('npx -y @team/mcp-acme [options] --print-config claude');
    expect(() => clientsMarkdown({ ...connector, example: { env: { NOPE: 'x' } } })).toThrow('mcp-acme: example variable NOPE sets no option');
    expect(() => clientsMarkdown({ ...connector, example: { args: ['--nope'] } })).toThrow(/Unknown option --nope/);
  });
});
