import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { changes, checkFields, createRecord, fieldValues, idInput, objectInput, readFields, updateRecord, writeSchema } from './common.js';

export const createRecordTool = defineSalesforceTool({
  name: 'create_record',
  title: 'Create a record',
  description: 'Creates a record of any object in --writable-objects from field API names and values (describe_object lists the fields and which are required). Prefer the sales tools for tasks and activities. The user confirms it.',
  kind: 'write',
  confirm: true,
  input: z.object({ object: objectInput, fields: fieldValues.describe('Field API names and values, e.g. {"LastName": "Doe", "AccountId": "001…"}. Dates YYYY-MM-DD.') }),
  output: writeSchema,
  confirmIf: ({ object }, { deps }) => void deps.checkWritable(object),
  async preview({ object, fields }, ctx) {
    const values = await checkFields(object, fields, 'create', ctx);
    return `Create ${object}:\n${Object.entries(values).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n')}`;
  },
  async handler({ object, fields }, ctx) {
    const id = await createRecord(object, await checkFields(object, fields, 'create', ctx), ctx);
    return { note: `Created ${object} ${id}.`, structured: { object, id, success: true } };
  },
});

export const updateRecordTool = defineSalesforceTool({
  name: 'update_record',
  title: 'Update a record',
  description: 'Changes fields of one record of an object in --writable-objects, by Id. The user confirms it, seeing each old and new value. Use null to clear a field.',
  kind: 'destructive',
  idempotent: true,
  input: z.object({ object: objectInput, id: idInput('record'), fields: fieldValues.refine((f) => Object.keys(f).length > 0, 'at least one field') }),
  output: writeSchema,
  confirmIf: ({ object }, { deps }) => void deps.checkWritable(object),
  async preview({ object, id, fields }, ctx) {
    const values = await checkFields(object, fields, 'update', ctx);
    const before = await readFields(object, id, Object.keys(values), ctx);
    return `Update ${object} ${id}:\n${changes(before, values)}`;
  },
  async handler({ object, id, fields }, ctx) {
    await updateRecord(object, id, await checkFields(object, fields, 'update', ctx), ctx);
    return { note: `Updated ${object} ${id}.`, structured: { object, id, success: true } };
  },
});

export const deleteRecordTool = defineSalesforceTool({
  name: 'delete_record',
  title: 'Delete a record',
  description: 'Deletes one record of an object in --writable-objects, by Id (it goes to the Recycle Bin for 15 days). Only with --access-mode all; the user confirms it.',
  kind: 'destructive',
  unavailable: (config) => (config.readOnly || config.accessMode !== 'all' ? 'deleting records needs --access-mode all.' : undefined),
  input: z.object({ object: objectInput, id: idInput('record') }),
  output: writeSchema,
  confirmIf: ({ object }, { deps }) => void deps.checkWritable(object),
  async preview({ object, id }, ctx) {
    const d = await ctx.deps.describe(object, ctx.signal);
    const nameField = d.fields.find((f) => f.nameField)?.name;
    const rec = nameField ? await readFields(object, id, [nameField], ctx) : {};
    return `Delete ${object} ${id}${nameField ? ` (${JSON.stringify(rec[nameField])})` : ''}. It stays in the Recycle Bin for 15 days.`;
  },
  async handler({ object, id }, { deps, signal }) {
    await deps.request({ method: 'DELETE', url: `/services/data/v${deps.version}/sobjects/${object}/${id}` }, signal, `deleting ${object} ${id}`);
    return { note: `Deleted ${object} ${id}.`, structured: { object, id, success: true } };
  },
});
