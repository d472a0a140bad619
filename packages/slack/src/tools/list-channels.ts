import { z } from 'zod';
import { defineSlackTool } from '../deps.js';

export const listChannels = defineSlackTool({
  name: 'list_channels',
  title: 'List channels',
  description: 'Lists the channels this server may use (the allowlist, if set): name, ID, private or public, topic. By default only those the bot is a member of. Use the names (#general) anywhere a channel is expected.',
  kind: 'read',
  openWorld: true,
  input: z.object({ member_only: z.boolean().default(true).describe('Only channels the bot is in.'), include_private: z.boolean().default(true) }),
  output: z.object({ channels: z.array(z.object({ id: z.string(), name: z.string(), is_private: z.boolean(), is_member: z.boolean(), topic: z.string() })) }),
  async handler({ member_only, include_private }, { deps, signal }) {
    const channels = (await deps.channels(signal))
      .filter((c) => deps.allowed(c) && (!member_only || c.is_member) && (include_private || !c.is_private))
      .map(({ id, name, is_private, is_member, topic }) => ({ id, name, is_private, is_member, topic }));
    return { text: channels.map((c) => `#${c.name} (${c.id})${c.is_private ? ' private' : ''}${c.is_member ? '' : ' not a member'}${c.topic ? ` — ${c.topic}` : ''}`).join('\n'), note: `${channels.length} channels.`, structured: { channels }, rows: channels.length };
  },
});
