import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';
import type { PlanStep } from '../engine/protocol.js';
import { sqlInput } from './schemas.js';

/** Renders EXPLAIN QUERY PLAN rows as the indented tree the sqlite3 shell prints. */
export function planText(plan: PlanStep[]): string {
  const depth = new Map<number, number>([[0, -1]]);
  return plan
    .map((s) => {
      const d = (depth.get(s.parent) ?? -1) + 1;
      depth.set(s.id, d);
      return `${'  '.repeat(d)}${s.detail}`;
    })
    .join('\n');
}

export const explainQuery = defineSqliteTool({
  name: 'explain_query',
  title: 'Explain a query plan',
  description:
    'Shows how SQLite would run a read-only query (EXPLAIN QUERY PLAN) without running it: which tables are scanned, which indexes are used. Use it to check that a query over a large table uses an index.',
  input: z.object(sqlInput),
  output: z.object({ plan: z.array(z.object({ id: z.number().int(), parent: z.number().int(), detail: z.string() })) }),
  kind: 'read',
  async handler({ sql, params }, { deps, signal }) {
    const plan = await deps.run<PlanStep[]>({ op: 'explain', sql, ...(params ? { params } : {}) }, signal);
    return { text: planText(plan) || '(empty plan)', structured: { plan }, rows: plan.length };
  },
});
