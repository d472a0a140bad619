import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineTool } from './define.js';
import { ConfigError, ConnectorError } from './errors.js';

const tool = (name: string) => ({ name, title: name, description: '.', input: z.object({}), kind: 'read' as const, handler: () => ({ text: '' }) });

describe('defineTool', () => {
  it('accepts snake_case names and refuses others', () => {
    expect(defineTool(tool('read_query_2')).name).toBe('read_query_2');
    for (const bad of ['readQuery', 'read-query', '2read', '_read', 'read query', '']) {
      expect(() => defineTool(tool(bad)), bad).toThrow(/must be snake_case/);
    }
  });
});

describe('defineConnector', () => {
  it('refuses a tool defined twice', () => {
    const def = { name: 'mcp-d', title: 'D', version: '1.0.0', options: {}, createDeps: () => ({}) };
    expect(defineConnector({ ...def, tools: [defineTool(tool('a')), defineTool(tool('b'))] }).tools).toHaveLength(2);
    expect(() => defineConnector({ ...def, tools: [defineTool(tool('a')), defineTool(tool('a'))] })).toThrow('mcp-d: tool "a" is defined twice');
  });
});

describe('errors', () => {
  it('ConnectorError carries a code, and its userMessage appends the hint', () => {
    const e = new ConnectorError('not_found', 'No table x.', 'Call list_tables.');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConnectorError');
    expect(e.code).toBe('not_found');
    expect(e.userMessage).toBe('No table x. Call list_tables.');
    expect(new ConnectorError('backend', 'Down.').userMessage).toBe('Down.');
  });

  it('ConfigError is an Error with its own name', () => {
    const e = new ConfigError('bad');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConfigError');
  });
});
