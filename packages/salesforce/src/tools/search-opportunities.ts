import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { ID, soqlContains, soqlString } from '../soql.js';
import { pickValue, recordsNote, recordsSchema, renderRecords, runSoql, where } from './common.js';

const FIELDS = ['Id', 'Name', 'Account.Name', 'Amount', 'StageName', 'CloseDate', 'Probability', 'Owner.Name', 'NextStep', 'LastModifiedDate'];

export const searchOpportunities = defineSalesforceTool({
  name: 'search_opportunities',
  title: 'Search opportunities',
  description:
    'Finds opportunities (deals) by account (Id or part of its name), part of the name, amount range, stage, owner, how long since they were last changed, and when they close; open ones only unless open_only is false. ' +
    'Answers questions like "Acme deals over 50K not updated in two weeks" (account "Acme", min_amount 50000, not_updated_days 14). Sorted by amount, largest first.',
  kind: 'read',
  input: z.object({
    account: z.string().max(255).optional().describe('Account Id, or part of the account name.'),
    name: z.string().max(120).optional().describe('Part of the opportunity name.'),
    min_amount: z.number().optional(),
    max_amount: z.number().optional(),
    stage: z.string().max(100).optional().describe('A stage, e.g. Prospecting or Negotiation/Review (a unique part is enough).'),
    owner: z.string().max(121).optional().describe('Part of the owner\'s name.'),
    not_updated_days: z.number().int().min(1).max(3650).optional().describe('Only those not changed in this many days.'),
    closing_within_days: z.number().int().min(0).max(3650).optional().describe('Only those with a close date from today to this many days ahead.'),
    open_only: z.boolean().default(true).describe('Leave out closed (won or lost) opportunities.'),
    limit: z.number().int().min(1).max(200).default(25),
  }),
  output: recordsSchema,
  async handler(input, ctx) {
    const stage = input.stage && pickValue((await ctx.deps.describe('Opportunity', ctx.signal)).fields.find((f) => f.name === 'StageName')!, input.stage, 'Opportunity');
    const conds = [
      input.account && (ID.test(input.account) ? `AccountId = ${soqlString(input.account)}` : `Account.Name LIKE ${soqlContains(input.account)}`),
      input.name && `Name LIKE ${soqlContains(input.name)}`,
      input.min_amount !== undefined && `Amount >= ${input.min_amount}`,
      input.max_amount !== undefined && `Amount <= ${input.max_amount}`,
      stage && `StageName = ${soqlString(stage)}`,
      input.owner && `Owner.Name LIKE ${soqlContains(input.owner)}`,
      input.not_updated_days !== undefined && `LastModifiedDate < LAST_N_DAYS:${input.not_updated_days}`,
      // NEXT_N_DAYS:n starts tomorrow: today is added, and <= takes the range up to its end.
      input.closing_within_days !== undefined && `CloseDate >= TODAY AND CloseDate <= NEXT_N_DAYS:${input.closing_within_days}`,
      input.open_only && 'IsClosed = false',
    ];
    const soql = `SELECT ${FIELDS.join(', ')} FROM Opportunity${where(conds)} ORDER BY Amount DESC NULLS LAST LIMIT ${input.limit}`;
    const { bytes: _b, next_cursor: _n, ...r } = await runSoql({ soql }, ctx, FIELDS);
    return { text: renderRecords, note: recordsNote(r, ['opportunity', 'opportunities']), structured: r, rows: r.rows.length, truncated: r.truncated };
  },
});
