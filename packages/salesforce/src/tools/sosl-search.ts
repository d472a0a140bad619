import { z } from 'zod';
import { defineSalesforceTool, type SfRecord } from '../deps.js';
import { ConnectorError } from '@org/mcp-core';
import { guardSosl, soslTerm } from '../soql.js';
import { recordsNote, recordsSchema, renderRecords } from './common.js';
import { table } from '../deps.js';

export const soslSearch = defineSalesforceTool({
  name: 'sosl_search',
  title: 'Search with SOSL',
  description:
    'Full-text search across objects: plain text in term, or a SOSL FIND statement, e.g. FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name), Contact(Id, Name, Email). ' +
    'Use it when you do not know which object holds a name, email or phone number. Returns one table with the object of each record in the "type" column; a LIMIT of at most --max-records is added.',
  kind: 'read',
  input: z.object({
    sosl: z.string().min(6).max(20_000).optional().describe('A SOSL FIND statement; the search term goes in braces.'),
    term: z.string().min(2).max(1000).optional().describe('Instead of sosl: plain text to find in every field (its SOSL characters are escaped).'),
    objects: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/)).min(1).max(20).default(['Account', 'Contact', 'Lead', 'Opportunity']).describe('With term: the objects to search (Id and Name of each are returned).'),
  }),
  output: recordsSchema,
  async handler({ sosl, term, objects }, { deps, signal, limits }) {
    if (!sosl === !term) throw new ConnectorError('invalid_input', 'Give either sosl (a FIND statement) or term (plain text), not both and not neither.');
    const statement = sosl ?? `FIND ${soslTerm(term!)} IN ALL FIELDS RETURNING ${objects.map((o) => `${o}(Id, Name)`).join(', ')}`;
    const q = guardSosl(statement, Math.min(deps.config.maxRecords, 2000));
    const r = await deps.request<{ searchRecords: SfRecord[] }>({ url: `/services/data/v${deps.version}/search?q=${encodeURIComponent(q)}` }, signal, 'the search');
    const all = r.searchRecords.map((rec) => ({ type: rec.attributes?.type ?? '', ...rec }));
    const kept = all.slice(0, limits.maxRows);
    const t = table(kept, ['type', 'Id']);
    const out = { ...t, totalSize: all.length, truncated: kept.length < all.length };
    return { text: renderRecords, note: recordsNote(out), structured: out, rows: kept.length, truncated: out.truncated };
  },
});
