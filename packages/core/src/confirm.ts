import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a confirmation token stays usable. */
export const TOKEN_TTL_MS = 5 * 60_000;

/** Most used tokens remembered (until they expire); the oldest is forgotten beyond it. */
const MAX_USED = 10_000;

export type TokenCheck = 'ok' | 'unknown' | 'expired' | 'mismatch';

/**
 * One-time confirmation tokens for destructive calls whose client cannot ask the user itself.
 * A token confirms one principal, one tool and one exact set of arguments, within TOKEN_TTL_MS.
 * It carries its own proof, so no replica needs to have issued it: 12 random bytes, the expiry,
 * and an HMAC over both and the call, keyed with --confirm-secret (random per process when
 * unset, so then only the issuing process accepts it). Each process remembers the tokens used,
 * so a token works once there; across replicas a replay within the TTL could repeat the same
 * confirmed call, which is why --stateful (session affinity) is the setting for strict once-only.
 */
export class ConfirmationTokens {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly secret: string = randomBytes(32).toString('hex'),
    private readonly now: () => number = Date.now,
  ) {}

  issue(principal: string, tool: string, args: unknown): string {
    const expires = Buffer.alloc(6);
    expires.writeUIntBE(Math.floor((this.now() + TOKEN_TTL_MS) / 1000), 0, 6);
    const body = Buffer.concat([randomBytes(12), expires]);
    return `confirm-${Buffer.concat([body, this.mac(body, principal, tool), this.mac(body, principal, tool, args)]).toString('base64url')}`;
  }

  /** Checks a token against the call and uses it up when it matches. */
  redeem(token: string, principal: string, tool: string, args: unknown): TokenCheck {
    const encoded = token.startsWith('confirm-') ? token.slice(8) : '';
    const raw = Buffer.from(encoded, 'base64url');
    if (raw.length !== BODY + 2 * MAC || raw.toString('base64url') !== encoded) return 'unknown';
    const body = raw.subarray(0, BODY);
    // The first MAC proves the token is ours, for this principal and tool; the second that it
    // is for these arguments.
    if (!timingSafeEqual(raw.subarray(BODY, BODY + MAC), this.mac(body, principal, tool))) return 'unknown';
    if (!timingSafeEqual(raw.subarray(BODY + MAC), this.mac(body, principal, tool, args))) return 'mismatch';
    const now = this.now();
    const expires = body.readUIntBE(12, 6) * 1000;
    if (expires <= now) return 'expired';
    const key = body.toString('base64url');
    if (this.used.has(key)) return 'unknown';
    for (const [k, exp] of this.used) if (exp <= now || this.used.size >= MAX_USED) this.used.delete(k);
    this.used.set(key, expires);
    return 'ok';
  }

  private mac(body: Buffer, principal: string, tool: string, ...args: [unknown?]): Buffer {
    const h = createHmac('sha256', this.secret).update(body).update(`\u0000${principal}\u0000${tool}`);
    if (args.length) h.update(`\u0000${digest(args[0])}`);
    return h.digest().subarray(0, MAC);
  }
}

/** A token: 12 random bytes and a 6-byte expiry, then two 12-byte MACs. */
const BODY = 18;
const MAC = 12;

/** A digest of the arguments that does not depend on key order. */
function digest(args: unknown): string {
  return createHash('sha256').update(canonical(args)).digest('base64url');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null'; // arguments arrive as JSON: no BigInt, no cycles
}

/** The default preview: the tool and its arguments, one per line. */
export function defaultPreview(tool: string, args: Record<string, unknown>): string {
  const lines = Object.entries(args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`); // arguments arrive as JSON
  return `${tool} with\n${lines.join('\n') || '  (no arguments)'}`;
}
