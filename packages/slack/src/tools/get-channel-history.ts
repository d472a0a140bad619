import { z } from 'zod';
import { defineSlackTool } from '../deps.js';
import { channelInput, cursorInput, message, messageSchema, next, renderMessages, slackTime } from './common.js';

export const getChannelHistory = defineSlackTool({
  name: 'get_channel_history',
  title: 'Read a channel',
  description: 'Reads the latest messages of a channel, newest first, or those in a time window (oldest, latest: ISO dates or Slack timestamps). Paged with cursor. Threads show their reply count; read them with get_thread_replies.',
  kind: 'read',
  openWorld: true,
  input: z.object({ channel: channelInput, oldest: z.string().optional(), latest: z.string().optional(), ...cursorInput }),
  output: z.object({ channel: z.string(), messages: z.array(messageSchema), next_cursor: z.string().optional() }),
  async handler({ channel, oldest, latest, cursor, limit }, { deps, signal }) {
    const c = await deps.channel(channel, signal);
    const r = await deps.call<{ messages: Array<Record<string, unknown>>; response_metadata?: { next_cursor?: string } }>(
      'conversations.history',
      { channel: c.id, limit, ...(cursor ? { cursor } : {}), ...(slackTime(oldest) ? { oldest: slackTime(oldest) } : {}), ...(slackTime(latest) ? { latest: slackTime(latest) } : {}) },
      signal,
      `reading #${c.name}`,
    );
    const messages = r.messages.map((m) => message(m as never));
    return { text: await renderMessages(deps, messages, signal), note: `${messages.length} messages from #${c.name}${r.response_metadata?.next_cursor ? '; more with next_cursor' : ''}.`, structured: { channel: c.id, messages, ...next(r.response_metadata) }, rows: messages.length };
  },
});
