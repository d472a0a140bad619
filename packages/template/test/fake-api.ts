// A local fake of the connector's API over real HTTP, in its wire format: JSON in and out, the
// token in `Authorization: Bearer`, lists paged with `cursor` and `next_cursor`, errors as
// `{ error, message }` with their HTTP status, 429 with Retry-After. Requests the real API would
// reject as malformed (no token, a body that is not JSON, an unknown route) are recorded in
// `violations`, and the suite fails on any. A connector made with `pnpm create-connector` replaces it
// with a fake of its own backend, checked against that backend's API description where one exists.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeItem {
  id: string;
  title: string;
  body: string;
  updated_at: string;
}

export interface ApiCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  body?: unknown;
}

export interface FakeApi {
  url: string;
  items: FakeItem[];
  calls: ApiCall[];
  violations: Array<{ call: ApiCall; error: string }>;
  /** The next `n` calls get HTTP 429 with Retry-After. */
  rateLimitNext(n: number): void;
  close(): Promise<void>;
}

const read = async (req: IncomingMessage) => {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw;
};

export async function startFakeApi(options: { token: string; items: FakeItem[]; pageSize?: number }): Promise<FakeApi> {
  const items = options.items.map((i) => ({ ...i }));
  const calls: ApiCall[] = [];
  const violations: FakeApi['violations'] = [];
  const pageSize = options.pageSize ?? 2;
  let limited = 0;
  let seq = items.length;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = await read(req);
      const call: ApiCall = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
      calls.push(call);
      const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      const violation = (error: string, status = 400) => (violations.push({ call, error }), send(status, { error: 'bad_request', message: error }));
      if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return violation('no Bearer token', 401);
      if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, { error: 'unauthorized', message: 'invalid token' });
      if (limited > 0) return (limited--, send(429, { error: 'rate_limited', message: 'slow down' }, { 'retry-after': '1' }));
      if (raw) {
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return violation('a body that is not application/json', 415);
        try {
          call.body = JSON.parse(raw);
        } catch {
          return violation('a body that is not JSON');
        }
      }
      const one = /^\/items\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/items') {
        const q = url.searchParams.get('q')?.toLowerCase();
        const limit = Math.min(Number(url.searchParams.get('limit') ?? pageSize) || pageSize, pageSize);
        const from = Number(url.searchParams.get('cursor') ?? 0) || 0;
        const all = items.filter((i) => !q || i.title.toLowerCase().includes(q)).sort((a, b) => b.updated_at.localeCompare(a.updated_at));
        const page = all.slice(from, from + limit);
        return send(200, { items: page, next_cursor: from + limit < all.length ? String(from + limit) : null });
      }
      if (req.method === 'POST' && url.pathname === '/items') {
        const b = call.body as { title?: unknown; body?: unknown } | undefined;
        if (typeof b?.title !== 'string' || !b.title) return send(422, { error: 'invalid', message: 'title is required' });
        const item = { id: `it_${++seq}`, title: b.title, body: typeof b.body === 'string' ? b.body : '', updated_at: new Date().toISOString() };
        items.push(item);
        return send(201, item);
      }
      if (one && (req.method === 'GET' || req.method === 'DELETE')) {
        const at = items.findIndex((i) => i.id === one[1]);
        if (at < 0) return send(404, { error: 'not_found', message: `no item ${one[1]}` });
        if (req.method === 'GET') return send(200, items[at]);
        items.splice(at, 1);
        return send(204);
      }
      return violation(`no route ${req.method} ${url.pathname}`, 404);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    items,
    calls,
    violations,
    rateLimitNext: (n) => void (limited = n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
