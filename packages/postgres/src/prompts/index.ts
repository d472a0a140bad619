import { definePrompt } from '@org/mcp-core';
import { z } from 'zod';

export const exploreSchema = definePrompt({
  name: 'explore_schema',
  title: 'Explore the schema',
  description: 'Walks through the database structure: schemas, the main tables, how they join, and what questions the data can answer.',
  args: z.object({ schema: z.string().optional().describe('Focus on one schema. Default: all visible schemas.') }),
  render({ schema }) {
    return [
      {
        role: 'user',
        text: [
          `Help me understand the structure of this PostgreSQL database${schema ? `, schema "${schema}"` : ''}.`,
          '',
          `1. ${schema ? `Call list_tables with schema "${schema}"` : 'Call list_schemas, then list_tables'} to see what exists (row counts are estimates).`,
          '2. For the tables that look central, call describe_table: note primary keys and the foreign keys that say how tables join.',
          '3. Summarise the entities, their relationships (as a short list of joins), and five questions the data could answer.',
          '',
          'Only read; do not run heavy queries on large tables to explore.',
        ].join('\n'),
      },
    ];
  },
});

export const writeSafeQuery = definePrompt({
  name: 'write_safe_query',
  title: 'Write a safe query',
  description: 'Turns a question into one efficient, read-only SQL query: checks the schema first, bounds the result, and explains the plan when the tables are large.',
  args: z.object({ question: z.string().describe('The question to answer, in plain words.') }),
  render({ question }) {
    return [
      {
        role: 'user',
        text: [
          `Answer this question with one read-only SQL query: ${question}`,
          '',
          '- Check the tables and columns you need with describe_table before writing SQL; do not guess names.',
          '- Write one SELECT (CTEs are fine). Pass values as params ($1, $2, …) instead of pasting them into the text.',
          '- Aggregate in SQL and add LIMIT rather than fetching raw rows; if a table has millions of rows, run explain first and make sure the filter uses an index.',
          '- Run it with query, then answer in plain words and show the SQL you used.',
        ].join('\n'),
      },
    ];
  },
});
