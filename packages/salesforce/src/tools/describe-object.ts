import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';
import { objectInput } from './common.js';

const fieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean(),
  createable: z.boolean(),
  updateable: z.boolean(),
  length: z.number().optional(),
  picklist: z.array(z.string()).optional(),
  references: z.array(z.string()).optional(),
  relationship: z.string().optional(),
});

export const describeObject = defineSalesforceTool({
  name: 'describe_object',
  title: 'Describe an object',
  description:
    'Shows an object\'s fields (API name, label, type, required, whether they can be set), picklist values, lookups (references and relationship names, for Account.Name in SOQL) and child relationships (for get_related_records). ' +
    'Trimmed for a model: Salesforce\'s full describe is far longer. Call it before writing SOQL or setting fields of an object you have not seen.',
  kind: 'read',
  input: z.object({ object: objectInput, search: z.string().max(100).optional().describe('Only fields whose name or label contains this, any case.') }),
  output: z.object({
    name: z.string(),
    label: z.string(),
    keyPrefix: z.string().nullable(),
    createable: z.boolean(),
    updateable: z.boolean(),
    deletable: z.boolean(),
    fields: z.array(fieldSchema),
    childRelationships: z.array(z.object({ relationship: z.string(), object: z.string(), field: z.string() })),
    recordTypes: z.array(z.string()),
  }),
  async handler({ object, search }, { deps, signal }) {
    const d = await deps.describe(object, signal);
    const q = search?.toLowerCase();
    const fields = d.fields
      .filter((f) => !q || f.name.toLowerCase().includes(q) || f.label.toLowerCase().includes(q))
      .map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        required: f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean',
        createable: f.createable,
        updateable: f.updateable,
        ...(f.type === 'string' || f.type === 'textarea' ? { length: f.length } : {}),
        ...(f.picklistValues?.length ? { picklist: f.picklistValues.filter((v) => v.active).map((v) => v.value) } : {}),
        ...(f.referenceTo?.length ? { references: f.referenceTo } : {}),
        ...(f.relationshipName ? { relationship: f.relationshipName } : {}),
      }));
    const childRelationships = d.childRelationships.filter((c) => c.relationshipName).map((c) => ({ relationship: c.relationshipName!, object: c.childSObject, field: c.field }));
    const recordTypes = (d.recordTypeInfos ?? []).filter((r) => r.active && r.available && !r.master).map((r) => r.name);
    const line = (f: (typeof fields)[number]) =>
      `${f.name} (${f.label}): ${f.type}${f.required ? ', required' : ''}${f.createable || f.updateable ? '' : ', read-only'}${f.references ? ` → ${f.references.join('|')}${f.relationship ? ` as ${f.relationship}` : ''}` : ''}${f.picklist ? ` [${f.picklist.join(', ')}]` : ''}`;
    return {
      text: [`${d.name} (${d.label}), Id prefix ${d.keyPrefix ?? 'none'}`, ...fields.map(line), ...(childRelationships.length ? ['Child relationships:', ...childRelationships.map((c) => `${c.relationship}: ${c.object}.${c.field}`)] : [])].join('\n'),
      note: `${fields.length} of ${d.fields.length} fields.`,
      structured: { name: d.name, label: d.label, keyPrefix: d.keyPrefix, createable: d.createable, updateable: d.updateable, deletable: d.deletable, fields, childRelationships, recordTypes },
    };
  },
});
