import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { ID, soqlContains, soqlString } from '../soql.js';
import { recordsNote, recordsSchema, renderRecords, runSoql, where } from './common.js';

const FIELDS = ['Id', 'Name', 'Title', 'Email', 'Phone', 'Account.Name', 'AccountId'];

export const searchContacts = defineSalesforceTool({
  name: 'search_contacts',
  title: 'Search contacts',
  description: 'Finds contacts by part of their name or email, their account (Id or part of its name) and title (all optional, combined with AND). Returns Id, name, title, email, phone and account.',
  kind: 'read',
  input: z.object({
    query: z.string().max(255).optional().describe('Part of the name or email, any case.'),
    account: z.string().max(255).optional().describe('Account Id, or part of the account name.'),
    title: z.string().max(128).optional().describe('Part of the title, e.g. VP.'),
    limit: z.number().int().min(1).max(200).default(25),
  }),
  output: recordsSchema,
  async handler({ query, account, title, limit }, ctx) {
    const conds = [
      query && `(Name LIKE ${soqlContains(query)} OR Email LIKE ${soqlContains(query)})`,
      account && (ID.test(account) ? `AccountId = ${soqlString(account)}` : `Account.Name LIKE ${soqlContains(account)}`),
      title && `Title LIKE ${soqlContains(title)}`,
    ];
    const soql = `SELECT ${FIELDS.join(', ')} FROM Contact${where(conds)} ORDER BY Name LIMIT ${limit}`;
    const { bytes: _b, next_cursor: _n, ...r } = await runSoql({ soql }, ctx, FIELDS);
    return { text: renderRecords, note: recordsNote(r, ['contact', 'contacts']), structured: r, rows: r.rows.length, truncated: r.truncated };
  },
});
