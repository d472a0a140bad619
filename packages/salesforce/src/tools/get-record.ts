import { z } from 'zod';
import { defineSalesforceTool, table, type SfRecord } from '../deps.js';
import { FIELD } from '../soql.js';
import { idInput, objectInput, renderRecords, tableSchema } from './common.js';

export const getRecord = defineSalesforceTool({
  name: 'get_record',
  title: 'Get a record',
  description: 'Reads one record by object and Id: the fields named, or every field. Returns a one-row table.',
  kind: 'read',
  input: z.object({
    object: objectInput,
    id: idInput('record'),
    fields: z.array(z.string().regex(FIELD, 'a field API name')).max(200).optional().describe('Field API names; default: every field.'),
  }),
  output: tableSchema.extend({ object: z.string(), id: z.string() }),
  async handler({ object, id, fields }, { deps, signal }) {
    const r = await deps.request<SfRecord>({ url: `/services/data/v${deps.version}/sobjects/${object}/${id}${fields?.length ? `?fields=${fields.join(',')}` : ''}` }, signal, `reading ${object} ${id}`);
    const t = table([r], fields);
    return { text: renderRecords, structured: { object, id, ...t }, rows: 1 };
  },
});
