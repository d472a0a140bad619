import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConnectorError, type Logger } from '@org/mcp-core';
import type { EngineOptions, Request, Response } from './protocol.js';

/** The engine entry: beside this module once bundled (dist/), or the package's dist/ when run from src/. */
function engineEntry(): string {
  for (const rel of ['./engine.js', '../../dist/engine.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('The SQLite engine (dist/engine.js) is missing: build the package first (pnpm build).');
}

interface Worker {
  child: ChildProcess;
  busy: boolean;
  /** The request in flight: settles it when the process answers or dies. */
  settle?: (res: Response | Error) => void;
}

/**
 * Engine processes, started on first use. Each runs one request at a time, so a slow query
 * holds one process while other calls use another. When a call's signal aborts (timeout or
 * client cancel) its process is killed with SIGKILL: that ends any statement, however stuck,
 * and a fresh process serves the next call.
 */
export class EnginePool {
  private readonly workers = new Set<Worker>();
  private readonly waiting: Array<(w: Worker) => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly options: EngineOptions,
    private readonly size: number,
    private readonly log: Logger,
  ) {}

  async request<T>(req: Request, signal: AbortSignal): Promise<T> {
    if (this.closed) throw new ConnectorError('unavailable', 'The server is shutting down.');
    signal.throwIfAborted();
    const worker = await this.acquire(signal);
    const id = this.nextId++;
    const res = await new Promise<Response | Error>((resolve) => {
      const onAbort = () => {
        worker.settle = undefined;
        this.kill(worker, 'aborted');
        resolve(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      worker.settle = (r) => {
        signal.removeEventListener('abort', onAbort);
        worker.settle = undefined;
        resolve(r);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      worker.child.send({ id, req });
    });
    this.release(worker);
    if (res instanceof Error) throw res;
    if (res.ok) return res.result as T;
    throw new ConnectorError(res.error.code, res.error.message, res.error.hint);
  }

  private acquire(signal: AbortSignal): Promise<Worker> {
    for (const w of this.workers) {
      if (!w.busy) {
        w.busy = true;
        return Promise.resolve(w);
      }
    }
    if (this.workers.size < this.size) {
      const w = this.spawn();
      w.busy = true;
      return Promise.resolve(w);
    }
    return new Promise((resolve, reject) => {
      const take = (w: Worker) => {
        signal.removeEventListener('abort', onAbort);
        resolve(w);
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(take);
    });
  }

  private release(w: Worker) {
    if (!this.workers.has(w)) {
      // It was killed; a waiting call gets a fresh process.
      const next = this.waiting.shift();
      if (next) {
        const fresh = this.spawn();
        fresh.busy = true;
        next(fresh);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(w);
    else w.busy = false;
  }

  private spawn(): Worker {
    const child = fork(engineEntry(), [], {
      serialization: 'advanced',
      // stdout belongs to the MCP protocol; stderr is relayed as JSON log lines (a crash's text included).
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, MCP_SQLITE_ENGINE: JSON.stringify(this.options) },
      execArgv: [],
    });
    const worker: Worker = { child, busy: false };
    this.workers.add(worker);
    child.on('message', (res: Response) => worker.settle?.(res));
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
      const lines = stderr.split('\n');
      stderr = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.relay(line);
    });
    child.once('exit', (code, sig) => {
      const known = this.workers.delete(worker);
      if (known && !this.closed) this.log.warn('sqlite engine exited', { code, signal: sig });
      worker.settle?.(new ConnectorError('backend', 'The SQLite engine stopped while running the statement.', 'Try again; if it repeats, simplify the query.'));
    });
    child.on('error', (err) => this.log.error('sqlite engine error', { error: err.message }));
    return worker;
  }

  /** An engine's stderr line into the server's log: its own JSON records as they are, anything else as text. */
  private relay(line: string) {
    try {
      const record = JSON.parse(line) as { level?: string; msg?: string };
      if (record && typeof record === 'object' && typeof record.msg === 'string') {
        const { level, msg, ...fields } = record;
        (level === 'error' ? this.log.error : this.log.warn)(`sqlite engine: ${msg}`, fields);
        return;
      }
    } catch {
      // not JSON: a crash or a runtime warning
    }
    this.log.warn('sqlite engine stderr', { text: line });
  }

  private kill(w: Worker, why: string) {
    this.workers.delete(w);
    this.log.debug('killing sqlite engine', { why, pid: w.child.pid });
    w.child.kill('SIGKILL');
  }

  /** Processes running now (for tests and diagnostics). */
  get processCount(): number {
    return this.workers.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.workers].map((w) => new Promise<void>((resolve) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
      w.child.once('exit', () => resolve());
      w.child.disconnect();
      setTimeout(() => w.child.kill('SIGKILL'), 2000).unref();
    }));
    await Promise.all(exits);
    this.workers.clear();
  }
}
