import { buildServer, createRuntime, defineConnector, type ConnectorConfig } from '@org/mcp-core';
import pkg from '../package.json' with { type: 'json' };
import { connectionUrl, postgresOptions, urlSecrets } from './config.js';
import { PostgresDeps } from './deps.js';
import { exploreSchema, writeSafeQuery } from './prompts/index.js';
import { overviewResource, tableResources } from './resources/schema.js';
import { tools } from './tools/index.js';

export const connector = defineConnector({
  name: 'mcp-postgres',
  title: 'PostgreSQL',
  version: pkg.version,
  packageName: pkg.name,
  example: { env: { POSTGRES_URL: 'postgresql://reader:PASSWORD@localhost:5432/app' } },
  instructions:
    'Query a PostgreSQL database read-only. Explore with list_schemas, list_tables and describe_table; answer questions with query (one read-only statement per call, results capped); use explain before heavy queries.',
  options: postgresOptions,
  validate: (config) => void connectionUrl(config),
  createDeps: (config, runtime) => new PostgresDeps(config, runtime.log),
  // /readyz in http mode: the database answers a trivial catalog query through the pool.
  ready: async (deps, signal) => void (await deps.catalog('SELECT 1', [], signal, 2000)),
  secrets: urlSecrets,
  tools,
  resources: [overviewResource],
  resourceTemplates: [tableResources],
  prompts: [exploreSchema, writeSafeQuery],
});

export type PostgresServerConfig = ConnectorConfig<typeof connector>;

/** A server for one session over a validated config (see loadConfig). Connects to nothing until used. */
export function createServer(config: PostgresServerConfig) {
  const runtime = createRuntime(connector, config);
  return { server: buildServer(runtime), close: () => runtime.close() };
}
