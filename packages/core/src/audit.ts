import { jsonSafe, type Sink } from './log.js';

/** One event per tool call, allowed or not. */
export interface AuditEvent {
  type: 'audit';
  time: string;
  connector: string;
  tool: string;
  principal: string;
  arguments: unknown;
  /** `allow`, or why the call was refused before its handler ran. */
  decision:
    | 'allow'
    | 'deny:disabled'
    | 'deny:unknown_tool'
    | 'deny:invalid_arguments'
    | 'deny:rate_limited'
    /** A destructive call without confirmation: a token was issued for the user to approve. */
    | 'deny:needs_confirmation'
    | 'deny:invalid_token'
    | 'deny:user_declined'
    | 'deny:user_cancelled'
    | 'deny:confirmation_failed';
  /** How a destructive call was confirmed before it ran. */
  confirmation?: 'elicit' | 'token';
  outcome: 'ok' | 'error' | 'denied' | 'timeout' | 'cancelled';
  errorCode?: string;
  durationMs: number;
  rows?: number;
  bytes: number;
  truncated: boolean;
  /**
   * Masking rules that fired in the result and the recorded arguments, with how often: PII kinds
   * (`email`, `card`, `secret`…) and field rules (`mask:email`, `hash:customer_id`, `drop:ssn`).
   * Never the values.
   */
  masked?: Record<string, number>;
  /** Invisible or bidi-control characters removed from backend content. */
  hiddenCharacters?: number;
}

/** Words that mark a key as secret, matched on the key's words (`dbPassword`, `access_token`, `X-Api-Key`). */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'pass', 'pwd', 'secret', 'token', 'apikey', 'authorization', 'auth', 'cookie', 'credential', 'credentials', 'privatekey', 'sessionkey', 'bearer', 'signature']);

/** Verdicts per key name: tools send the same few argument names on every call. */
const secretKeys = new Map<string, boolean>();

function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = secretKeyWords(key);
    if (secretKeys.size >= 1000) secretKeys.clear();
    secretKeys.set(key, secret);
  }
  return secret;
}

function secretKeyWords(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  // Two-word names: api key, private key, session key, client secret…
  return words.some((w, i) => SECRET_WORDS.has(w + (words[i + 1] ?? '')));
}
const MAX_STRING = 4096;

/**
 * A copy of tool arguments fit for a log: values under secret-looking keys and any known
 * secret value (e.g. a password from the config) are replaced, long strings are cut.
 */
export function redact(value: unknown, secrets: readonly string[] = [], key = ''): unknown {
  if (key && isSecretKey(key)) return '[REDACTED]';
  if (typeof value === 'string') {
    let s = value;
    for (const secret of secrets) if (secret.length >= 4) s = s.split(secret).join('[REDACTED]');
    return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…[${s.length - MAX_STRING} more chars]` : s;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets, k)]));
  }
  return value;
}

export function writeAudit(sink: Sink, event: AuditEvent): void {
  let line: string;
  try {
    line = JSON.stringify(event); // the common case, without a replacer's cost per value
  } catch {
    line = JSON.stringify(event, jsonSafe); // a BigInt among the arguments
  }
  sink.write(`${line}\n`);
}
