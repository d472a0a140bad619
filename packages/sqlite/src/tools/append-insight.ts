import { z } from 'zod';
import { defineSqliteTool } from '../deps.js';

export const appendInsight = defineSqliteTool({
  name: 'append_insight',
  title: 'Record an insight',
  description:
    'Adds one business insight found while analysing the data to the memo (the memo://insights resource), so it can be summarised later. It does not touch the database.',
  input: z.object({ insight: z.string().min(1).max(4000).describe('One finding, in a sentence or two.') }),
  output: z.object({ insights: z.number().int().describe('Insights in the memo now.') }),
  kind: 'read', idempotent: false,
  handler({ insight }, { deps, resourcesChanged }) {
    deps.insights.push(insight);
    resourcesChanged();
    return { text: `Insight recorded (${deps.insights.length} in the memo).`, structured: { insights: deps.insights.length } };
  },
});
