import type { PostgresDeps } from '../deps.js';
import { relationAllowed } from '../sql/guard.js';

/** Whether a schema may be shown under --schemas. */
export function schemaVisible(deps: PostgresDeps, schema: string): boolean {
  const schemas = deps.config.schemas;
  return !schemas?.length || schemas.includes(schema);
}

/** Whether a relation may be shown under --schemas / --tables (the guard's own rule). */
export function relationVisible(deps: PostgresDeps, schema: string, name: string): boolean {
  const allow = deps.allowlist;
  if (!allow.schemas && !allow.tables) return true;
  return relationAllowed({ schema, name }, allow);
}

export const RELKINDS: Record<string, string> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table' };
