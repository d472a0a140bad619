import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { soqlString } from '../soql.js';
import { renderRecords, resolveRecord, runSoql, tableSchema } from './common.js';

const FIELDS = ['Id', 'Name', 'Account.Name', 'AccountId', 'Amount', 'StageName', 'Probability', 'CloseDate', 'Type', 'NextStep', 'Description', 'Owner.Name', 'CreatedDate', 'LastModifiedDate'];
const TASK_FIELDS = ['Id', 'Subject', 'Status', 'ActivityDate', 'Type', 'Who.Name', 'Owner.Name'];

export const getOpportunityDetails = defineSalesforceTool({
  name: 'get_opportunity_details',
  title: 'Get opportunity details',
  description: 'Shows one opportunity (by Id, or by a part of its name that matches only one): amount, stage, close date, account, owner, next step, its recent activities (tasks), and the stages it can move to.',
  kind: 'read',
  input: z.object({ opportunity: z.string().min(2).max(255).describe('Opportunity Id, or a part of its name.') }),
  output: z.object({ opportunity: tableSchema, activities: tableSchema, stages: z.array(z.string()) }),
  async handler({ opportunity }, ctx) {
    const { id } = await resolveRecord('Opportunity', opportunity, ctx);
    const [opp, tasks, describe] = await Promise.all([
      runSoql({ soql: `SELECT ${FIELDS.join(', ')} FROM Opportunity WHERE Id = ${soqlString(id)}` }, ctx, FIELDS),
      runSoql({ soql: `SELECT ${TASK_FIELDS.join(', ')} FROM Task WHERE WhatId = ${soqlString(id)} ORDER BY ActivityDate DESC NULLS LAST LIMIT 10` }, ctx, TASK_FIELDS),
      ctx.deps.describe('Opportunity', ctx.signal),
    ]);
    const stages = (describe.fields.find((f) => f.name === 'StageName')?.picklistValues ?? []).filter((v) => v.active).map((v) => v.value);
    const structured = { opportunity: { columns: opp.columns, rows: opp.rows }, activities: { columns: tasks.columns, rows: tasks.rows }, stages };
    return {
      text: (s: typeof structured) => `${renderRecords(s.opportunity)}\n\nRecent activities:\n${s.activities.rows.length ? renderRecords(s.activities) : '(none)'}\n\nStages: ${s.stages.join(', ')}`,
      structured,
      rows: 1 + tasks.rows.length,
    };
  },
});
