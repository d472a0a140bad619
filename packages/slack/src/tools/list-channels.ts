import { z } from 'zod';
import { defineSlackTool } from '../deps.js';

export const listChannels = defineSlackTool({
  name: 'list_channels',
  title: 'List channels',
  description: 'Lists the channels this server may use (the allowlist, if set): name, ID, private or public, topic. By default only those the bot is a member of. Use the names (#general) anywhere a channel is expected.',
  kind: 'read',
  openWorld: true,
  input: z.object({
    member_only: z.boolean().default(true).describe('Only channels the bot is in.'),
    include_private: z.boolean().default(true),
    cursor: z.string().optional().describe('The next_cursor of the previous page.'),
    limit: z.number().int().min(1).max(500).default(200),
  }),
  output: z.object({ channels: z.array(z.object({ id: z.string(), name: z.string(), is_private: z.boolean(), is_member: z.boolean(), topic: z.string() })), next_cursor: z.string().optional() }),
  async handler({ member_only, include_private, cursor, limit }, { deps, signal }) {
    const all = (await deps.channels(signal))
      .filter((c) => deps.allowed(c) && (!member_only || c.is_member) && (include_private || !c.is_private))
      .map(({ id, name, is_private, is_member, topic }) => ({ id, name, is_private, is_member, topic }));
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString().replace(/^offset:/, '')) || 0 : 0;
    const channels = all.slice(offset, offset + limit);
    const more = offset + limit < all.length ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : undefined;
    return {
      text: channels.map((c) => `#${c.name} (${c.id})${c.is_private ? ' private' : ''}${c.is_member ? '' : ' not a member'}${c.topic ? ` — ${c.topic}` : ''}`).join('\n'),
      note: `${channels.length} of ${all.length} channels${more ? '; more with next_cursor' : ''}.`,
      structured: { channels, ...(more ? { next_cursor: more } : {}) },
      rows: channels.length,
    };
  },
});
