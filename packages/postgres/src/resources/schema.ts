import type { ResourceDefinition, ResourceTemplateDefinition } from '@org/mcp-core';
import type { PostgresDeps } from '../deps.js';
import { relationVisible, schemaVisible } from '../tools/catalog.js';
import { describe, describeText } from '../tools/describe-table.js';

const PREFIX = 'postgres://tables/';
/** Catalog reads for resources are short; they are not tool calls with a --timeout. */
const RESOURCE_TIMEOUT_MS = 15_000;

export const overviewResource: ResourceDefinition<PostgresDeps> = {
  uri: 'postgres://overview',
  name: 'overview',
  title: 'Database overview',
  description: 'The server version, the database, the role this server connects as, and the visible schemas with their tables.',
  mimeType: 'text/markdown',
  async read(deps, signal) {
    const head = await deps.catalog('SELECT version(), current_database(), current_user', [], signal, RESOURCE_TIMEOUT_MS);
    const [version, database, role] = head.rows[0] as [string, string, string];
    const rels = await deps.catalog(
      `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2`,
      [],
      signal,
      RESOURCE_TIMEOUT_MS,
    );
    const bySchema = new Map<string, string[]>();
    for (const [schema, name] of rels.rows as Array<[string, string]>) {
      if (!schemaVisible(deps, schema) || !relationVisible(deps, schema, name)) continue;
      bySchema.set(schema, [...(bySchema.get(schema) ?? []), name]);
    }
    const schemas = [...bySchema].map(([schema, names]) => `- **${schema}**: ${names.join(', ')}`);
    return [`# ${database}`, '', `- server: ${version}`, `- role: ${role}`, '', '## Schemas and tables', '', ...(schemas.length ? schemas : ['(none visible)'])].join('\n');
  },
};

export const tableResources: ResourceTemplateDefinition<PostgresDeps> = {
  uriTemplate: `${PREFIX}{schema}/{table}`,
  name: 'table',
  title: 'Table schema',
  description: 'One table or view in any schema: columns, keys, constraints, indexes and comments.',
  mimeType: 'text/plain',
  async list(deps, signal) {
    const r = await deps.catalog(
      `SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2`,
      [],
      signal,
      RESOURCE_TIMEOUT_MS,
    );
    return (r.rows as Array<[string, string, string]>)
      .filter(([schema, name]) => relationVisible(deps, schema, name))
      .map(([schema, name]) => ({ uri: `${PREFIX}${encodeURIComponent(schema)}/${encodeURIComponent(name)}`, name: `${schema}.${name}` }));
  },
  async read(uri, deps, signal) {
    if (!uri.startsWith(PREFIX)) return undefined;
    const parts = uri.slice(PREFIX.length).split('/');
    if (parts.length !== 2) return undefined;
    const [schema, table] = parts.map(decodeURIComponent) as [string, string];
    return describeText(await describe(deps, schema, table, signal, RESOURCE_TIMEOUT_MS));
  },
};
