import { z } from 'zod';
import { defineSlackTool, type SlackDeps } from '../deps.js';
import { channelInput } from './common.js';

/**
 * Link and media unfurling is off on every post: an unfurl makes Slack fetch a URL the model
 * wrote, which can carry data out in its query string. With --unfurl-domains, links unfurl only
 * when every link in the message is on one of those domains.
 */
export function unfurl(deps: SlackDeps, text: string): { unfurl_links: boolean; unfurl_media: boolean } {
  const domains = deps.config.unfurlDomains ?? [];
  const links = [...text.matchAll(/https?:\/\/([^\s/>|]+)/g)].map((m) => m[1]!.toLowerCase());
  const ok = domains.length > 0 && links.length > 0 && links.every((h) => domains.some((d) => h === d.toLowerCase() || h.endsWith(`.${d.toLowerCase()}`)));
  return { unfurl_links: ok, unfurl_media: ok };
}

export const postMessage = defineSlackTool({
  name: 'post_message',
  title: 'Post a message',
  description: 'Posts a message to a channel, as the bot. Only with --allow-write; the user confirms each post. Links do not unfurl.',
  kind: 'write',
  confirm: true,
  privateArguments: ['text'],
  openWorld: true,
  input: z.object({ channel: channelInput, text: z.string().min(1).max(40_000).describe('Message text (Slack mrkdwn).') }),
  output: z.object({ channel: z.string(), ts: z.string() }),
  preview: async ({ channel, text }, { deps, signal }) => `Post to #${(await deps.channel(channel, signal)).name}:\n\n${text}`,
  async handler({ channel, text }, { deps, signal }) {
    const c = await deps.channel(channel, signal);
    const r = await deps.call<{ channel: string; ts: string }>('chat.postMessage', { channel: c.id, text, ...unfurl(deps, text) }, signal, `posting to #${c.name}`);
    return { note: `Posted to #${c.name} (ts ${r.ts}).`, structured: { channel: r.channel, ts: r.ts } };
  },
});

export const replyInThread = defineSlackTool({
  name: 'reply_in_thread',
  title: 'Reply in a thread',
  description: 'Replies in a thread (thread_ts: the ts of its first message), as the bot. Only with --allow-write; the user confirms each reply. Links do not unfurl.',
  kind: 'write',
  confirm: true,
  privateArguments: ['text'],
  openWorld: true,
  input: z.object({ channel: channelInput, thread_ts: z.string().regex(/^\d+\.\d+$/, 'a Slack timestamp'), text: z.string().min(1).max(40_000) }),
  output: z.object({ channel: z.string(), ts: z.string() }),
  preview: async ({ channel, thread_ts, text }, { deps, signal }) => `Reply in #${(await deps.channel(channel, signal)).name}, thread ${thread_ts}:\n\n${text}`,
  async handler({ channel, thread_ts, text }, { deps, signal }) {
    const c = await deps.channel(channel, signal);
    const r = await deps.call<{ channel: string; ts: string }>('chat.postMessage', { channel: c.id, thread_ts, text, ...unfurl(deps, text) }, signal, `replying in #${c.name}`);
    return { note: `Replied in #${c.name} (ts ${r.ts}).`, structured: { channel: r.channel, ts: r.ts } };
  },
});

export const addReaction = defineSlackTool({
  name: 'add_reaction',
  title: 'Add a reaction',
  description: 'Adds an emoji reaction (name without colons, e.g. "eyes") to a message. Only with --allow-write; the user confirms it.',
  kind: 'write',
  confirm: true,
  openWorld: true,
  input: z.object({ channel: channelInput, timestamp: z.string().regex(/^\d+\.\d+$/, 'a Slack timestamp'), name: z.string().regex(/^[a-z0-9_+'-]+$/, 'an emoji name such as thumbsup') }),
  output: z.object({ ok: z.boolean() }),
  async handler({ channel, timestamp, name }, { deps, signal }) {
    const c = await deps.channel(channel, signal);
    await deps.call('reactions.add', { channel: c.id, timestamp, name }, signal, `reacting in #${c.name}`);
    return { note: `Added :${name}: in #${c.name}.`, structured: { ok: true } };
  },
});
