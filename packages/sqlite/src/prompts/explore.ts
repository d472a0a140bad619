import { definePrompt } from '@org/mcp-core';
import { z } from 'zod';

export const explorePrompt = definePrompt({
  name: 'explore_data',
  title: 'Explore the data',
  description: 'Guides an analysis of the database around a topic: look at the schema, ask questions with read-only queries, record insights, then summarise.',
  args: z.object({
    topic: z.string().optional().describe('What to investigate, e.g. "repeat customers" or "revenue by category". Default: whatever stands out.'),
  }),
  render({ topic }) {
    return [
      {
        role: 'user',
        text: [
          `Help me understand this SQLite database${topic ? `, with a focus on: ${topic}` : ''}.`,
          '',
          '1. Call list_tables, then describe_table for the tables that matter, to learn the schema and how tables join.',
          '2. Ask a few concrete questions of the data and answer each with read_query. Prefer aggregates (COUNT, SUM, GROUP BY) and LIMIT over reading whole tables; use explain_query if a query may be slow.',
          '3. Each time you find something worth keeping, record it with append_insight.',
          '4. Finish with a short summary of the insights (they are in the memo://insights resource) and the SQL behind each.',
          '',
          'Do not change any data. If a result is truncated, narrow the query rather than paging through everything.',
        ].join('\n'),
      },
    ];
  },
});
