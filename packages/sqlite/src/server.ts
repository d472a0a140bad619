import { buildServer, createRuntime, defineConnector, type ConnectorConfig } from '@org/mcp-core';
import pkg from '../package.json' with { type: 'json' };
import { databaseFile, sqliteOptions } from './config.js';
import { SqliteDeps } from './deps.js';
import { explorePrompt } from './prompts/explore.js';
import { insightsResource, schemaResource, tableResources } from './resources/schema.js';
import { tools } from './tools/index.js';

export const connector = defineConnector({
  name: 'mcp-sqlite',
  title: 'SQLite',
  version: pkg.version,
  packageName: pkg.name,
  example: { args: ['/absolute/path/to/data.db'] },
  instructions:
    'Explore a SQLite database. Start with list_tables and describe_table, then answer questions with read_query (one read-only statement per call; results are capped). ' +
    'write_query and create_table exist only when the server was started with --allow-write.',
  options: sqliteOptions,
  validate: (config) => void databaseFile(config, pkg.version),
  createDeps: (config, runtime) => new SqliteDeps(config, databaseFile(config, pkg.version), runtime),
  // /readyz in http mode: an engine opens the file and lists its tables.
  ready: async (deps, signal) => void (await deps.run({ op: 'tables' }, signal)),
  tools,
  resources: [schemaResource, insightsResource],
  resourceTemplates: [tableResources],
  prompts: [explorePrompt],
});

export type SqliteServerConfig = ConnectorConfig<typeof connector>;

/** A server for one session over a validated config (see loadConfig). Connects to nothing until used. */
export function createServer(config: SqliteServerConfig) {
  const runtime = createRuntime(connector, config);
  return { server: buildServer(runtime), close: () => runtime.close() };
}
