import { createHash, randomBytes } from 'node:crypto';

/** How long a confirmation token stays usable. */
export const TOKEN_TTL_MS = 5 * 60_000;

/** Most tokens outstanding at once; the oldest is dropped beyond it. */
const MAX_TOKENS = 1000;

interface Pending {
  principal: string;
  tool: string;
  digest: string;
  expires: number;
}

export type TokenCheck = 'ok' | 'unknown' | 'expired' | 'mismatch';

/**
 * One-time confirmation tokens for destructive calls whose client cannot ask the user itself.
 * A token is issued for one principal, one tool and one exact set of arguments; it works once,
 * within TOKEN_TTL_MS. Tokens are random (128 bits) and live only in this process.
 */
export class ConfirmationTokens {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(principal: string, tool: string, args: unknown): string {
    const token = `confirm-${randomBytes(16).toString('base64url')}`;
    const now = this.now();
    for (const [t, p] of this.pending) if (p.expires <= now) this.pending.delete(t);
    if (this.pending.size >= MAX_TOKENS) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(token, { principal, tool, digest: digest(args), expires: now + TOKEN_TTL_MS });
    return token;
  }

  /** Checks a token against the call and uses it up when it matches. */
  redeem(token: string, principal: string, tool: string, args: unknown): TokenCheck {
    const p = this.pending.get(token);
    if (!p || p.principal !== principal) return 'unknown';
    if (p.expires <= this.now()) {
      this.pending.delete(token);
      return 'expired';
    }
    if (p.tool !== tool || p.digest !== digest(args)) return 'mismatch';
    this.pending.delete(token);
    return 'ok';
  }
}

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
  return typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? 'null');
}

/** The default preview: the tool and its arguments, one per line. */
export function defaultPreview(tool: string, args: Record<string, unknown>): string {
  const lines = Object.entries(args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}`);
  return `${tool} with\n${lines.join('\n') || '  (no arguments)'}`;
}
