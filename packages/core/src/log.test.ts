import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, fileSink, jsonSafe, memorySink } from './log.js';

describe('createLogger', () => {
  it('writes JSON lines with time, level, connector, message and fields', () => {
    const sink = memorySink();
    createLogger({ connector: 'mcp-x', sink }).info('ready', { tools: ['a'] });
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]!.endsWith('\n')).toBe(true);
    const [rec] = sink.records();
    expect(rec).toMatchObject({ level: 'info', connector: 'mcp-x', msg: 'ready', tools: ['a'] });
    expect(new Date(rec!.time as string).toISOString()).toBe(rec!.time);
  });

  it('drops records below the level', () => {
    const sink = memorySink();
    const log = createLogger({ connector: 'c', level: 'warn', sink });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(sink.records().map((r) => r.level)).toEqual(['warn', 'error']);
    const all = memorySink();
    const debug = createLogger({ connector: 'c', level: 'debug', sink: all });
    debug.debug('d');
    debug.info('i');
    expect(all.records().map((r) => r.msg)).toEqual(['d', 'i']);
  });

  it('writes BigInt fields as strings', () => {
    const sink = memorySink();
    createLogger({ connector: 'c', sink }).info('n', { n: 2n ** 64n });
    expect(sink.records()[0]!.n).toBe('18446744073709551616');
    expect(JSON.stringify({ a: 1n, b: 2 }, jsonSafe)).toBe('{"a":"1","b":2}');
  });
});

describe('fileSink', () => {
  it('appends to an existing file and never truncates it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-core-log-'));
    try {
      const file = join(dir, 'x.log');
      writeFileSync(file, 'first\n');
      const a = fileSink(file);
      a.write('second\n');
      a.close?.();
      const b = fileSink(file);
      b.write('third\n');
      b.close?.();
      expect(readFileSync(file, 'utf8')).toBe('first\nsecond\nthird\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
