import { ConnectorError } from '@org/mcp-core';
import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { recordsNote, recordsSchema, renderRecords, runSoql } from './common.js';

export const soqlQuery = defineSalesforceTool({
  name: 'soql_query',
  title: 'Run a SOQL query',
  description:
    'Runs a SOQL SELECT statement and returns the records as a table (relationship fields as Account.Name). Use it for any question the search tools do not cover: aggregates (COUNT(), SUM(Amount) … GROUP BY StageName), date literals (LAST_N_DAYS:14), subqueries. ' +
    'A LIMIT of at most --max-records is added or enforced; a page holds at most --max-rows records, and next_cursor (passed back as cursor) reads the next page. FOR VIEW, FOR REFERENCE and FOR UPDATE are refused. describe_object gives the field names.',
  kind: 'read',
  input: z.object({
    soql: z.string().max(100_000).optional().describe('The SELECT statement, e.g. SELECT Id, Name, Amount FROM Opportunity WHERE IsClosed = false ORDER BY Amount DESC.'),
    include_deleted: z.boolean().default(false).describe('Also return deleted and archived records (queryAll).'),
    cursor: z.string().max(20_000).optional().describe('next_cursor of the previous page, to read the next one (soql is then not needed).'),
  }),
  output: recordsSchema.extend({ next_cursor: z.string().optional() }),
  async handler({ soql, include_deleted, cursor }, ctx) {
    if (!cursor && !soql) throw new ConnectorError('invalid_input', 'Give soql (a SELECT statement), or cursor to continue a previous query.');
    const r = await runSoql(cursor ? { cursor } : { soql: soql!, all: include_deleted }, ctx);
    const { bytes: _bytes, ...structured } = r;
    return { text: renderRecords, note: recordsNote(r), structured, rows: r.rows.length, truncated: r.truncated };
  },
});
