import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coreOptions } from './core-options.js';
import { defineTool, type ToolKind } from './define.js';
import { optionsMarkdown, toolsMarkdown } from './docs.js';
import { opt } from './options.js';

const t = (name: string, description: string, kind: ToolKind, input = z.object({})) => defineTool({ name, title: name, description, input, kind, handler: () => ({ text: '' }) });

describe('toolsMarkdown', () => {
  it('renders one row per tool: name, kind, arguments and the first sentence', () => {
    const md = toolsMarkdown([
      t('read_query', 'Runs a query. Results are capped.', 'read', z.object({ sql: z.string(), params: z.array(z.string()).optional() })),
      t('append_note', 'Appends a note (a | b).\nMore text.', 'write', z.object({ text: z.string() })),
      t('write_query', 'Changes data. Careful.', 'destructive'),
      t('add_reaction', 'Adds a reaction (e.g. eyes, i.e. an emoji) to a message. Confirmed.', 'write'),
    ]);
    expect(md).toBe(
      [
        '| Tool | Kind | Arguments | What it does |',
        '| --- | --- | --- | --- |',
        '| `read_query` | read | `sql`, `params` | Runs a query. |',
        '| `append_note` | write | `text` | Appends a note (a \\| b). |',
        '| `write_query` | destructive (confirmed) | — | Changes data. |',
        '| `add_reaction` | write | — | Adds a reaction (e.g. eyes, i.e. an emoji) to a message. |',
      ].join('\n'),
    );
  });
});

describe('optionsMarkdown', () => {
  it('renders flag, variables, default and meaning', () => {
    const md = optionsMarkdown({
      database: opt.string('Database file.', { positional: true, env: ['SQLITE_DB'], placeholder: 'FILE' }),
      allowWrite: coreOptions.allowWrite,
      timeout: coreOptions.timeout,
      maxBytes: coreOptions.maxBytes,
      token: opt.string('API token.', { secret: true, default: 'dev-token' }),
    });
    const rows = md.split('\n');
    expect(rows.slice(0, 2)).toEqual(['| Flag | Variable | Default | Meaning |', '| --- | --- | --- | --- |']);
    expect(rows[2]).toBe('| `--database FILE` (or first argument) | `MCP_DATABASE`, `SQLITE_DB` | — | Database file. |');
    expect(rows[3]).toBe('| `--allow-write` | `MCP_ALLOW_WRITE` | off | Enable tools that change data (they are hidden otherwise). |');
    expect(rows[4]).toContain('| `--timeout DURATION` | `MCP_TIMEOUT` | `30s` |');
    expect(rows[5]).toContain('| `--max-bytes SIZE` | `MCP_MAX_BYTES` | `1mb` |');
    expect(rows[6]).toBe('| `--token VALUE` | `MCP_TOKEN` | — | API token. |');
    expect(md).not.toContain('dev-token');
  });
});
