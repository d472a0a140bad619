import { createHash } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuditEvent } from '../audit.js';
import { defineConnector, defineTool } from '../define.js';
import { memorySink } from '../log.js';
import { createRuntime, loadConfig } from '../server.js';
import { dataOf, textOf } from '../testing.js';
import { startHttp } from './server.js';

// ---- a small connector --------------------------------------------------------------------

let ready = true;
let release: (() => void) | undefined;
const deleted: number[] = [];

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes.',
  input: z.object({ message: z.string() }),
  kind: 'read',
  handler: ({ message }, { principal }) => ({ text: `${message} (for ${principal})` }),
});
const slow = defineTool({
  name: 'slow',
  title: 'Slow',
  description: 'Waits until the test releases it.',
  input: z.object({}),
  kind: 'read',
  handler: () => new Promise<{ text: string }>((resolve) => (release = () => resolve({ text: 'done' }))),
});
const deleteThing = defineTool({
  name: 'delete_thing',
  title: 'Delete',
  description: 'Deletes.',
  input: z.object({ id: z.number() }),
  kind: 'destructive',
  handler: ({ id }) => {
    deleted.push(id);
    return { note: `deleted ${id}` };
  },
});
const connector = defineConnector({
  name: 'mcp-http-test',
  title: 'HTTP Test',
  version: '1.0.0',
  options: {},
  createDeps: () => ({}),
  ready: async () => {
    if (!ready) throw new Error('backend unreachable');
  },
  tools: [echo, slow, deleteThing],
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function serve(argv: string[]) {
  const audit = memorySink();
  const logs = memorySink();
  const runtime = createRuntime(connector, loadConfig(connector, ['--transport', 'http', '--port', '0', ...argv], {}), { auditSink: audit, logSink: logs });
  const handle = await startHttp(runtime);
  return { handle, url: `${handle.url}/mcp`, audit: () => audit.records() as unknown as AuditEvent[], logs: () => logs.records() };
}

async function connectClient(url: string, headers: Record<string, string> = {}, elicit?: () => { action: 'accept' | 'decline' }) {
  const client = new Client({ name: 't', version: '0' }, elicit ? { capabilities: { elicitation: { form: {} } } } : {});
  if (elicit) client.setRequestHandler(ElicitRequestSchema, elicit);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
const CALL = (name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } });

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as { error?: { code: number; message: string }; result?: unknown }) : undefined };
}

// ---- an authorization server: a JWKS over HTTP and tokens signed with its key ---------------

let jwksServer: HttpServer;
let issuer: string;
let key: CryptoKey;
let otherKey: CryptoKey;
const RESOURCE = 'https://mcp.example.test/mcp';

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey; // a key the server never sees
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwksServer = createServer((req, res) => {
    if (req.url === '/.well-known/oauth-authorization-server') return void res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    if (req.url === '/jwks') return void res.end(JSON.stringify({ keys: [jwk] }));
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => jwksServer.close(() => r())));

function token(claims: { scope?: string; aud?: string; iss?: string; exp?: number; sub?: string } = {}, signWith = key) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: claims.scope ?? 'mcp:read mcp:write' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(claims.iss ?? issuer)
    .setAudience(claims.aud ?? RESOURCE)
    .setSubject(claims.sub ?? 'user-42')
    .setIssuedAt(now - 10)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(signWith);
}

// ---- tests -----------------------------------------------------------------------------------

describe('stateless http (the default)', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve([]);
  });
  afterAll(() => s.handle.shutdown('test'));

  it('serves the SDK client at /mcp: initialize, tools/list, tools/call, each request on its own', async () => {
    const client = await connectClient(s.url);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow']);
    const r = (await client.callTool({ name: 'echo', arguments: { message: 'hi' } })) as CallToolResult;
    expect(dataOf(r)).toMatch(/^hi \(for local:/);
    await client.close();
  });

  it('answers health, readiness and metrics', async () => {
    expect(await (await fetch(`${s.handle.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${s.handle.url}/readyz`)).status).toBe(200);
    ready = false;
    const notReady = await fetch(`${s.handle.url}/readyz`);
    ready = true;
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', reason: 'backend unreachable' });
    const metrics = await (await fetch(`${s.handle.url}/metrics`)).text();
    expect(metrics).toMatch(/^mcp_tool_calls_total\{tool="echo",outcome="ok",decision="allow",connector="mcp-http-test"\} \d+$/m);
    expect(metrics).toMatch(/^mcp_tool_call_duration_seconds_bucket\{le="0.1",connector="mcp-http-test",tool="echo"\} \d+$/m);
    expect(metrics).toMatch(/^mcp_http_requests_total\{route="\/mcp",status="200",connector="mcp-http-test"\} \d+$/m);
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it('on loopback, accepts local origins and refuses any other (DNS rebinding)', async () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8080', 'https://[::1]']) expect((await post(s.url, INIT, { origin })).status, origin).toBe(200);
    for (const origin of ['http://evil.example.test', 'http://localhost.evil.example.test', 'null']) expect((await post(s.url, INIT, { origin })).status, origin).toBe(403);
  });

  it('refuses what a stateless server cannot do: GET streams, DELETE, and unknown paths', async () => {
    const get = await fetch(s.url, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(s.url, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${s.handle.url}/other`)).status).toBe(404);
  });
});

describe('refusals, each with its status, and the server still serving afterwards', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  const KEY = 'k3y-for-tests-0123456789';
  beforeAll(async () => {
    s = await serve(['--api-keys', `ci:${sha(KEY)}:read,admin:${sha('admin-key-0123456789')}`, '--oauth-issuer', issuer, '--resource-url', RESOURCE, '--allowed-hosts', '127.0.0.1', '--allowed-origins', 'https://app.example.test', '--max-request-bytes', '4kb', '--allow-write', '--confirm', 'off']);
  });
  afterAll(() => s.handle.shutdown('test'));

  const expectChallenge = (headers: Headers, error?: string) => {
    const h = headers.get('www-authenticate')!;
    expect(h).toContain(`resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"`);
    if (error) expect(h).toContain(`error="${error}"`);
  };

  it('no credentials: 401 with WWW-Authenticate naming the protected-resource metadata', async () => {
    const r = await post(s.url, INIT);
    expect(r.status).toBe(401);
    expectChallenge(r.headers);
    expect(r.body?.error?.message).toMatch(/send a bearer token/);
  });

  it('serves the protected-resource metadata (RFC 9728)', async () => {
    const meta = await (await fetch(`${s.handle.url}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(meta).toEqual({ resource: RESOURCE, authorization_servers: [issuer], scopes_supported: ['mcp:read', 'mcp:write'], bearer_methods_supported: ['header'], resource_name: 'HTTP Test MCP server' });
  });

  it.each([
    ['an unknown API key', { 'x-api-key': 'nope' }, 401, 'invalid_token', /unknown API key/],
    ['Basic auth', { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }, 401, 'invalid_request', /only Bearer credentials are accepted, not Basic/],
    ['a random bearer string', { authorization: 'Bearer not-a-key' }, 401, 'invalid_token', /not a valid JWT/],
  ])('%s: %i', async (_what, headers, status, error, message) => {
    const r = await post(s.url, INIT, headers as Record<string, string>);
    expect(r.status).toBe(status);
    expectChallenge(r.headers, error as string);
    expect(r.body?.error?.message).toMatch(message as RegExp);
  });

  it('JWTs: expired, minted for another audience, by another issuer, or signed with another key are 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[Promise<string>, RegExp]> = [
      [token({ exp: now - 120 }), /has expired/],
      [token({ aud: 'https://other-service.example.test/mcp' }), /not issued for this server \(its audience must be https:\/\/mcp\.example\.test\/mcp\)/],
      [token({ iss: 'https://evil.example.test' }), /issued by another authorization server/],
      [token({}, otherKey), /signature does not verify/],
    ];
    for (const [t, message] of cases) {
      const r = await post(s.url, INIT, { authorization: `Bearer ${await t}` });
      expect(r.status).toBe(401);
      expectChallenge(r.headers, 'invalid_token');
      expect(r.body?.error?.message).toMatch(message);
    }
  });

  it('under-scoped: a token without the write scope (or a read-only key) gets 403 insufficient_scope for a write tool', async () => {
    const readOnly = await token({ scope: 'mcp:read' });
    const r = await post(s.url, CALL('delete_thing', { id: 1 }), { authorization: `Bearer ${readOnly}` });
    expect(r.status).toBe(403);
    expectChallenge(r.headers, 'insufficient_scope');
    expect(r.headers.get('www-authenticate')).toContain('scope="mcp:write"');
    const byKey = await post(s.url, CALL('delete_thing', { id: 1 }), { 'x-api-key': KEY });
    expect(byKey.status).toBe(403);
    const noScope = await post(s.url, INIT, { authorization: `Bearer ${await token({ scope: 'profile' })}` });
    expect(noScope.status).toBe(403);
    expect(noScope.body?.error?.message).toMatch(/neither the mcp:read nor the mcp:write scope/);
    expect(deleted).toEqual([]);
    // The read scope still reads.
    const ok = await post(s.url, CALL('echo', { message: 'x' }), { authorization: `Bearer ${readOnly}` });
    expect(ok.status).toBe(200);
  });

  it('a credential in the query string is refused (400), even a valid one', async () => {
    const r = await post(`${s.url}?api_key=${KEY}`, INIT);
    expect(r.status).toBe(400);
    expect(r.body?.error?.message).toMatch(/not accepted in the query string \(api_key\)/);
  });

  it('a foreign Host or Origin is refused (403)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(s.url, { method: 'POST', headers: { host: 'evil.example.test', 'content-type': 'application/json', 'x-api-key': KEY } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(JSON.stringify(INIT));
    });
    expect(status).toBe(403);
    const origin = await post(s.url, INIT, { 'x-api-key': KEY, origin: 'https://evil.example.test' });
    expect(origin.status).toBe(403);
    expect(origin.body?.error?.message).toMatch(/Origin "https:\/\/evil\.example\.test" is not allowed/);
    expect((await post(s.url, INIT, { 'x-api-key': KEY, origin: 'https://app.example.test' })).status).toBe(200);
  });

  it('an oversized body is 413; a batch is 400 -32600; malformed JSON is 400 -32700; not JSON-RPC is 400 -32600', async () => {
    const big = await post(s.url, CALL('echo', { message: 'x'.repeat(8000) }), { 'x-api-key': KEY });
    expect(big.status).toBe(413);
    const batch = await post(s.url, [INIT, CALL('echo', { message: 'x' })], { 'x-api-key': KEY });
    expect(batch.status).toBe(400);
    expect(batch.body?.error?.code).toBe(-32600);
    const bad = await post(s.url, '{"jsonrpc": "2.0", "id": 1, "method": ', { 'x-api-key': KEY });
    expect(bad.status).toBe(400);
    expect(bad.body?.error?.code).toBe(-32700);
    const notRpc = await post(s.url, { hello: 'world' }, { 'x-api-key': KEY });
    expect(notRpc.status).toBe(400);
    expect(notRpc.body?.error?.code).toBe(-32600);
  });

  it('after all that, valid credentials are served, and the principal reaches the audit event', async () => {
    const viaKey = await connectClient(s.url, { 'x-api-key': KEY });
    expect(dataOf((await viaKey.callTool({ name: 'echo', arguments: { message: 'a' } })) as CallToolResult)).toBe('a (for apikey:ci)');
    await viaKey.close();
    const viaJwt = await connectClient(s.url, { authorization: `Bearer ${await token()}` });
    const r = (await viaJwt.callTool({ name: 'delete_thing', arguments: { id: 9 } })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(deleted).toEqual([9]);
    await viaJwt.close();
    expect(s.audit().filter((e) => e.tool === 'delete_thing').map((e) => e.principal)).toEqual(['oauth:user-42']);
    // No credential ever reaches a log line or an audit event.
    const everything = JSON.stringify(s.audit()) + JSON.stringify(s.logs());
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('eyJ');
  });
});

describe('rate limits per authenticated principal', () => {
  it('one key at its limit does not hold back another', async () => {
    const s = await serve(['--api-keys', `a:${sha('key-a-0123456789')},b:${sha('key-b-0123456789')}`, '--rate-limit-read', '2/min']);
    try {
      const call = (k: string) => post(s.url, CALL('echo', { message: 'x' }), { 'x-api-key': k });
      expect((await call('key-a-0123456789')).status).toBe(200);
      expect((await call('key-a-0123456789')).status).toBe(200);
      const limited = await call('key-a-0123456789');
      expect(JSON.stringify(limited.body)).toMatch(/Rate limit reached.*Retry in 30 s/);
      const other = await call('key-b-0123456789');
      expect(JSON.stringify(other.body)).not.toMatch(/Rate limit/);
    } finally {
      await s.handle.shutdown('test');
    }
  });
});

describe('stateful http (--stateful)', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve(['--stateful', '--allow-write']);
  });
  afterAll(() => s.handle.shutdown('test'));

  it('keeps a session, so the user can be asked to confirm a destructive call (elicitation over SSE)', async () => {
    const asked: string[] = [];
    const client = await connectClient(s.url, {}, () => {
      asked.push('asked');
      return { action: 'accept' };
    });
    const r = (await client.callTool({ name: 'delete_thing', arguments: { id: 5 } })) as CallToolResult;
    expect(textOf(r)).toBe('deleted 5');
    expect(asked).toEqual(['asked']);
    expect(s.audit().at(-1)).toMatchObject({ tool: 'delete_thing', confirmation: 'elicit' });
    await client.close();
  });

  it('an unknown session is 404 -32001; a request without one that is not initialize is 400', async () => {
    const r = await post(s.url, CALL('echo', { message: 'x' }), { 'mcp-session-id': 'no-such-session' });
    expect(r.status).toBe(404);
    expect(r.body?.error?.code).toBe(-32001);
    expect((await post(s.url, CALL('echo', { message: 'x' }))).status).toBe(400);
  });
});

describe('graceful shutdown', () => {
  it('finishes the call in flight, refuses new ones with 503, and readiness says draining', async () => {
    const s = await serve([]);
    const client = await connectClient(s.url);
    const running = client.callTool({ name: 'slow', arguments: {} });
    await expect.poll(() => release !== undefined).toBe(true);
    const stopping = s.handle.shutdown('test');
    await new Promise((r) => setTimeout(r, 50));
    release!();
    expect(dataOf((await running) as CallToolResult)).toBe('done');
    await stopping;
    await expect(fetch(`${s.handle.url}/healthz`)).rejects.toThrow();
  });
});

describe('start-up checks', () => {
  it('a non-loopback address without authentication stops the start; so does OAuth without --resource-url', async () => {
    const start = (argv: string[]) => startHttp(createRuntime(connector, loadConfig(connector, ['--transport', 'http', '--port', '0', ...argv], {}), { auditSink: memorySink(), logSink: memorySink() }));
    await expect(start(['--host', '0.0.0.0'])).rejects.toThrow(/--host 0\.0\.0\.0 serves other machines, so it needs authentication/);
    await expect(start(['--oauth-issuer', 'https://as.example.test'])).rejects.toThrow(/--oauth-issuer needs --resource-url/);
    await expect(start(['--api-keys', 'ci:nothex'])).rejects.toThrow(/Invalid --api-keys: each entry is NAME:SHA256/);
  });
});

describe('OpenTelemetry', () => {
  it('makes a span per tool call when a tracer provider is registered', async () => {
    const { trace } = await import('@opentelemetry/api');
    const spans: Array<{ name: string; attributes: Record<string, unknown>; status?: { code: number }; ended: boolean }> = [];
    const provider = {
      getTracer: () => ({
        startSpan(name: string, options: { attributes?: Record<string, unknown> } = {}) {
          const span = { name, attributes: { ...options.attributes }, status: undefined as { code: number } | undefined, ended: false };
          spans.push(span);
          return {
            setAttributes: (a: Record<string, unknown>) => void Object.assign(span.attributes, a),
            setStatus: (st: { code: number }) => void (span.status = st),
            end: () => void (span.ended = true),
          };
        },
      }),
    };
    trace.setGlobalTracerProvider(provider as never);
    const s = await serve([]);
    try {
      const client = await connectClient(s.url);
      await client.callTool({ name: 'echo', arguments: { message: 'traced' } });
      await client.callTool({ name: 'no_such_tool', arguments: {} });
      await client.close();
      expect(spans.map((x) => [x.name, x.attributes['mcp.outcome'], x.ended])).toEqual([
        ['tools/call echo', 'ok', true],
        ['tools/call no_such_tool', 'denied', true],
      ]);
      expect(spans[0]!.attributes).toMatchObject({ 'mcp.tool': 'echo', 'mcp.connector': 'mcp-http-test', 'mcp.decision': 'allow' });
      expect(spans[1]!.status).toEqual({ code: 2, message: 'denied' });
    } finally {
      trace.disable();
      await s.handle.shutdown('test');
    }
  });
});
