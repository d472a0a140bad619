import { opt, type ConfigOf } from './options.js';

/** Options every connector has, with the same names everywhere. */
export const coreOptions = {
  allowWrite: opt.boolean('Enable tools that change data (they are hidden otherwise).'),
  tools: opt.list('Only expose these tools (comma-separated names).'),
  excludeTools: opt.list('Hide these tools (comma-separated names).'),
  timeout: opt.duration('Per-call time limit; the backend work is stopped when it passes.', { default: 30_000 }),
  maxRows: opt.integer('Most rows (or items) one call returns; the rest is cut and marked truncated.', { default: 1000 }),
  maxBytes: opt.bytes('Most bytes of data one call returns; the rest is cut and marked truncated.', { default: 1024 * 1024 }),
  auditLog: opt.string('Append audit events (one JSON line per tool call) to this file instead of stderr.', { placeholder: 'FILE' }),
  logLevel: opt.enum(['debug', 'info', 'warn', 'error'] as const, 'Least severe log level written to stderr.', { default: 'info' }),
  principal: opt.string('Who the calls are made for, as recorded in audit events (default: the OS user).', { placeholder: 'NAME' }),
  piiMode: opt.enum(
    ['off', 'basic', 'strict'] as const,
    'Mask personal data and secrets in results and audit events. basic: emails, international phone numbers, payment cards, US SSNs, IBANs, API keys and tokens; strict adds national phone numbers (--pii-regions) and IP addresses.',
    { default: 'basic' },
  ),
  piiRegions: opt.list('Countries whose national phone numbers strict mode recognises (ISO codes).', {
    default: ['US'],
    placeholder: 'US,GB',
    item: { pattern: /^[A-Za-z]{2}$/, message: 'expected two-letter country codes such as US,GB,DE' },
  }),
  maskColumns: opt.list('Replace these result columns (by name, any case; * is a wildcard) with [MASKED], whatever they hold.', { placeholder: 'email,phone' }),
  hashColumns: opt.list('Replace these result columns with a salted hash, so equal values stay equal (joins, counts) but cannot be read.', { placeholder: 'customer_id' }),
  dropColumns: opt.list('Leave these result columns out altogether.', { placeholder: 'password_hash' }),
  maskSalt: opt.string('Key for --hash-columns; the same salt gives the same hashes across restarts and replicas (default: random per process).', { secret: true, placeholder: 'SECRET' }),
  confirm: opt.enum(
    ['elicit', 'token', 'off'] as const,
    'How destructive calls are confirmed: elicit asks the user through the client (falling back to token when the client cannot ask); token returns a preview and a one-time token the call must be repeated with; off runs them at once.',
    { default: 'elicit' },
  ),
  rateLimitRead: opt.rate('Most read calls per principal, e.g. 600/min (a burst of that many, refilled evenly); off for none.', { default: null }),
  rateLimitWrite: opt.rate('Most write and destructive calls per principal, e.g. 60/min; off for none.', { default: { count: 60, windowMs: 60_000, text: '60/min' } }),
  confirmSecret: opt.string('Key that signs confirmation tokens; give every replica the same one so a token issued by one is accepted by all (default: random per process).', { secret: true, placeholder: 'SECRET' }),
  transport: opt.enum(['stdio', 'http'] as const, 'stdio for a client that starts the server; http to serve Streamable HTTP at /mcp (with /healthz, /readyz and /metrics).', { default: 'stdio' }),
  host: opt.string('Address to listen on in http mode; 0.0.0.0 for all interfaces (then authentication is required).', { default: '127.0.0.1', placeholder: 'ADDRESS' }),
  port: opt.integer('Port to listen on in http mode (0: any free port).', { default: 8080, min: 0, max: 65535 }),
  stateful: opt.boolean('Keep a session per client (Mcp-Session-Id) in http mode: needed for elicitation over HTTP, but pins each client to one replica. Default: stateless, any replica serves any request.'),
  sessionTimeout: opt.duration('How long an idle stateful session is kept.', { default: 30 * 60_000 }),
  allowedHosts: opt.list('Host header values accepted at /mcp (DNS-rebinding protection). Default: localhost names when listening on loopback, else the host of --resource-url.', { placeholder: 'HOST[:PORT],…' }),
  allowedOrigins: opt.list('Origin header values accepted at /mcp; a request with any other Origin is refused (browsers send one, other clients do not). Default: none, or localhost origins when listening on loopback.', { placeholder: 'https://app.example.com' }),
  maxRequestBytes: opt.bytes('Largest request body accepted in http mode.', { default: 1024 * 1024 }),
  apiKeys: opt.list('API keys accepted in http mode, as NAME:SHA256 (hex of the key; `printf %s "$KEY" | sha256sum`), optionally :read or :read+write. Sent as X-API-Key or Authorization: Bearer.', { secret: true, placeholder: 'NAME:SHA256[:SCOPES]' }),
  oauthIssuer: opt.string('OAuth 2.1 authorization server whose bearer JWTs are accepted (its iss); its JWKS is found through its metadata unless --oauth-jwks-url.', { placeholder: 'URL' }),
  oauthJwksUrl: opt.string('JWKS URL of the authorization server, when it publishes no metadata.', { placeholder: 'URL' }),
  resourceUrl: opt.string('This server\'s public URL (e.g. https://mcp.example.com/mcp): the audience tokens must name (RFC 8707) and the resource in /.well-known/oauth-protected-resource.', { placeholder: 'URL' }),
  oauthReadScope: opt.string('Scope that allows read tools (and listing).', { default: 'mcp:read', placeholder: 'SCOPE' }),
  oauthWriteScope: opt.string('Scope that allows write and destructive tools.', { default: 'mcp:write', placeholder: 'SCOPE' }),
  allowUnauthenticated: opt.boolean('Serve http on a non-loopback address without authentication (only behind a gateway that authenticates).'),
  shutdownTimeout: opt.duration('On SIGTERM, how long in-flight calls may finish before the server exits.', { default: 25_000 }),
};

export type CoreConfig = ConfigOf<typeof coreOptions>;
