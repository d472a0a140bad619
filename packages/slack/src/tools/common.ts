import { z } from 'zod';
import type { SlackDeps } from '../deps.js';

export const cursorInput = {
  cursor: z.string().optional().describe('The next_cursor of the previous page.'),
  limit: z.number().int().min(1).max(200).default(50).describe('Items per page (at most 200).'),
};

export const channelInput = z.string().min(1).describe('Channel: #name, name, or ID (C…).');

export const messageSchema = z.object({ ts: z.string(), user: z.string(), text: z.string(), thread_ts: z.string().optional(), reply_count: z.number().optional() });

interface RawMessage {
  ts: string;
  user?: string;
  bot_id?: string;
  text?: string;
  thread_ts?: string;
  reply_count?: number;
}

export function message(m: RawMessage): z.output<typeof messageSchema> {
  return { ts: m.ts, user: m.user ?? m.bot_id ?? 'unknown', text: m.text ?? '', ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(m.reply_count ? { reply_count: m.reply_count } : {}) };
}

/** Messages as a model reads them: time, author, text; thread hints. */
export async function renderMessages(deps: SlackDeps, msgs: Array<z.output<typeof messageSchema>>, signal: AbortSignal): Promise<string> {
  const lines: string[] = [];
  for (const m of msgs) {
    const when = new Date(Number(m.ts) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    lines.push(`[${when}] ${await deps.nameOf(m.user, signal)} (ts ${m.ts})${m.reply_count ? ` [${m.reply_count} replies]` : ''}: ${m.text}`);
  }
  return lines.join('\n');
}

/** Slack's time bounds: an ISO date or a Slack ts to seconds. */
export function slackTime(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : String(t / 1000);
}

export const next = (meta: { next_cursor?: string } | undefined) => (meta?.next_cursor ? { next_cursor: meta.next_cursor } : {});
