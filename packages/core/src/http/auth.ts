import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CoreConfig } from '../core-options.js';
import { ConfigError } from '../errors.js';

/** Who a request is from, once authenticated. */
export interface Caller {
  /** As recorded in audit events and used for rate limits: `apikey:<name>`, `oauth:<sub>`. */
  principal: string;
  /** The tool classes the credential allows. */
  classes: ReadonlySet<'read' | 'write'>;
  /** The credential itself (kept for the SDK's authInfo; never passed to a backend or logged). */
  token: string;
  expiresAt?: number;
}

/** Why a request was refused: the HTTP status and the RFC 6750 error. */
export class AuthFailure extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined,
    message: string,
    readonly scope?: string,
  ) {
    super(message);
  }
}

interface ApiKey {
  name: string;
  hash: Buffer;
  classes: ReadonlySet<'read' | 'write'>;
}

type JwtVerifier = (token: string) => Promise<{ payload: Record<string, unknown> }>;

export interface Authenticator {
  /** True when the server requires credentials. */
  readonly required: boolean;
  /** The caller of a request, or an AuthFailure. Undefined when no credentials are required. */
  authenticate(req: IncomingMessage, url: URL): Promise<Caller | undefined>;
  /** The WWW-Authenticate header for a refusal. */
  challenge(failure?: AuthFailure): string;
}

const BOTH: ReadonlySet<'read' | 'write'> = new Set(['read', 'write']);

/** Parses `NAME:SHA256HEX[:read|read+write]` entries; a bad entry stops the start. */
export function parseApiKeys(entries: readonly string[]): ApiKey[] {
  return entries.map((entry) => {
    const [name, hex, scopes, ...rest] = entry.split(':');
    const classes = scopes === undefined || scopes === 'read+write' || scopes === 'write+read' ? BOTH : scopes === 'read' ? new Set(['read'] as const) : undefined;
    if (!name || !hex || !/^[0-9a-f]{64}$/i.test(hex) || !classes || rest.length) {
      throw new ConfigError(
        'Invalid --api-keys: each entry is NAME:SHA256 with the hex SHA-256 of the key (printf %s "$KEY" | sha256sum), optionally followed by :read or :read+write. Fix --api-keys or MCP_API_KEYS.',
      );
    }
    return { name, hash: Buffer.from(hex, 'hex'), classes };
  });
}

/**
 * Credentials for http mode: API keys (stored as SHA-256 hashes, compared in constant time)
 * and OAuth 2.1 bearer JWTs (verified against the issuer's JWKS: signature, issuer, expiry, and
 * an audience equal to --resource-url, so a token minted for another service is refused).
 * Only headers are read: a credential in the query string is refused, since URLs end up in
 * proxy and access logs.
 */
export function createAuthenticator(config: CoreConfig, resourceMetadataUrl: string | undefined, jwt: JwtVerifier | undefined): Authenticator {
  const keys = parseApiKeys(config.apiKeys ?? []);
  const required = keys.length > 0 || jwt !== undefined;
  const { oauthReadScope: readScope, oauthWriteScope: writeScope } = config;

  const challenge = (failure?: AuthFailure): string => {
    const parts = [`Bearer realm="mcp"`];
    if (resourceMetadataUrl) parts.push(`resource_metadata="${resourceMetadataUrl}"`);
    if (failure?.error) parts.push(`error="${failure.error}"`, `error_description="${failure.message.replace(/["\\]/g, '')}"`);
    if (failure?.scope) parts.push(`scope="${failure.scope}"`);
    return parts.join(', ');
  };

  const fromApiKey = (token: string): Caller | undefined => {
    const hash = createHash('sha256').update(token).digest();
    let found: ApiKey | undefined;
    // Every key is compared, so the time taken says nothing about which one (or none) matched.
    for (const key of keys) if (timingSafeEqual(hash, key.hash) && !found) found = key;
    return found && { principal: `apikey:${found.name}`, classes: found.classes, token };
  };

  const fromJwt = async (token: string): Promise<Caller> => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwt!(token));
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why =
        code === 'ERR_JWT_EXPIRED'
          ? 'the token has expired'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (err as { claim?: string }).claim === 'aud'
            ? `the token was not issued for this server (its audience must be ${config.resourceUrl})`
            : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (err as { claim?: string }).claim === 'iss'
              ? 'the token was issued by another authorization server'
              : code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
                ? 'the token signature does not verify'
                : code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC'
                  ? 'the authorization server keys could not be fetched'
                  : 'the token is not a valid JWT';
      throw new AuthFailure(401, 'invalid_token', `Unauthorized: ${why}.`);
    }
    const scopes = new Set([...(typeof payload.scope === 'string' ? payload.scope.split(' ') : []), ...(Array.isArray(payload.scp) ? payload.scp.map(String) : [])]);
    const classes = new Set<'read' | 'write'>();
    if (scopes.has(readScope) || scopes.has(writeScope)) classes.add('read');
    if (scopes.has(writeScope)) classes.add('write');
    if (!classes.size) throw new AuthFailure(403, 'insufficient_scope', `Forbidden: the token has neither the ${readScope} nor the ${writeScope} scope.`, readScope);
    const who = typeof payload.sub === 'string' ? payload.sub : typeof payload.client_id === 'string' ? payload.client_id : 'unknown';
    return { principal: `oauth:${who}`, classes, token, ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp } : {}) };
  };

  return {
    required,
    challenge,
    async authenticate(req, url) {
      for (const p of ['access_token', 'api_key', 'apikey', 'token', 'key']) {
        if (url.searchParams.has(p)) throw new AuthFailure(400, 'invalid_request', `Bad Request: credentials are not accepted in the query string (${p}); send them in the Authorization or X-API-Key header.`);
      }
      if (!required) return undefined;
      const apiKey = req.headers['x-api-key'];
      const authorization = req.headers.authorization;
      if (typeof apiKey === 'string' && apiKey) {
        const caller = keys.length ? fromApiKey(apiKey) : undefined;
        if (!caller) throw new AuthFailure(401, 'invalid_token', 'Unauthorized: unknown API key.');
        return caller;
      }
      if (!authorization) throw new AuthFailure(401, undefined, 'Unauthorized: send a bearer token (Authorization: Bearer …) or an API key (X-API-Key).');
      const m = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(authorization);
      if (!m) throw new AuthFailure(401, 'invalid_request', `Unauthorized: only Bearer credentials are accepted${/^Basic /i.test(authorization) ? ', not Basic' : ''}.`);
      const token = m[1]!;
      const caller = keys.length ? fromApiKey(token) : undefined;
      if (caller) return caller;
      if (jwt && token.split('.').length === 3) return fromJwt(token);
      throw new AuthFailure(401, 'invalid_token', jwt ? 'Unauthorized: the token is not a valid JWT.' : 'Unauthorized: unknown API key.');
    },
  };
}

/**
 * The JWT verifier for --oauth-issuer: the JWKS from --oauth-jwks-url or from the issuer's
 * metadata (RFC 8414, then OpenID discovery), fetched on first use and cached by jose (which
 * refetches on an unknown key id, so key rotation needs no restart).
 */
export async function createJwtVerifier(config: CoreConfig): Promise<JwtVerifier | undefined> {
  if (!config.oauthIssuer) return undefined;
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const issuer = config.oauthIssuer;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () => (jwks ??= createRemoteJWKSet(new URL(config.oauthJwksUrl ?? (await discoverJwksUri(issuer)))));
  return async (token) => {
    const set = await keySet().catch((err: unknown) => {
      throw Object.assign(new Error(`JWKS discovery failed: ${String(err)}`), { code: 'ERR_JOSE_GENERIC' });
    });
    return jwtVerify(token, set, { issuer, audience: config.resourceUrl!, clockTolerance: 30 }) as Promise<{ payload: Record<string, unknown> }>;
  };
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const base = new URL(issuer);
  const path = base.pathname.replace(/\/$/, '');
  const candidates = [`${base.origin}/.well-known/oauth-authorization-server${path}`, `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`];
  for (const url of candidates) {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (res?.ok) {
      const meta = (await res.json()) as { jwks_uri?: string };
      if (meta.jwks_uri) return meta.jwks_uri;
    }
  }
  throw new Error(`no jwks_uri in the metadata of ${issuer}; set --oauth-jwks-url`);
}
