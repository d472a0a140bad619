import { describe, expect, it } from 'vitest';
import { coreOptions } from './core-options.js';
import { ConfigError } from './errors.js';
import { opt, parseOptions } from './options.js';

const specs = { ...coreOptions, database: opt.string('db', { positional: true, env: ['SQLITE_DATABASE'] }) };

describe('parseOptions', () => {
  it('uses defaults when nothing is given', () => {
    const c = parseOptions(specs, [], {});
    expect(c).toMatchObject({ allowWrite: false, timeout: 30_000, maxRows: 1000, maxBytes: 1024 * 1024, logLevel: 'info' });
    expect(c.database).toBeUndefined();
  });

  it('a flag beats its variable, which beats the default', () => {
    expect(parseOptions(specs, ['--max-rows', '5'], { MCP_MAX_ROWS: '7' }).maxRows).toBe(5);
    expect(parseOptions(specs, ['--max-rows=6'], { MCP_MAX_ROWS: '7' }).maxRows).toBe(6);
    expect(parseOptions(specs, [], { MCP_MAX_ROWS: '7' }).maxRows).toBe(7);
  });

  it('reads units, lists, booleans, aliases and positionals', () => {
    const c = parseOptions(specs, ['./x.db', '--timeout', '500ms', '--max-bytes', '2mb', '--tools', 'a, b', '--allow-write'], {});
    expect(c).toMatchObject({ database: './x.db', timeout: 500, maxBytes: 2 * 1024 * 1024, tools: ['a', 'b'], allowWrite: true });
    expect(parseOptions(specs, ['--no-allow-write'], { MCP_ALLOW_WRITE: 'true' }).allowWrite).toBe(false);
    expect(parseOptions(specs, [], { SQLITE_DATABASE: '/d.db' }).database).toBe('/d.db');
    expect(parseOptions(specs, ['--timeout', '2'], {}).timeout).toBe(2000);
  });

  it('names the setting and the fix in one line for bad input', () => {
    const bad: Array<[string[], Record<string, string>, RegExp]> = [
      [['--max-rows', 'abc'], {}, /^Invalid --max-rows: expected a whole number from 1 to \d+, got "abc"\. Fix --max-rows or MCP_MAX_ROWS\.$/],
      [[], { MCP_TIMEOUT: 'soon' }, /^Invalid MCP_TIMEOUT: expected a positive duration/],
      [['--timeout', '600h'], {}, /^Invalid --timeout: expected a duration of at most 596h \(about 24 days\), got "600h"\. Fix --timeout or MCP_TIMEOUT\.$/],
      [['--log-level', 'loud'], {}, /^Invalid --log-level: expected one of debug, info, warn, error/],
      [['--nope'], {}, /^Unknown option --nope\. Run with --help/],
      [['--max-rows'], {}, /^Option --max-rows needs a value/],
      [['a.db', 'b.db'], {}, /^Unexpected argument "b\.db"/],
    ];
    for (const [argv, env, message] of bad) {
      let err: unknown;
      try {
        parseOptions(specs, argv, env);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(argv)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
