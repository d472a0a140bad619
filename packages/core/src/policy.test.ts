import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineTool, type ToolDefinition } from './define.js';
import { ConfigError } from './errors.js';
import { toolPolicy } from './policy.js';
import { loadConfig } from './server.js';

const tool = (name: string, readOnly: boolean): ToolDefinition =>
  defineTool({ name, title: name, description: `${name}.`, input: z.object({}), kind: readOnly ? 'read' : 'destructive', handler: () => ({ text: name }) });

const tools = [tool('list_things', true), tool('read_thing', true), tool('write_thing', false), tool('delete_thing', false)];
const base = { allowWrite: false, tools: undefined, excludeTools: undefined, confirm: 'off' as const };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('toolPolicy', () => {
  it('hides tools that are not read-only unless writes are allowed', () => {
    const p = toolPolicy(tools, base);
    expect([...p.enabled.keys()]).toEqual(['list_things', 'read_thing']);
    expect([...p.disabled.keys()]).toEqual(['write_thing', 'delete_thing']);
    const why = p.disabled.get('write_thing')!;
    expect(why).toContain('write_thing');
    expect(why).toContain('read-only');
    expect(why).toContain('--allow-write');
    expect(why).toContain('MCP_ALLOW_WRITE=true');
  });

  it('enables every tool, in declaration order, with allowWrite', () => {
    const p = toolPolicy(tools, { ...base, allowWrite: true });
    expect([...p.enabled.keys()]).toEqual(['list_things', 'read_thing', 'write_thing', 'delete_thing']);
    expect(p.disabled.size).toBe(0);
    expect(p.enabled.get('write_thing')).toBe(tools[2]);
  });

  it('--tools keeps only the listed tools', () => {
    const p = toolPolicy(tools, { ...base, allowWrite: true, tools: ['read_thing', 'write_thing'] });
    expect([...p.enabled.keys()]).toEqual(['read_thing', 'write_thing']);
    const why = p.disabled.get('list_things')!;
    expect(why).toContain('--tools');
    expect(why).toContain('read_thing, write_thing');
    expect(p.disabled.has('delete_thing')).toBe(true);
  });

  it('an empty --tools list means no allowlist', () => {
    expect([...toolPolicy(tools, { ...base, tools: [] }).enabled.keys()]).toEqual(['list_things', 'read_thing']);
  });

  it('--exclude-tools hides the listed tools', () => {
    const p = toolPolicy(tools, { ...base, allowWrite: true, excludeTools: ['read_thing', 'delete_thing'] });
    expect([...p.enabled.keys()]).toEqual(['list_things', 'write_thing']);
    expect(p.disabled.get('read_thing')).toContain('--exclude-tools');
  });

  it('--exclude-tools wins over --tools', () => {
    const p = toolPolicy(tools, { ...base, tools: ['list_things', 'read_thing'], excludeTools: ['read_thing'] });
    expect([...p.enabled.keys()]).toEqual(['list_things']);
  });

  it('a write tool stays hidden without allowWrite, even when listed in --tools', () => {
    const p = toolPolicy(tools, { ...base, tools: ['write_thing', 'list_things'] });
    expect([...p.enabled.keys()]).toEqual(['list_things']);
    expect(p.disabled.get('write_thing')).toContain('--allow-write');
  });

  for (const [flag, key] of [['--tools', 'tools'], ['--exclude-tools', 'excludeTools']] as const) {
    it(`an unknown name in ${flag} is a ConfigError naming it and listing the known tools`, () => {
      const err = configError(() => toolPolicy(tools, { ...base, [key]: ['read_thing', 'reed_thing'] }));
      expect(err.message).toContain('"reed_thing"');
      expect(err.message).toContain(flag);
      expect(err.message).toContain('list_things, read_thing, write_thing, delete_thing');
      expect(err.message).not.toContain('\n');
    });
  }
});

describe('unavailable tools', () => {
  it('are hidden, and a call is told why', () => {
    const search = defineTool({ name: 'search_all', title: 's', description: 's.', input: z.object({}), kind: 'read', unavailable: (c: { token?: string }) => (c.token ? undefined : 'it needs a user token (set SLACK_USER_TOKEN).'), handler: () => ({ text: '' }) });
    expect(toolPolicy([search], base).disabled.get('search_all')).toBe('Tool search_all is not available on this server: it needs a user token (set SLACK_USER_TOKEN).');
    expect([...toolPolicy([search], { ...base, token: 'x' } as typeof base).enabled.keys()]).toEqual(['search_all']);
  });
});

describe('--read-only', () => {
  it('hides every tool that changes data, even with --allow-write', () => {
    const p = toolPolicy(tools, { ...base, allowWrite: true, readOnly: true });
    expect([...p.enabled.keys()]).toEqual(['list_things', 'read_thing']);
    expect([...p.disabled.values()].join('\n')).toMatch(/runs with --read-only, which wins over --allow-write/);
  });
});

describe('loadConfig applies the policy at start', () => {
  const connector = defineConnector({ name: 'mcp-p', title: 'P', version: '0.0.1', options: {}, createDeps: () => ({}), tools });

  it('stops on unknown tool names from flags or variables', () => {
    expect(configError(() => loadConfig(connector, ['--tools', 'nope'], {})).message).toMatch(/^Unknown tool "nope" in --tools\. Known tools: list_things/);
    expect(configError(() => loadConfig(connector, [], { MCP_EXCLUDE_TOOLS: 'read_thing,nada' })).message).toMatch(/^Unknown tool "nada" in --exclude-tools/);
  });

  it('accepts known names', () => {
    expect(loadConfig(connector, ['--tools', 'read_thing', '--exclude-tools', 'list_things'], {})).toMatchObject({ tools: ['read_thing'], excludeTools: ['list_things'] });
  });

  it('runs the connector validate hook', () => {
    const strict = defineConnector({
      ...connector,
      validate: (c) => {
        if (!c.allowWrite) throw new ConfigError('This connector needs --allow-write.');
      },
    });
    expect(configError(() => loadConfig(strict, [], {})).message).toBe('This connector needs --allow-write.');
    expect(loadConfig(strict, ['--allow-write'], {}).allowWrite).toBe(true);
  });
});
