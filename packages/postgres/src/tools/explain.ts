import { ConnectorError } from '@org/mcp-core';
import { z } from 'zod';
import { definePostgresTool } from '../deps.js';
import { sqlInput } from './schemas.js';

export const explain = definePostgresTool({
  name: 'explain',
  title: 'Explain a query plan',
  description:
    'Shows the plan PostgreSQL would use for a read-only query (EXPLAIN), without running it. With analyze: true the query is run (read-only, rolled back) to report real timings and row counts; that works only for a plain SELECT. ' +
    'Use it to find missing indexes or slow joins before running a heavy query.',
  input: z.object({ ...sqlInput, analyze: z.boolean().default(false).describe('Run the query to measure it (EXPLAIN ANALYZE). Only for a plain SELECT.') }),
  output: z.object({ plan: z.string() }),
  kind: 'read',
  async handler({ sql, params, analyze }, { deps, signal, config }) {
    // The statement to explain must itself be an allowed read (its own verdict names what is wrong).
    const inner = await deps.classify(sql);
    if (inner.kind === 'explain') throw new ConnectorError('invalid_input', 'Pass the query itself, without EXPLAIN: this tool adds it.');
    if (analyze && inner.kind !== 'select') throw new ConnectorError('denied', 'analyze works only for a plain SELECT; call explain without analyze for this statement.');
    const text = `EXPLAIN (FORMAT TEXT${analyze ? ', ANALYZE, BUFFERS' : ''}) ${sql}`;
    const r = await deps.query(text, params ?? [], { maxRows: 10_000, maxBytes: 1024 * 1024 }, config.timeout, signal, { allowExplainAnalyze: analyze });
    const plan = r.rows.map((row) => String(row[0])).join('\n');
    return { text: plan, structured: { plan }, rows: r.rowCount };
  },
});
