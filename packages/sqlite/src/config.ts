import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, opt, type ConfigOf, type CoreConfig } from '@org/mcp-core';

export const sqliteOptions = {
  database: opt.string('Path of the SQLite database file (or pass it as the first argument).', { positional: true, env: ['SQLITE_DATABASE'], placeholder: 'FILE' }),
  demo: opt.boolean('Open the demo shop database (customers, products, orders), created on first use.'),
  engines: opt.integer('Engine processes that run statements; a slow query holds one while the others serve.', { default: 2, min: 1, max: 16 }),
};

export type SqliteConfig = ConfigOf<typeof sqliteOptions> & CoreConfig;

/** Where --demo keeps its database: the user's cache directory. */
export function demoDatabasePath(version: string, env: Record<string, string | undefined> = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'org-mcp-sqlite', `demo-${version}.db`);
}

/** The database file the config names; throws ConfigError when there is none or it is missing. */
export function databaseFile(config: SqliteConfig, version: string): string {
  if (config.database && config.demo) throw new ConfigError('Pass either a database file or --demo, not both.');
  if (config.demo) return demoDatabasePath(version);
  if (!config.database) throw new ConfigError('No database given. Pass a file path (mcp-sqlite ./data.db, or MCP_DATABASE) or --demo for the demo database.');
  const file = resolve(config.database);
  if (!existsSync(file)) throw new ConfigError(`Database file not found: ${file}. Check the path, or use --demo for the demo database.`);
  return file;
}
