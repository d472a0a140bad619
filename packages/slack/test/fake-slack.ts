// A local fake of the Slack Web API over real HTTP, in its wire format: every method is a POST
// to /api/<method>, form-encoded (application/x-www-form-urlencoded) or JSON, with the token in
// `Authorization: Bearer`; answers are HTTP 200 with `{ ok: true, … }` or `{ ok: false, error }`;
// lists page with `cursor` and `response_metadata.next_cursor`; a rate limit is HTTP 429 with
// Retry-After. No OpenAPI description of the Slack Web API exists, so the fake follows the
// method reference (api.slack.com/methods): it rejects unknown methods (`unknown_method`),
// missing required arguments (`invalid_arguments`), and arguments a method does not take.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_im?: boolean;
  user?: string;
  is_member?: boolean;
  topic?: string;
  messages?: FakeMessage[];
}

export interface FakeMessage {
  ts: string;
  user: string;
  text: string;
  thread_ts?: string;
  replies?: FakeMessage[];
  reactions?: Array<{ name: string; users: string[] }>;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  title?: string;
  email?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface SlackCall {
  method: string;
  args: Record<string, string>;
  token?: string;
  contentType?: string;
}

export interface FakeSlack {
  /** Base URL for @slack/web-api's slackApiUrl (ends in /api/). */
  url: string;
  channels: FakeChannel[];
  users: FakeUser[];
  calls: SlackCall[];
  /** Calls the fake refused as malformed (unknown method, missing or unknown argument, wrong content type). */
  violations: Array<{ call: SlackCall; error: string }>;
  /** The next `n` calls of `method` get HTTP 429 with Retry-After: `seconds`. */
  rateLimitNext(method: string, n: number, seconds?: number): void;
  close(): Promise<void>;
}

/** The arguments each method takes (beyond token), and which are required. */
const METHODS: Record<string, { required: string[]; optional: string[]; tokens: Array<'bot' | 'user'> }> = {
  'auth.test': { required: [], optional: [], tokens: ['bot', 'user'] },
  'conversations.list': { required: [], optional: ['cursor', 'limit', 'types', 'exclude_archived', 'team_id'], tokens: ['bot', 'user'] },
  'users.conversations': { required: [], optional: ['cursor', 'limit', 'types', 'exclude_archived', 'user', 'team_id'], tokens: ['bot', 'user'] },
  'conversations.info': { required: ['channel'], optional: ['include_num_members', 'include_locale'], tokens: ['bot', 'user'] },
  'conversations.history': { required: ['channel'], optional: ['cursor', 'limit', 'oldest', 'latest', 'inclusive', 'include_all_metadata'], tokens: ['bot', 'user'] },
  'conversations.replies': { required: ['channel', 'ts'], optional: ['cursor', 'limit', 'oldest', 'latest', 'inclusive', 'include_all_metadata'], tokens: ['bot', 'user'] },
  'search.messages': { required: ['query'], optional: ['count', 'page', 'cursor', 'sort', 'sort_dir', 'highlight', 'team_id'], tokens: ['user'] },
  'users.list': { required: [], optional: ['cursor', 'limit', 'include_locale', 'team_id'], tokens: ['bot', 'user'] },
  'users.info': { required: ['user'], optional: ['include_locale'], tokens: ['bot', 'user'] },
  'chat.postMessage': {
    required: ['channel'],
    optional: ['text', 'blocks', 'attachments', 'thread_ts', 'reply_broadcast', 'unfurl_links', 'unfurl_media', 'mrkdwn', 'parse', 'link_names', 'metadata', 'username', 'icon_emoji', 'icon_url', 'as_user'],
    tokens: ['bot', 'user'],
  },
  'reactions.add': { required: ['channel', 'timestamp', 'name'], optional: [], tokens: ['bot', 'user'] },
  'oauth.v2.access': { required: ['client_id', 'client_secret'], optional: ['grant_type', 'refresh_token', 'code', 'redirect_uri'], tokens: [] },
};

export async function startFakeSlack(options: {
  botToken: string;
  userToken?: string;
  channels: FakeChannel[];
  users: FakeUser[];
  perPage?: number;
  /** Token rotation: the app's credentials and its current refresh token; bot tokens it issues last `expiresIn` seconds. */
  rotation?: { clientId: string; clientSecret: string; refreshToken: string; expiresIn: number };
}): Promise<FakeSlack & { issued: string[]; expire(token: string): void }> {
  const calls: SlackCall[] = [];
  const violations: FakeSlack['violations'] = [];
  const limited = new Map<string, { n: number; seconds: number }>();
  const perPage = options.perPage ?? 2;
  let seq = 1_700_000_000;
  /** Bot tokens issued by rotation, and those made to expire. */
  const issued: string[] = [];
  const expired = new Set<string>();
  let refresh = options.rotation?.refreshToken;

  const page = <T>(items: T[], args: Record<string, string>) => {
    const start = args.cursor ? Number(Buffer.from(args.cursor, 'base64').toString().replace('offset:', '')) : 0;
    const limit = Math.min(Number(args.limit ?? perPage) || perPage, perPage);
    const slice = items.slice(start, start + limit);
    const next = start + limit < items.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
    return { slice, response_metadata: { next_cursor: next } };
  };
  const channelOf = (id: string) => options.channels.find((c) => c.id === id);
  const channelJson = (c: FakeChannel) => ({ id: c.id, name: c.name, is_channel: !c.is_private && !c.is_im, is_private: Boolean(c.is_private), is_im: Boolean(c.is_im), is_member: c.is_member ?? true, is_archived: false, topic: { value: c.topic ?? '' }, num_members: 3, ...(c.user ? { user: c.user } : {}) });
  const types = (args: Record<string, string>) => (args.types ?? 'public_channel').split(',');
  const ofType = (c: FakeChannel, t: string[]) => (c.is_im ? t.includes('im') : c.is_private ? t.includes('private_channel') : t.includes('public_channel'));

  const handlers: Record<string, (a: Record<string, string>, kind: 'bot' | 'user') => Record<string, unknown>> = {
    'auth.test': (_a, kind) => ({ url: 'https://acme.slack.com/', team: 'Acme', user: kind === 'bot' ? 'helper-bot' : 'ada', team_id: 'T1', user_id: kind === 'bot' ? 'UBOT' : 'U1' }),
    'conversations.list': (a) => {
      const { slice, response_metadata } = page(options.channels.filter((c) => ofType(c, types(a))), a);
      return { channels: slice.map(channelJson), response_metadata };
    },
    'users.conversations': (a) => {
      const { slice, response_metadata } = page(options.channels.filter((c) => ofType(c, types(a)) && (c.is_member ?? true)), a);
      return { channels: slice.map(channelJson), response_metadata };
    },
    'conversations.info': (a) => {
      const c = channelOf(a.channel!);
      return c ? { channel: channelJson(c) } : { ok: false, error: 'channel_not_found' };
    },
    'conversations.history': (a) => {
      const c = channelOf(a.channel!);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (c.is_member === false) return { ok: false, error: 'not_in_channel' };
      const msgs = [...(c.messages ?? [])]
        .filter((m) => (!a.oldest || Number(m.ts) >= Number(a.oldest)) && (!a.latest || Number(m.ts) <= Number(a.latest)))
        .sort((x, y) => Number(y.ts) - Number(x.ts));
      const { slice, response_metadata } = page(msgs, a);
      return { messages: slice.map(messageJson), has_more: Boolean(response_metadata.next_cursor), response_metadata };
    },
    'conversations.replies': (a) => {
      const c = channelOf(a.channel!);
      const parent = c?.messages?.find((m) => m.ts === a.ts);
      if (!c || !parent) return { ok: false, error: c ? 'thread_not_found' : 'channel_not_found' };
      const { slice, response_metadata } = page([parent, ...(parent.replies ?? [])], a);
      return { messages: slice.map(messageJson), has_more: Boolean(response_metadata.next_cursor), response_metadata };
    },
    'search.messages': (a) => {
      const q = a.query!.toLowerCase().split(/\s+/).filter((w) => !w.includes(':'));
      const inName = /in:#?([\w-]+)/.exec(a.query!)?.[1];
      const hits = options.channels
        .filter((c) => !c.is_im && (!inName || c.name === inName))
        .flatMap((c) => (c.messages ?? []).filter((m) => q.every((w) => m.text.toLowerCase().includes(w))).map((m) => ({ ...messageJson(m), channel: { id: c.id, name: c.name }, permalink: `https://acme.slack.com/archives/${c.id}/p${m.ts.replace('.', '')}` })));
      const count = Number(a.count ?? 20);
      const p = Number(a.page ?? 1);
      return { query: a.query, messages: { total: hits.length, matches: hits.slice((p - 1) * count, p * count), paging: { count, total: hits.length, page: p, pages: Math.max(1, Math.ceil(hits.length / count)) } } };
    },
    'users.list': (a) => {
      const { slice, response_metadata } = page(options.users, a);
      return { members: slice.map(userJson), response_metadata };
    },
    'users.info': (a) => {
      const u = options.users.find((x) => x.id === a.user);
      return u ? { user: userJson(u) } : { ok: false, error: 'user_not_found' };
    },
    'chat.postMessage': (a) => {
      const c = channelOf(a.channel!);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (!a.text && !a.blocks) return { ok: false, error: 'no_text' };
      const m: FakeMessage = { ts: `${seq++}.000100`, user: 'UBOT', text: a.text ?? '' };
      if (a.thread_ts) {
        const parent = c.messages?.find((x) => x.ts === a.thread_ts);
        if (!parent) return { ok: false, error: 'thread_not_found' };
        (parent.replies ??= []).push({ ...m, thread_ts: a.thread_ts });
      } else (c.messages ??= []).push(m);
      return { channel: c.id, ts: m.ts, message: messageJson(m) };
    },
    'reactions.add': (a) => {
      const c = channelOf(a.channel!);
      const m = c?.messages?.find((x) => x.ts === a.timestamp);
      if (!c || !m) return { ok: false, error: c ? 'message_not_found' : 'channel_not_found' };
      const r = (m.reactions ??= []).find((x) => x.name === a.name);
      if (r?.users.includes('UBOT')) return { ok: false, error: 'already_reacted' };
      if (r) r.users.push('UBOT');
      else m.reactions.push({ name: a.name!, users: ['UBOT'] });
      return {};
    },
  };

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = /^\/api\/([\w.]+)$/.exec(new URL(req.url ?? '/', 'http://fake').pathname)?.[1] ?? '';
    const contentType = String(req.headers['content-type'] ?? '');
    let args: Record<string, string> = {};
    if (contentType.startsWith('application/x-www-form-urlencoded')) args = Object.fromEntries(new URLSearchParams(raw));
    else if (contentType.startsWith('application/json') && raw) args = Object.fromEntries(Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const call: SlackCall = { method, args, ...(token ? { token } : {}), contentType };
    calls.push(call);
    const fail = (error: string, extra: Record<string, unknown> = {}) => {
      violations.push({ call, error });
      return send(200, { ok: false, error, ...extra });
    };
    if (req.method !== 'POST') return fail('method_not_allowed');
    const spec = METHODS[method];
    if (!spec) return fail('unknown_method');
    if (method === 'oauth.v2.access') {
      const rot = options.rotation;
      if (!rot || args.client_id !== rot.clientId || args.client_secret !== rot.clientSecret) return send(200, { ok: false, error: 'invalid_client_id' });
      if (args.grant_type !== 'refresh_token' || args.refresh_token !== refresh) return send(200, { ok: false, error: 'invalid_refresh_token' });
      const access = `xoxe.xoxb-1-rotated${issued.length + 1}`;
      issued.push(access);
      refresh = `xoxe-1-refresh${issued.length + 1}`;
      return send(200, { ok: true, access_token: access, refresh_token: refresh, expires_in: rot.expiresIn, token_type: 'bot' });
    }
    if (!token) return send(200, { ok: false, error: 'not_authed' });
    if (expired.has(token)) return send(200, { ok: false, error: 'token_expired' });
    const kind = token === options.botToken || issued.includes(token) ? 'bot' : token === options.userToken ? 'user' : undefined;
    if (!kind) return send(200, { ok: false, error: 'invalid_auth' });
    if (!spec.tokens.includes(kind)) return send(200, { ok: false, error: 'not_allowed_token_type' });
    const missing = spec.required.filter((r) => !args[r]);
    const unknown = Object.keys(args).filter((k) => !spec.required.includes(k) && !spec.optional.includes(k));
    if (missing.length || unknown.length) return fail('invalid_arguments', { response_metadata: { messages: [...missing.map((m) => `[ERROR] missing required field: ${m}`), ...unknown.map((u) => `[ERROR] unknown field: ${u}`)] } });
    const limit = limited.get(method);
    if (limit && limit.n > 0) {
      limit.n--;
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.seconds) });
    }
    const body = handlers[method]!(args, kind);
    send(200, body.ok === false ? body : { ok: true, ...body });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;

  const userJson = (u: FakeUser) => ({ id: u.id, name: u.name, real_name: u.real_name, deleted: u.deleted ?? false, is_bot: u.is_bot ?? false, tz: u.tz ?? 'Europe/London', profile: { real_name: u.real_name, display_name: u.name, title: u.title ?? '', email: u.email } });
  const messageJson = (m: FakeMessage) => ({ type: 'message', ts: m.ts, user: m.user, text: m.text, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(m.replies?.length ? { thread_ts: m.ts, reply_count: m.replies.length } : {}), ...(m.reactions ? { reactions: m.reactions.map((r) => ({ ...r, count: r.users.length })) } : {}) });

  return {
    url,
    issued,
    expire: (t: string) => void expired.add(t),
    channels: options.channels,
    users: options.users,
    calls,
    violations,
    rateLimitNext(method, n, seconds = 1) {
      limited.set(method, { n, seconds });
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
