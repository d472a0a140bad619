import { z } from 'zod';
import { defineSlackTool } from '../deps.js';
import { channelInput, cursorInput, message, messageSchema, next, renderMessages } from './common.js';

export const getThreadReplies = defineSlackTool({
  name: 'get_thread_replies',
  title: 'Read a thread',
  description: 'Reads a thread: its first message and the replies, oldest first. thread_ts is the ts of the first message. Paged with cursor.',
  kind: 'read',
  openWorld: true,
  input: z.object({ channel: channelInput, thread_ts: z.string().regex(/^\d+\.\d+$/, 'a Slack timestamp such as 1700000000.000100'), ...cursorInput }),
  output: z.object({ channel: z.string(), messages: z.array(messageSchema), next_cursor: z.string().optional() }),
  async handler({ channel, thread_ts, cursor, limit }, { deps, signal }) {
    const c = await deps.channel(channel, signal);
    const r = await deps.call<{ messages: Array<Record<string, unknown>>; response_metadata?: { next_cursor?: string } }>('conversations.replies', { channel: c.id, ts: thread_ts, limit, ...(cursor ? { cursor } : {}) }, signal, `reading a thread in #${c.name}`);
    const messages = r.messages.map((m) => message(m as never));
    return { text: await renderMessages(deps, messages, signal), note: `${messages.length} messages of the thread${r.response_metadata?.next_cursor ? '; more with next_cursor' : ''}.`, structured: { channel: c.id, messages, ...next(r.response_metadata) }, rows: messages.length };
  },
});
