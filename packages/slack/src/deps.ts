import { ConnectorError, RateLimiter, toolsFor, type DepsContext, type Logger } from '@org/mcp-core';
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from './config.js';

export interface Channel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  is_member: boolean;
  topic: string;
}

export interface User {
  id: string;
  name: string;
  real_name: string;
  title: string;
  tz: string;
  is_bot: boolean;
  deleted: boolean;
}

/**
 * Slack's method tiers (api.slack.com/apis/rate-limits), per token: requests per minute the
 * limiter lets through before it waits. chat.postMessage is about one per second per channel.
 */
const TIERS: Record<string, number> = {
  'conversations.list': 20,
  'users.conversations': 20,
  'users.list': 20,
  'search.messages': 20,
  'conversations.history': 50,
  'conversations.replies': 50,
  'conversations.info': 50,
  'users.info': 100,
  'reactions.add': 50,
  'chat.postMessage': 60,
};

const DIRECTORY_TTL_MS = 10 * 60_000;

/** Maps a Slack error code to a message a model can act on. */
export function slackError(err: unknown, what: string): never {
  if (err instanceof ConnectorError) throw err;
  const code = (err as { data?: { error?: string }; code?: string }).data?.error;
  const hints: Record<string, [ConnectorError['code'], string]> = {
    channel_not_found: ['not_found', 'No such channel, or the token cannot see it. Use list_channels for the names.'],
    not_in_channel: ['denied', 'The bot is not a member of this channel; ask the user to invite it (/invite @bot).'],
    thread_not_found: ['not_found', 'No such thread; thread_ts is the ts of the first message of the thread.'],
    message_not_found: ['not_found', 'No message with that timestamp in this channel.'],
    user_not_found: ['not_found', 'No such user; use list_users or search_users.'],
    already_reacted: ['invalid_input', 'That reaction is already there.'],
    invalid_auth: ['backend', 'Slack refused the token; ask the user to check SLACK_BOT_TOKEN / SLACK_USER_TOKEN.'],
    token_revoked: ['backend', 'The Slack token was revoked; ask the user for a new one.'],
    missing_scope: ['denied', 'The token lacks a scope this method needs; ask the user to add it to the Slack app.'],
    ratelimited: ['rate_limited', 'Slack rate-limited the call; wait a minute and make fewer calls.'],
  };
  if (code) {
    const [c, hint] = hints[code] ?? ['backend', 'Check the arguments and try again.'];
    throw new ConnectorError(c, `Slack refused ${what}: ${code}.`, hint);
  }
  if ((err as { code?: string }).code === 'slack_webapi_rate_limited_error') {
    throw new ConnectorError('rate_limited', `Slack rate-limited ${what}.`, `Retry in ${(err as { retryAfter?: number }).retryAfter ?? 60} s.`);
  }
  throw new ConnectorError('backend', `Could not reach Slack for ${what}: ${err instanceof Error ? err.message : String(err)}.`, 'Check the network and try again.');
}

/**
 * What the tools share: the Slack clients (made on first use), a per-method limiter for Slack's
 * tiers, the channel and user directories (loaded on first need, refreshed in the background),
 * and the channel allowlist.
 */
export class SlackDeps {
  private clients = new Map<'bot' | 'user', Promise<WebClient>>();
  private readonly limiter = new RateLimiter(Object.fromEntries(Object.entries(TIERS).map(([m, n]) => [m, { count: n, windowMs: 60_000, text: `${n}/min` }])));
  private channelDir: { at: number; list: Promise<Channel[]> } | undefined;
  private userDir: { at: number; list: Promise<User[]> } | undefined;
  private readonly allow: Set<string> | undefined;
  readonly log: Logger;

  constructor(
    readonly config: SlackConfig,
    context: DepsContext,
  ) {
    this.log = context.log;
    if (config.channels?.length) this.allow = new Set(config.channels.map((c) => c.replace(/^#/, '').toLowerCase()));
  }

  /** With token rotation: the current bot token and when it expires. */
  private rotated: { token: string; refresh: string; expires: number } | undefined;
  private refreshing: Promise<void> | undefined;

  /**
   * Token rotation: trades the refresh token for a new bot token (oauth.v2.access) when there
   * is none yet, when it expires within 5 minutes, or when Slack says it expired.
   */
  private async rotate(force = false): Promise<void> {
    if (!this.config.refreshToken) return;
    if (!force && this.rotated && this.rotated.expires - Date.now() > 5 * 60_000) return;
    this.refreshing ??= (async () => {
      const { WebClient } = await import('@slack/web-api');
      const anon = new WebClient(undefined, this.config.slackApiUrl ? { slackApiUrl: this.config.slackApiUrl } : {});
      const r = (await anon
        .apiCall('oauth.v2.access', { client_id: this.config.clientId, client_secret: this.config.clientSecret, grant_type: 'refresh_token', refresh_token: this.rotated?.refresh ?? this.config.refreshToken })
        .catch((e: unknown) => slackError(e, 'renewing the bot token'))) as unknown as { access_token: string; refresh_token: string; expires_in: number };
      this.rotated = { token: r.access_token, refresh: r.refresh_token, expires: Date.now() + r.expires_in * 1000 };
      this.clients.delete('bot');
      this.log.info('slack token renewed', { expiresInS: r.expires_in });
    })().finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }

  /** The bot token's client, or the user token's when there is no bot token; `user` for search. */
  private client(kind: 'bot' | 'user'): Promise<WebClient> {
    const token = kind === 'user' ? this.config.userToken : (this.rotated?.token ?? this.config.botToken ?? this.config.userToken);
    if (!token) throw new ConnectorError('unavailable', 'This needs a Slack user token (SLACK_USER_TOKEN).');
    let c = this.clients.get(kind);
    if (!c) {
      c = import('@slack/web-api').then(({ WebClient, LogLevel }) => {
        const log = this.log;
        return new WebClient(token, {
          ...(this.config.slackApiUrl ? { slackApiUrl: this.config.slackApiUrl } : {}),
          // 429: wait Retry-After and try again, twice; other failures are not retried.
          retryConfig: { retries: 2, factor: 1, minTimeout: 100, maxTimeout: 2000 },
          rejectRateLimitedCalls: false,
          logLevel: LogLevel.WARN,
          // Slack's logger would print request details; only the method and outcome reach ours.
          logger: { debug() {}, info() {}, warn: (...m: unknown[]) => log.warn('slack', { message: String(m[0]).slice(0, 200) }), error: (...m: unknown[]) => log.error('slack', { message: String(m[0]).slice(0, 200) }), setLevel() {}, getLevel: () => LogLevel.WARN, setName() {} },
        });
      });
      this.clients.set(kind, c);
    }
    return c;
  }

  /** One Web API call through the tier limiter. */
  async call<T>(method: string, args: Record<string, unknown>, signal: AbortSignal, what: string, kind: 'bot' | 'user' = 'bot'): Promise<T> {
    for (;;) {
      const wait = this.limiter.take(kind, method);
      if (!wait) break;
      if (wait > 10_000) throw new ConnectorError('rate_limited', `This server's limit for ${method} (Slack tier) is reached.`, `Retry in ${Math.ceil(wait / 1000)} s.`);
      await new Promise((r, j) => {
        const t = setTimeout(r, wait);
        signal.addEventListener('abort', () => (clearTimeout(t), j(signal.reason)), { once: true });
      });
    }
    if (kind === 'bot') await this.rotate();
    const c = await this.client(kind);
    try {
      return (await c.apiCall(method, args)) as T;
    } catch (e) {
      if (kind === 'bot' && this.config.refreshToken && (e as { data?: { error?: string } }).data?.error === 'token_expired') {
        await this.rotate(true);
        return (await (await this.client('bot')).apiCall(method, args).catch((e2: unknown) => slackError(e2, what))) as T;
      }
      return slackError(e, what);
    }
  }

  /** Every conversation the token can see (public, private; DMs when allowed), cached. */
  channels(signal: AbortSignal): Promise<Channel[]> {
    return (this.channelDir = this.cached(this.channelDir, () =>
      this.sweep('conversations.list', 'channels', { types: this.config.allowDms ? 'public_channel,private_channel,im,mpim' : 'public_channel,private_channel', exclude_archived: true }, signal, 'listing channels', (c) => ({
        id: String(c.id),
        name: String(c.name ?? c.user ?? c.id),
        is_private: Boolean(c.is_private),
        is_im: Boolean(c.is_im || c.is_mpim),
        is_member: Boolean(c.is_member),
        topic: String((c.topic as { value?: string } | undefined)?.value ?? ''),
      })),
    )).list;
  }

  /** Every member of the workspace, cached. */
  users(signal: AbortSignal): Promise<User[]> {
    return (this.userDir = this.cached(this.userDir, () =>
      this.sweep('users.list', 'members', {}, signal, 'listing users', (u) => {
        const p = (u.profile ?? {}) as Record<string, string>;
        return { id: String(u.id), name: String(u.name), real_name: String(u.real_name ?? p.real_name ?? ''), title: p.title ?? '', tz: String(u.tz ?? ''), is_bot: Boolean(u.is_bot), deleted: Boolean(u.deleted) };
      }),
    )).list;
  }

  /** A directory entry kept DIRECTORY_TTL_MS; a failed load is forgotten so the next call tries again. */
  private cached<T>(entry: { at: number; list: Promise<T[]> } | undefined, load: () => Promise<T[]>): { at: number; list: Promise<T[]> } {
    if (entry && Date.now() - entry.at < DIRECTORY_TTL_MS) return entry;
    const fresh = { at: 0, list: load() };
    fresh.at = Date.now();
    fresh.list.catch(() => (fresh.at = 0));
    return fresh;
  }

  /** Every page of a cursor-paged list method, mapped. */
  private async sweep<T>(method: string, key: string, args: Record<string, unknown>, signal: AbortSignal, what: string, map: (item: Record<string, unknown>) => T): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const r = await this.call<Record<string, unknown> & { response_metadata?: { next_cursor?: string } }>(method, { ...args, limit: 200, ...(cursor ? { cursor } : {}) }, signal, what);
      for (const item of (r[key] as Array<Record<string, unknown>> | undefined) ?? []) out.push(map(item));
      cursor = r.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return out;
  }

  /** True when --channels (and --allow-dms) let the connector touch this channel. */
  allowed(c: Channel): boolean {
    if (c.is_im && !this.config.allowDms) return false;
    return !this.allow || this.allow.has(c.id.toLowerCase()) || this.allow.has(c.name.toLowerCase());
  }

  /** `#name`, `name` or an ID to a channel the connector may touch; refuses anything else. */
  async channel(ref: string, signal: AbortSignal): Promise<Channel> {
    const key = ref.replace(/^#/, '').toLowerCase();
    const list = await this.channels(signal);
    const c = list.find((x) => x.id.toLowerCase() === key || x.name.toLowerCase() === key);
    if (!c) {
      if (/^[DG][A-Z0-9]+$/.test(ref) && !this.config.allowDms) throw new ConnectorError('denied', `${ref} is a direct message; this server does not touch DMs.`, 'The user can enable them with --allow-dms.');
      throw new ConnectorError('not_found', `No channel ${ref} that this server can see.`, 'Use list_channels for the names.');
    }
    if (!this.allowed(c)) {
      throw new ConnectorError('denied', c.is_im ? `${ref} is a direct message; this server does not touch DMs.` : `#${c.name} is not in this server's channel allowlist (--channels ${this.config.channels!.join(',')}).`, c.is_im ? 'The user can enable them with --allow-dms.' : 'Work in the listed channels, or ask the user to add this one.');
    }
    return c;
  }

  /** `@name`, `name` or an ID to a user. */
  async user(ref: string, signal: AbortSignal): Promise<User> {
    const key = ref.replace(/^@/, '').toLowerCase();
    const u = (await this.users(signal)).find((x) => x.id.toLowerCase() === key || x.name.toLowerCase() === key);
    if (!u) throw new ConnectorError('not_found', `No user ${ref}.`, 'Use search_users to find the handle.');
    return u;
  }

  /** A display name for a user ID in rendered text (falls back to the ID). */
  async nameOf(id: string, signal: AbortSignal): Promise<string> {
    const u = (await this.users(signal).catch(() => [] as User[])).find((x) => x.id === id);
    return u ? `@${u.name}` : id;
  }

  close(): void {}
}

export const defineSlackTool = toolsFor<SlackDeps, SlackConfig>();
