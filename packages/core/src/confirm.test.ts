import { describe, expect, it } from 'vitest';
import { ConfirmationTokens, TOKEN_TTL_MS } from './confirm.js';

describe('ConfirmationTokens', () => {
  const args = { sql: 'DELETE FROM t WHERE id = ?', params: [1] };

  it('a token works once, for its principal, tool and exact arguments (key order aside)', () => {
    const tokens = new ConfirmationTokens('secret');
    const t = tokens.issue('ann', 'write_query', args);
    expect(t).toMatch(/^confirm-[A-Za-z0-9_-]{56}$/);
    expect(tokens.redeem(t, 'bob', 'write_query', args)).toBe('unknown');
    expect(tokens.redeem(t, 'ann', 'other_tool', args)).toBe('unknown');
    expect(tokens.redeem(t, 'ann', 'write_query', { ...args, params: [2] })).toBe('mismatch');
    expect(tokens.redeem(t, 'ann', 'write_query', { params: [1], sql: args.sql })).toBe('ok');
    expect(tokens.redeem(t, 'ann', 'write_query', args)).toBe('unknown');
  });

  it('any process with the same secret accepts it (replicas); another secret does not', () => {
    const t = new ConfirmationTokens('shared').issue('ann', 'write_query', args);
    expect(new ConfirmationTokens('shared').redeem(t, 'ann', 'write_query', args)).toBe('ok');
    expect(new ConfirmationTokens('other').redeem(t, 'ann', 'write_query', args)).toBe('unknown');
    expect(new ConfirmationTokens().redeem(new ConfirmationTokens().issue('ann', 'x', {}), 'ann', 'x', {})).toBe('unknown');
  });

  it('expires after the TTL', () => {
    let now = 1_000_000;
    const tokens = new ConfirmationTokens('s', () => now);
    const t = tokens.issue('ann', 'write_query', args);
    now += TOKEN_TTL_MS - 2000;
    const t2 = tokens.issue('ann', 'write_query', args);
    expect(tokens.redeem(t, 'ann', 'write_query', args)).toBe('ok');
    now += TOKEN_TTL_MS;
    expect(tokens.redeem(t2, 'ann', 'write_query', args)).toBe('expired');
  });

  it('refuses anything malformed or tampered with', () => {
    const tokens = new ConfirmationTokens('s');
    const t = tokens.issue('ann', 'x', {});
    const flipped = `${t.slice(0, 10)}${t[10] === 'A' ? 'B' : 'A'}${t.slice(11)}`;
    for (const bad of ['', 'confirm-', 'confirm-abc', t.slice(8), `${t}A`, flipped]) expect(tokens.redeem(bad, 'ann', 'x', {}), bad).toBe('unknown');
  });
});
