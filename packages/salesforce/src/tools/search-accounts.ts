import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { soqlContains, soqlString } from '../soql.js';
import { recordsNote, recordsSchema, renderRecords, runSoql, where } from './common.js';

const FIELDS = ['Id', 'Name', 'Industry', 'Type', 'BillingCity', 'Phone', 'Website', 'Owner.Name', 'LastModifiedDate'];

export const searchAccounts = defineSalesforceTool({
  name: 'search_accounts',
  title: 'Search accounts',
  description: 'Finds accounts by part of the name, industry, type or city (all optional, combined with AND; none lists the most recently changed). Returns Id, name, industry, type, city, phone, website and owner. Use the Ids with get_related_records or the other sales tools.',
  kind: 'read',
  input: z.object({
    name: z.string().max(255).optional().describe('Part of the account name, any case.'),
    industry: z.string().max(100).optional(),
    type: z.string().max(100).optional().describe('e.g. Customer, Prospect, Partner.'),
    city: z.string().max(100).optional().describe('Billing city.'),
    limit: z.number().int().min(1).max(200).default(25),
  }),
  output: recordsSchema,
  async handler({ name, industry, type, city, limit }, ctx) {
    const soql = `SELECT ${FIELDS.join(', ')} FROM Account${where([name && `Name LIKE ${soqlContains(name)}`, industry && `Industry = ${soqlString(industry)}`, type && `Type = ${soqlString(type)}`, city && `BillingCity = ${soqlString(city)}`])} ORDER BY ${name ? 'Name' : 'LastModifiedDate DESC'} LIMIT ${limit}`;
    const { bytes: _b, next_cursor: _n, ...r } = await runSoql({ soql }, ctx, FIELDS);
    return { text: renderRecords, note: recordsNote(r, ['account', 'accounts']), structured: r, rows: r.rows.length, truncated: r.truncated };
  },
});
