import type { ResourceDefinition, ResourceTemplateDefinition } from '@org/mcp-core';
import type { SqliteDeps } from '../deps.js';
import type { TableDescription, TableInfo } from '../engine/protocol.js';
import { describeText } from '../tools/describe-table.js';

interface SchemaEntry {
  type: string;
  name: string;
  tableName: string;
  sql: string;
}

export const schemaResource: ResourceDefinition<SqliteDeps> = {
  uri: 'sqlite://schema',
  name: 'schema',
  title: 'Database schema',
  description: 'Every CREATE statement in the database (tables, views, indexes, triggers), in one SQL text.',
  mimeType: 'text/x-sql',
  async read(deps, signal) {
    const entries = await deps.run<SchemaEntry[]>({ op: 'schema' }, signal);
    return entries.map((e) => `${e.sql};`).join('\n\n');
  },
};

const PREFIX = 'sqlite://tables/';

export const tableResources: ResourceTemplateDefinition<SqliteDeps> = {
  uriTemplate: `${PREFIX}{table}`,
  name: 'table',
  title: 'Table schema',
  description: 'One table or view: its columns, keys and indexes.',
  mimeType: 'text/plain',
  async list(deps, signal) {
    const tables = await deps.run<TableInfo[]>({ op: 'tables' }, signal);
    return tables.map((t) => ({ uri: `${PREFIX}${encodeURIComponent(t.name)}`, name: t.name, description: `${t.type} ${t.name}${t.rows === null ? '' : ` (${t.rows} rows)`}` }));
  },
  async read(uri, deps, signal) {
    if (!uri.startsWith(PREFIX)) return undefined;
    const table = decodeURIComponent(uri.slice(PREFIX.length));
    return describeText(await deps.run<TableDescription>({ op: 'describe', table }, signal));
  },
};

export const insightsResource: ResourceDefinition<SqliteDeps> = {
  uri: 'memo://insights',
  name: 'insights',
  title: 'Insights memo',
  description: 'The business insights recorded with append_insight during this session.',
  mimeType: 'text/markdown',
  read(deps) {
    if (deps.insights.length === 0) return '# Insights\n\nNo insights recorded yet. Use append_insight to add one.';
    return `# Insights\n\n${deps.insights.map((i) => `- ${i}`).join('\n')}\n`;
  },
};
