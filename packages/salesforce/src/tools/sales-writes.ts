import { ConnectorError } from '@org/mcp-core';
import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { ID } from '../soql.js';
import { changes, createRecord, dateInput, day, fieldOf, pickValue, readFields, resolveRecord, updateRecord, writeSchema, type Ctx } from './common.js';

/** The stage change a call asks for, resolved against the org: the record, the picklist value, the fields. */
async function stageChange(input: { opportunity: string; stage: string; close_date?: string | undefined; amount?: number | undefined; next_step?: string | undefined }, ctx: Ctx) {
  const opp = await resolveRecord('Opportunity', input.opportunity, ctx);
  const fields = (await ctx.deps.describe('Opportunity', ctx.signal)).fields;
  const fieldsToSet: Record<string, unknown> = { StageName: pickValue(fieldOf(fields, 'StageName', 'Opportunity'), input.stage, 'Opportunity') };
  if (input.close_date) fieldsToSet.CloseDate = input.close_date;
  if (input.amount !== undefined) fieldsToSet.Amount = input.amount;
  if (input.next_step !== undefined) fieldsToSet.NextStep = input.next_step;
  return { opp, fieldsToSet };
}

export const updateOpportunityStage = defineSalesforceTool({
  name: 'update_opportunity_stage',
  title: 'Move an opportunity to a stage',
  description:
    'Moves an opportunity (Id, or a part of its name matching only one) to another stage, e.g. "Negotiation" for Negotiation/Review; optionally sets the close date, amount and next step at once. ' +
    'The stage must be one of the org\'s values (get_opportunity_details lists them). The user confirms the change, seeing the old and new values.',
  kind: 'destructive',
  idempotent: true,
  input: z.object({
    opportunity: z.string().min(2).max(255).describe('Opportunity Id, or a part of its name.'),
    stage: z.string().min(2).max(100).describe('The new stage (a unique part is enough).'),
    close_date: dateInput.optional().describe('New close date, YYYY-MM-DD.'),
    amount: z.number().min(0).optional(),
    next_step: z.string().max(255).optional(),
  }),
  output: writeSchema,
  confirmIf: (_input, { deps }) => void deps.checkWritable('Opportunity'),
  async preview(input, ctx) {
    const { opp, fieldsToSet } = await stageChange(input, ctx);
    const before = await readFields('Opportunity', opp.id, Object.keys(fieldsToSet), ctx);
    return `Update opportunity ${JSON.stringify(opp.name)} (${opp.id}):\n${changes(before, fieldsToSet)}`;
  },
  async handler(input, ctx) {
    const { opp, fieldsToSet } = await stageChange(input, ctx);
    await updateRecord('Opportunity', opp.id, fieldsToSet, ctx);
    return { note: `Opportunity ${opp.id} is now at ${String(fieldsToSet.StageName)}.`, structured: { object: 'Opportunity', id: opp.id, success: true } };
  },
});

const relatedInput = z.string().regex(ID, 'a Salesforce record Id').describe('The Id of the record it is about: an Opportunity, Account or Case (001…, 006…), or a Contact or Lead (003…, 00Q…).');

/** WhatId (what it is about) or WhoId (who it is with), by the related record's object. */
async function relate(id: string, ctx: Ctx): Promise<{ field: 'WhatId' | 'WhoId'; object: string; name: string }> {
  const object = await ctx.deps.objectOf(id, ctx.signal);
  const { name } = await resolveRecord(object, id, ctx);
  return { field: object === 'Contact' || object === 'Lead' ? 'WhoId' : 'WhatId', object, name };
}

const taskLines = (t: Record<string, unknown>, rel: { object: string; name: string }) =>
  [`  Subject: ${JSON.stringify(t.Subject)}`, `  Related to: ${rel.object} ${JSON.stringify(rel.name)}`, ...Object.entries(t).filter(([k]) => !['Subject', 'WhatId', 'WhoId'].includes(k)).map(([k, v]) => `  ${k}: ${k === 'ActivityDate' ? day(String(v)) : JSON.stringify(v)}`)].join('\n');

export const createFollowUpTask = defineSalesforceTool({
  name: 'create_follow_up_task',
  title: 'Create a follow-up task',
  description:
    'Creates an open Task (a to-do) due on a date, related to an opportunity, account, contact or lead by its Id, e.g. "follow up with Acme on Friday". Give the due date as YYYY-MM-DD, worked out from today\'s date; the user sees the weekday when confirming. ' +
    'Assigned to the Salesforce user the server logs in as unless owner_id is given.',
  kind: 'write',
  confirm: true,
  input: z.object({
    related_to: relatedInput,
    subject: z.string().min(1).max(255),
    due_date: dateInput.describe('Due date, YYYY-MM-DD.'),
    priority: z.enum(['High', 'Normal', 'Low']).default('Normal'),
    description: z.string().max(32_000).optional(),
    owner_id: z.string().regex(ID, 'a User Id (005…)').optional().describe('User Id (005…) to assign it to.'),
  }),
  output: writeSchema,
  confirmIf: (_input, { deps }) => void deps.checkWritable('Task'),
  async preview(input, ctx) {
    const rel = await relate(input.related_to, ctx);
    return `Create a task:\n${taskLines(task(input, rel), rel)}`;
  },
  async handler(input, ctx) {
    const rel = await relate(input.related_to, ctx);
    const id = await createRecord('Task', task(input, rel), ctx);
    return { note: `Created task ${id}, due ${day(input.due_date)}.`, structured: { object: 'Task', id, success: true } };
  },
});

function task(input: { related_to: string; subject: string; due_date: string; priority: string; description?: string | undefined; owner_id?: string | undefined }, rel: { field: string }) {
  return {
    Subject: input.subject,
    [rel.field]: input.related_to,
    ActivityDate: input.due_date,
    Status: 'Not Started',
    Priority: input.priority,
    ...(input.description ? { Description: input.description } : {}),
    ...(input.owner_id ? { OwnerId: input.owner_id } : {}),
  };
}

const SUBTYPE: Record<string, string> = { Call: 'Call', Email: 'Email' };

export const logActivity = defineSalesforceTool({
  name: 'log_activity',
  title: 'Log an activity',
  description: 'Records something that happened (a call, email or meeting) as a completed Task on an opportunity, account, contact or lead, by its Id. For something still to do, use create_follow_up_task.',
  kind: 'write',
  confirm: true,
  privateArguments: ['description'],
  input: z.object({
    related_to: relatedInput,
    type: z.enum(['Call', 'Email', 'Meeting', 'Other']),
    subject: z.string().min(1).max(255),
    date: dateInput.optional().describe('When it happened, YYYY-MM-DD (default: today, UTC).'),
    description: z.string().max(32_000).optional().describe('Notes.'),
  }),
  output: writeSchema,
  confirmIf: (_input, { deps }) => void deps.checkWritable('Task'),
  async preview(input, ctx) {
    const rel = await relate(input.related_to, ctx);
    return `Log a completed ${input.type.toLowerCase()}:\n${taskLines(activity(input, rel), rel)}`;
  },
  async handler(input, ctx) {
    const rel = await relate(input.related_to, ctx);
    const id = await createRecord('Task', activity(input, rel), ctx);
    return { note: `Logged ${input.type.toLowerCase()} ${id} on ${rel.object} ${input.related_to}.`, structured: { object: 'Task', id, success: true } };
  },
});

function activity(input: { related_to: string; type: string; subject: string; date?: string | undefined; description?: string | undefined }, rel: { field: string }) {
  return {
    Subject: input.subject,
    [rel.field]: input.related_to,
    Type: input.type,
    TaskSubtype: SUBTYPE[input.type] ?? 'Task',
    Status: 'Completed',
    ActivityDate: input.date ?? new Date().toISOString().slice(0, 10),
    ...(input.description ? { Description: input.description } : {}),
  };
}

export const updateLeadStatus = defineSalesforceTool({
  name: 'update_lead_status',
  title: 'Update a lead status',
  description: 'Sets a lead\'s Status (e.g. Working - Contacted; a unique part such as "working" is enough). The value must be one of the org\'s lead statuses; converting a lead is not done here. The user confirms the change.',
  kind: 'destructive',
  idempotent: true,
  input: z.object({ lead: z.string().min(2).max(255).describe('Lead Id (00Q…), or a part of its name.'), status: z.string().min(2).max(100) }),
  output: writeSchema,
  confirmIf: (_input, { deps }) => void deps.checkWritable('Lead'),
  async preview({ lead, status }, ctx) {
    const { rec, value } = await leadChange(lead, status, ctx);
    const before = await readFields('Lead', rec.id, ['Status'], ctx);
    return `Update lead ${JSON.stringify(rec.name)} (${rec.id}):\n${changes(before, { Status: value })}`;
  },
  async handler({ lead, status }, ctx) {
    const { rec, value } = await leadChange(lead, status, ctx);
    await updateRecord('Lead', rec.id, { Status: value }, ctx);
    return { note: `Lead ${rec.id} is now ${value}.`, structured: { object: 'Lead', id: rec.id, success: true } };
  },
});

async function leadChange(lead: string, status: string, ctx: Ctx) {
  const rec = await resolveRecord('Lead', lead, ctx);
  const value = pickValue(fieldOf((await ctx.deps.describe('Lead', ctx.signal)).fields, 'Status', 'Lead'), status, 'Lead');
  if (/converted/i.test(value) && !/not converted/i.test(value)) throw new ConnectorError('invalid_input', `"${value}" is set by converting the lead, which this tool does not do.`, 'Ask the user to convert it in Salesforce.');
  return { rec, value };
}
