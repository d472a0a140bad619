import { toolsFor, type DepsContext } from '@org/mcp-core';
import { EnginePool } from './engine/pool.js';
import type { Request } from './engine/protocol.js';
import type { SqliteConfig } from './config.js';

/** What the tools share: the engine processes and the insights memo. */
export class SqliteDeps {
  readonly engine: EnginePool;
  readonly insights: string[] = [];

  constructor(config: SqliteConfig, file: string, context: DepsContext) {
    this.engine = new EnginePool({ file, allowWrite: config.allowWrite, demo: config.demo }, config.engines, context.log);
  }

  run<T>(req: Request, signal: AbortSignal): Promise<T> {
    return this.engine.request<T>(req, signal);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** `defineTool` for this connector: handlers get SqliteDeps and SqliteConfig in their context. */
export const defineSqliteTool = toolsFor<SqliteDeps, SqliteConfig>();
