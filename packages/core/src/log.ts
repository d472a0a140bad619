import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Logs are JSON lines on stderr (stdout belongs to the protocol in stdio mode). Writes are
 * synchronous: an audit event is on disk or in the pipe before the call's result is sent,
 * so a crash loses nothing.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Sink {
  write(line: string): void;
  close?(): void;
}

export const stderrSink: Sink = { write: (line) => process.stderr.write(line) };

/** Append-only file sink (created if missing, never truncated). */
export function fileSink(path: string): Sink {
  const fd = openSync(path, 'a', 0o600);
  return { write: (line) => void writeSync(fd, line), close: () => closeSync(fd) };
}

/** Collects lines in memory; used by tests. */
export function memorySink(): Sink & { lines: string[]; records(): Record<string, unknown>[] } {
  const lines: string[] = [];
  return { lines, write: (l) => void lines.push(l), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(opts: { connector: string; level?: LogLevel; sink?: Sink }): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const sink = opts.sink ?? stderrSink;
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    sink.write(`${JSON.stringify({ time: new Date().toISOString(), level, connector: opts.connector, msg, ...fields }, jsonSafe)}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** JSON.stringify replacer for values JSON cannot hold (BigInt). */
export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
