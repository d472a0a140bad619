import { z } from 'zod';
import { defineSalesforceTool, table, type SfRecord } from '../deps.js';
import { FIELD } from '../soql.js';
import { idInput, objectInput, recordsNote, recordsSchema, renderRecords } from './common.js';

export const getRelatedRecords = defineSalesforceTool({
  name: 'get_related_records',
  title: 'Get related records',
  description: 'Reads the child records of a record through a child relationship, e.g. the Contacts or Opportunities of an Account, the Tasks of an Opportunity. describe_object lists an object\'s child relationships.',
  kind: 'read',
  input: z.object({
    object: objectInput.describe('The parent object, e.g. Account.'),
    id: idInput('record'),
    relationship: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a relationship name such as Contacts').describe('The child relationship name, e.g. Contacts, Opportunities, Tasks.'),
    fields: z.array(z.string().regex(FIELD, 'a field API name')).max(100).optional().describe('Fields of the child records; default: every field.'),
  }),
  output: recordsSchema,
  async handler({ object, id, relationship, fields }, { deps, signal, limits }) {
    const r = await deps.request<{ totalSize?: number; records?: SfRecord[] } & SfRecord>(
      { url: `/services/data/v${deps.version}/sobjects/${object}/${id}/${relationship}${fields?.length ? `?fields=${fields.join(',')}` : ''}` },
      signal,
      `reading the ${relationship} of ${object} ${id}`,
    );
    // A child relationship answers with a query result; a lookup (Account of a Contact) with one record.
    const all = r.records ?? [r];
    const kept = all.slice(0, limits.maxRows);
    const out = { ...table(kept, fields), totalSize: r.totalSize ?? all.length, truncated: kept.length < all.length };
    return { text: renderRecords, note: recordsNote(out), structured: out, rows: kept.length, truncated: out.truncated };
  },
});
