import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError } from '../errors.js';
import { rateClass } from '../policy.js';
import { buildServer, type ConnectorRuntime } from '../server.js';
import { AuthFailure, createAuthenticator, createJwtVerifier, parseApiKeys, type Caller } from './auth.js';
import { createMetrics } from './metrics.js';

export interface HttpHandle {
  /** The base URL the server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  server: HttpServer;
  /** Stops taking requests, lets in-flight ones finish (up to --shutdown-timeout), then closes the runtime. */
  shutdown(why: string): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const JSON_TYPE = { 'content-type': 'application/json' };

/** Checks the settings http mode needs before anything listens; throws ConfigError. */
export function checkHttpConfig(config: ConnectorRuntime['config']): void {
  parseApiKeys(config.apiKeys ?? []);
  if (config.oauthIssuer && !config.resourceUrl) {
    throw new ConfigError('--oauth-issuer needs --resource-url: the public URL of this server (e.g. https://mcp.example.com/mcp), which tokens must name as their audience. Set --resource-url or MCP_RESOURCE_URL.');
  }
  for (const [flag, value] of [['--oauth-issuer', config.oauthIssuer], ['--oauth-jwks-url', config.oauthJwksUrl], ['--resource-url', config.resourceUrl]] as const) {
    if (value !== undefined && !URL.canParse(value)) throw new ConfigError(`Invalid ${flag}: expected an absolute URL, got ${JSON.stringify(value)}.`);
  }
  const authenticated = Boolean(config.apiKeys?.length || config.oauthIssuer);
  if (!LOOPBACK.has(config.host) && !authenticated && !config.allowUnauthenticated) {
    throw new ConfigError(
      `--host ${config.host} serves other machines, so it needs authentication: --api-keys or --oauth-issuer (or --allow-unauthenticated when a gateway in front authenticates).`,
    );
  }
}

/**
 * Serves one connector over Streamable HTTP at /mcp, with /healthz, /readyz, /metrics and, for
 * OAuth, /.well-known/oauth-protected-resource. Stateless by default: every POST gets a fresh
 * MCP server over the shared runtime (cheap: the runtime holds the pools), so any replica can
 * answer any request; --stateful keeps sessions for clients that need server-to-client
 * requests (elicitation).
 */
export async function startHttp(runtime: ConnectorRuntime): Promise<HttpHandle> {
  const { config, log, connector } = runtime;
  checkHttpConfig(config);
  const metrics = await createMetrics(connector.name);
  const tracer = await loadTracer();
  runtime.pipeline.onCall = (tool) => {
    const span = tracer?.startSpan(`tools/call ${tool}`, { attributes: { 'mcp.tool': tool, 'mcp.connector': connector.name } });
    return (event) => {
      metrics.observeCall(event);
      if (span) {
        span.setAttributes({ 'mcp.principal': event.principal, 'mcp.outcome': event.outcome, 'mcp.decision': event.decision, 'mcp.bytes': event.bytes, ...(event.rows === undefined ? {} : { 'mcp.rows': event.rows }) });
        if (event.outcome !== 'ok') span.setStatus({ code: 2, message: event.errorCode ?? event.outcome });
        span.end();
      }
    };
  };

  const resource = config.resourceUrl ? new URL(config.resourceUrl) : undefined;
  const metadataPath = `/.well-known/oauth-protected-resource${resource && resource.pathname !== '/' ? resource.pathname.replace(/\/$/, '') : ''}`;
  const metadataUrl = resource && config.oauthIssuer ? `${resource.origin}${metadataPath}` : undefined;
  const auth = createAuthenticator(config, metadataUrl, await createJwtVerifier(config));
  const allowedHosts = hostAllowlist(config, resource);
  if (!allowedHosts) log.warn('no Host allowlist', { hint: 'set --allowed-hosts (or --resource-url) so that DNS rebinding cannot reach /mcp' });
  const allowedOrigins = new Set((config.allowedOrigins ?? []).map((o) => o.replace(/\/$/, '').toLowerCase()));
  // On loopback, pages served from this machine (any port) are local processes too; a page from
  // any other origin is what DNS rebinding looks like.
  const localOrigins = !config.allowedOrigins?.length && LOOPBACK.has(config.host);
  const originAllowed = (origin: string) => {
    const o = origin.replace(/\/$/, '').toLowerCase();
    return allowedOrigins.has(o) || (localOrigins && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(o));
  };

  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; principal: string | undefined; seen: number }>();
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const http = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (draining && inFlight === 0) drained?.();
    });
    handle(req, res).catch((err: unknown) => {
      log.error('http request failed', { error: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, 'Internal error; the details are in the server log.'));
      else res.end();
    });
  });
  http.headersTimeout = 30_000;
  http.requestTimeout = config.timeout + 60_000;
  http.keepAliveTimeout = 65_000; // above common load balancers' idle timeouts (60 s)

  const sweep = setInterval(() => {
    const idleBefore = Date.now() - config.sessionTimeout;
    for (const s of sessions.values()) if (s.seen < idleBefore) void s.transport.close();
    metrics.setSessions(sessions.size);
  }, Math.min(config.sessionTimeout, 60_000));
  sweep.unref();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routeOf(url.pathname);
    res.once('finish', () => metrics.observeHttp(route, res.statusCode));
    if (route === '/healthz' && isRead(req)) return sendJson(res, 200, { status: 'ok' });
    if (route === '/readyz' && isRead(req)) return ready(res);
    if (route === '/metrics' && isRead(req)) {
      const { contentType, body } = await metrics.render();
      res.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }
    if (route === '/.well-known/oauth-protected-resource' && isRead(req) && metadataUrl && (url.pathname === metadataPath || url.pathname === '/.well-known/oauth-protected-resource')) {
      return sendJson(res, 200, {
        resource: config.resourceUrl,
        authorization_servers: [config.oauthIssuer],
        scopes_supported: [config.oauthReadScope, config.oauthWriteScope],
        bearer_methods_supported: ['header'],
        resource_name: `${connector.title} MCP server`,
      });
    }
    if (route !== '/mcp') return sendJson(res, 404, { error: 'not_found', message: 'The MCP endpoint is /mcp; /healthz, /readyz and /metrics are the others.' });

    // DNS rebinding: a page on another site must not reach a server on this machine or network.
    const host = (req.headers.host ?? '').toLowerCase();
    if (allowedHosts && !hostAllowed(host, allowedHosts)) return sendJson(res, 403, rpcError(-32000, `Forbidden: Host ${JSON.stringify(host)} is not served here; set --allowed-hosts.`));
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) {
      return sendJson(res, 403, rpcError(-32000, `Forbidden: Origin ${JSON.stringify(origin)} is not allowed; set --allowed-origins.`));
    }

    let caller: Caller | undefined;
    try {
      caller = await auth.authenticate(req, url);
    } catch (err) {
      if (!(err instanceof AuthFailure)) throw err;
      return refuse(res, err);
    }
    if (draining) {
      res.setHeader('retry-after', '1');
      return sendJson(res, 503, rpcError(-32000, 'The server is shutting down; retry, another replica will answer.'));
    }

    if (req.method === 'POST') return post(req, res, caller);
    if ((req.method === 'GET' || req.method === 'DELETE') && config.stateful) return toSession(req, res, caller, undefined);
    res.setHeader('allow', config.stateful ? 'GET, POST, DELETE' : 'POST');
    return sendJson(res, 405, rpcError(-32000, config.stateful ? `Method ${req.method} not allowed.` : `Method ${req.method} not allowed: this server is stateless (no sessions, no server-sent stream); send each request as a POST.`));
  }

  async function post(req: IncomingMessage, res: ServerResponse, caller: Caller | undefined): Promise<void> {
    const raw = await readBody(req, config.maxRequestBytes);
    if (raw === undefined) {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, rpcError(-32600, `Request body larger than ${config.maxRequestBytes} bytes (--max-request-bytes).`));
    }
    let message: unknown;
    try {
      message = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJson(res, 400, rpcError(-32700, 'Parse error: the body is not valid JSON.'));
    }
    if (Array.isArray(message)) return sendJson(res, 400, rpcError(-32600, 'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 and later); send one message per request.'));
    if (!JSONRPCMessageSchema.safeParse(message).success) return sendJson(res, 400, rpcError(-32600, 'Invalid Request: expected one JSON-RPC 2.0 message (an object with "jsonrpc": "2.0" and a method, or a result or error).'));

    // Scopes map to tool classes; a call the token does not cover is refused before it runs.
    const rpc = message as { method?: unknown; params?: { name?: unknown } };
    if (caller && rpc.method === 'tools/call') {
      const name = rpc.params?.name;
      const tool = typeof name === 'string' ? runtime.pipeline.policy.enabled.get(name) : undefined;
      if (tool && rateClass(tool) === 'write' && !caller.classes.has('write')) {
        return refuse(res, new AuthFailure(403, 'insufficient_scope', `Forbidden: ${name} changes data and needs the ${config.oauthWriteScope} scope (or a read+write API key).`, config.oauthWriteScope));
      }
    }
    if (caller) (req as IncomingMessage & { auth?: unknown }).auth = { token: caller.token, clientId: caller.principal, scopes: [...caller.classes], ...(caller.expiresAt ? { expiresAt: caller.expiresAt } : {}) };

    if (config.stateful) return toSession(req, res, caller, rpc);
    // Stateless: a fresh server and transport for this request alone.
    const server = buildServer(runtime);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
  }

  async function toSession(req: IncomingMessage, res: ServerResponse, caller: Caller | undefined, message: { method?: unknown } | undefined): Promise<void> {
    const id = req.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const s = sessions.get(id);
      // A session belongs to whoever opened it.
      if (!s || s.principal !== caller?.principal) return sendJson(res, 404, rpcError(-32001, 'Session not found: it expired or the server restarted. Start a new session with initialize.'));
      s.seen = Date.now();
      return s.transport.handleRequest(req, res, message);
    }
    if (message?.method !== 'initialize') return sendJson(res, 400, rpcError(-32000, 'Bad Request: send the Mcp-Session-Id header this server returned at initialize, or initialize first.'));
    const server = buildServer(runtime);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => {
        sessions.set(sid, { transport, principal: caller?.principal, seen: Date.now() });
        metrics.setSessions(sessions.size);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      metrics.setSessions(sessions.size);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
  }

  async function ready(res: ServerResponse): Promise<void> {
    if (draining) return sendJson(res, 503, { status: 'draining' });
    try {
      await connector.ready?.(runtime.deps, AbortSignal.timeout(2000));
      sendJson(res, 200, { status: 'ready' });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      sendJson(res, 503, { status: 'not ready', reason: timedOut ? 'the backend did not answer within 2 s' : err instanceof Error ? err.message : String(err) });
    }
  }

  function refuse(res: ServerResponse, failure: AuthFailure): void {
    if (failure.status !== 400) res.setHeader('www-authenticate', auth.challenge(failure));
    sendJson(res, failure.status, rpcError(-32000, failure.message));
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new ConfigError(`Port ${config.port} on ${config.host} is in use. Choose another with --port or MCP_PORT.`) : err),
    );
    http.listen(config.port, config.host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  const shown = config.host.includes(':') ? `[${config.host}]` : config.host;

  let shuttingDown: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    port,
    server: http,
    shutdown: (why) =>
      (shuttingDown ??= (async () => {
        draining = true;
        log.info('draining', { why, inFlight });
        http.close();
        http.closeIdleConnections();
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, config.shutdownTimeout).unref();
          });
        }
        clearInterval(sweep);
        for (const s of sessions.values()) await s.transport.close();
        http.closeAllConnections();
        await runtime.close();
        log.info('stopped', { inFlight });
      })()),
  };
}

function routeOf(path: string): string {
  if (path === '/mcp' || path === '/mcp/') return '/mcp';
  if (path.startsWith('/.well-known/oauth-protected-resource')) return '/.well-known/oauth-protected-resource';
  return ['/healthz', '/readyz', '/metrics'].includes(path) ? path : 'other';
}

const isRead = (req: IncomingMessage) => req.method === 'GET' || req.method === 'HEAD';

function hostAllowlist(config: ConnectorRuntime['config'], resource: URL | undefined): string[] | undefined {
  if (config.allowedHosts?.length) return config.allowedHosts.map((h) => h.toLowerCase());
  if (LOOPBACK.has(config.host)) return ['localhost', '127.0.0.1', '[::1]'];
  return resource ? [resource.host.toLowerCase()] : undefined;
}

/** `example.com` allows that host on any port; `example.com:8443` only on that port. */
function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const bare = host.replace(/:\d+$/, '');
  return allowed.some((a) => a === host || a === bare);
}

const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, JSON_TYPE).end(JSON.stringify(body));
}

/** The body, or undefined once it passes `max` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface Span {
  setAttributes(a: Record<string, string | number>): void;
  setStatus(s: { code: number; message?: string }): void;
  end(): void;
}

/**
 * OpenTelemetry: a span per tool call through @opentelemetry/api. Without an SDK registered
 * (e.g. by `node --import @opentelemetry/auto-instrumentations-node/register`) the API is a
 * no-op and no span is made.
 */
async function loadTracer(): Promise<{ startSpan(name: string, o: { attributes: Record<string, string> }): Span } | undefined> {
  try {
    const { trace } = await import('@opentelemetry/api');
    return trace.getTracer('@org/mcp-core') as never;
  } catch {
    return undefined;
  }
}
