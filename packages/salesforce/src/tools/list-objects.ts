import { z } from 'zod';
import { defineSalesforceTool } from '../deps.js';

export const listObjects = defineSalesforceTool({
  name: 'list_objects',
  title: 'List objects',
  description: 'Lists the org\'s objects (standard and custom) with API name, label and what the user may do with them. Filter by part of the name or label; custom objects end in __c. Use the API names in soql_query and describe_object.',
  kind: 'read',
  input: z.object({
    search: z.string().max(100).optional().describe('Part of the API name or label, any case.'),
    custom_only: z.boolean().default(false),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  output: z.object({ total: z.number(), objects: z.array(z.object({ name: z.string(), label: z.string(), custom: z.boolean(), queryable: z.boolean(), createable: z.boolean(), updateable: z.boolean(), deletable: z.boolean() })) }),
  async handler({ search, custom_only, limit }, { deps, signal }) {
    const q = search?.toLowerCase();
    const all = (await deps.objects(signal))
      .filter((o) => o.queryable && (!custom_only || o.custom) && (!q || o.name.toLowerCase().includes(q) || o.label.toLowerCase().includes(q)))
      .map(({ name, label, custom, queryable, createable, updateable, deletable }) => ({ name, label, custom, queryable, createable, updateable, deletable }));
    const objects = all.slice(0, limit);
    return {
      text: objects.map((o) => `${o.name} (${o.label})${o.custom ? ' custom' : ''}${o.createable || o.updateable ? '' : ' read-only'}`).join('\n'),
      note: `${objects.length} of ${all.length} objects.${all.length > objects.length ? ' Narrow with search.' : ''}`,
      structured: { total: all.length, objects },
      rows: objects.length,
    };
  },
});
