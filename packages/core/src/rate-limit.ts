/** A rate: `count` calls per `windowMs`, allowed in a burst of up to `count`. */
export interface Rate {
  count: number;
  windowMs: number;
  /** As written, e.g. `60/min`. */
  text: string;
}

const WINDOWS: Record<string, number> = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 };

/** Parses `60/min`, `10/s`, `1000/h`; `off` (or `0`) is no limit. Returns an error message for bad input. */
export function parseRate(raw: string): Rate | null | string {
  const v = raw.trim().toLowerCase();
  if (v === 'off' || v === '0' || v === 'none' || v === 'unlimited') return null;
  const m = /^(\d+)\s*\/\s*([a-z]+)$/.exec(v);
  const windowMs = m ? WINDOWS[m[2]!] : undefined;
  if (!m || windowMs === undefined || Number(m[1]) < 1 || Number(m[1]) > 1_000_000) return 'expected a rate such as 60/min, 10/s or 1000/h, or off';
  return { count: Number(m[1]), windowMs, text: `${Number(m[1])}/${m[2]}` };
}

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Token buckets, one per (principal, tool class). A bucket holds up to `count` calls and refills
 * continuously at count / window, so a quiet principal may burst and a busy one is held to the
 * rate. Full buckets are forgotten, so memory follows the principals active in the last window.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rates: Readonly<Record<string, Rate | null | undefined>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Takes one call from the bucket (or, with `consume` false, only checks that one is there);
   * returns 0 when allowed, else the milliseconds until one is free.
   */
  take(principal: string, cls: string, consume = true): number {
    const rate = this.rates[cls];
    if (!rate) return 0;
    const key = `${cls}\u0000${principal}`;
    const now = this.now();
    const perMs = rate.count / rate.windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: rate.count, updated: now };
    bucket.tokens = Math.min(rate.count, bucket.tokens + (now - bucket.updated) * perMs);
    bucket.updated = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return Math.ceil((1 - bucket.tokens) / perMs);
    }
    if (consume) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.sweep(now);
    return 0;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      const rate = this.rates[key.slice(0, key.indexOf('\u0000'))];
      if (!rate || b.tokens + (now - b.updated) * (rate.count / rate.windowMs) >= rate.count) this.buckets.delete(key);
    }
  }
}
