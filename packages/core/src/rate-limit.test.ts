import { describe, expect, it } from 'vitest';
import { parseRate, RateLimiter } from './rate-limit.js';

describe('parseRate', () => {
  it('reads counts per second, minute and hour, and off', () => {
    expect(parseRate('60/min')).toEqual({ count: 60, windowMs: 60_000, text: '60/min' });
    expect(parseRate(' 10 / S ')).toEqual({ count: 10, windowMs: 1000, text: '10/s' });
    expect(parseRate('1000/hour')).toEqual({ count: 1000, windowMs: 3_600_000, text: '1000/hour' });
    for (const off of ['off', 'OFF', '0', 'none']) expect(parseRate(off)).toBeNull();
  });

  it('says what it expected for anything else', () => {
    for (const bad of ['60', '60/day', '-1/s', '0/s', 'fast', '1.5/s']) expect(parseRate(bad)).toMatch(/expected a rate such as 60\/min/);
  });
});

describe('RateLimiter', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('allows a burst of the full count, then one call per refill interval, and says how long to wait', () => {
    const c = clock();
    const limiter = new RateLimiter({ write: { count: 3, windowMs: 60_000, text: '3/min' } }, c.now);
    expect([limiter.take('ann', 'write'), limiter.take('ann', 'write'), limiter.take('ann', 'write')]).toEqual([0, 0, 0]);
    expect(limiter.take('ann', 'write')).toBe(20_000); // one token per 20 s
    c.advance(15_000);
    expect(limiter.take('ann', 'write')).toBe(5_000);
    c.advance(5_000);
    expect(limiter.take('ann', 'write')).toBe(0);
    expect(limiter.take('ann', 'write')).toBeGreaterThan(0);
    c.advance(10 * 60_000); // a long pause refills to the burst, no further
    expect([0, 1, 2, 3].map(() => limiter.take('ann', 'write'))).toEqual([0, 0, 0, 20_000]);
  });

  it('keeps one bucket per principal and per class, and leaves classes without a rate alone', () => {
    const limiter = new RateLimiter({ read: { count: 1, windowMs: 1000, text: '1/s' }, write: null }, () => 0);
    expect(limiter.take('ann', 'read')).toBe(0);
    expect(limiter.take('ann', 'read')).toBeGreaterThan(0);
    expect(limiter.take('bob', 'read')).toBe(0);
    for (let i = 0; i < 100; i++) expect(limiter.take('ann', 'write')).toBe(0);
  });

  it('can check without taking', () => {
    const limiter = new RateLimiter({ write: { count: 1, windowMs: 1000, text: '1/s' } }, () => 0);
    expect(limiter.take('ann', 'write', false)).toBe(0);
    expect(limiter.take('ann', 'write', false)).toBe(0);
    expect(limiter.take('ann', 'write')).toBe(0);
    expect(limiter.take('ann', 'write', false)).toBe(1000);
  });
});
