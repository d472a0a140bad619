import { describe, expect, it } from 'vitest';
import { createPiiScanner, type PiiKind, type PiiMode, type PiiScanner } from './pii.js';

/**
 * One labelled PII test case: the kinds the scanner must find (in any order, repeated when there
 * are several) and, for positives, the sensitive parts that must not survive masking (the whole
 * text when not given).
 */
interface Case {
  text: string;
  mode: Exclude<PiiMode, 'off'>;
  expect: PiiKind[];
  regions?: string[];
  pii?: string[];
}

// Fake tokens are put together at run time so that secret scanners do not flag this file.
const rep = (s: string, n: number) => s.repeat(n);
const pem = (label: string, body: string) =>
  `-----BEGIN ${label}-----\n${body}\n${rep('A1b2C3d4', 8)}\n-----END ${label}-----`;
const b64 = rep('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 2);
const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9' +
  '.' +
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ' +
  '.' +
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const ghp = 'ghp_' + rep('a', 36);
const gho = 'gho_' + '16C7e42F292c6912E7710c838347Ae178B4a';
const ghs = 'ghs_' + rep('Xy9', 12);
const githubPat = 'github_pat_' + '11ABCDEFG0' + rep('aBcD', 5) + '_' + rep('z9', 20);
const sfSession = '00D5e000000XyZ1' + '!AQ4AQ' + rep('Xy9.Za', 10);
const xoxb = 'xoxb-' + '123456789012' + '-' + '1234567890123' + '-' + rep('AbCd', 6);
const xoxp = 'xoxp-' + '123456789012' + '-' + '123456789012' + '-' + '1234567890123' + '-' + rep('0f', 16);
const xapp = 'xapp-' + '1-A0123456789' + '-' + '1234567890123' + '-' + rep('ab12', 16);
const webhook = 'https://hooks.slack.com/services/' + 'T00000000/B00000000/' + rep('X', 24);
const akia = 'AKIA' + 'IOSFODNN7EXAMPLE';
const asia = 'ASIA' + 'Y34FZKBOKMUTVV7A';
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY';
const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
const stripeRk = 'rk_live_' + '51HqLyjWDarjtT1zdp7dcXyZ';
const google = 'AIza' + 'Sy' + rep('A1b2C3d4E5', 3) + 'x-_';

const US_GB_DE = ['US', 'GB', 'DE'];

const positives: Case[] = [
  // email
  { text: 'Contact john.doe@example.com for details', mode: 'basic', expect: ['email'], pii: ['john.doe@example.com'] },
  { text: 'jane+newsletter@mail.example.co.uk', mode: 'basic', expect: ['email'] },
  { text: 'Write to ops-team@eu.support.acme.io.', mode: 'strict', expect: ['email'], pii: ['ops-team@eu.support.acme.io'] },
  { text: 'user_01@sub.domain.org, second.one@other.net', mode: 'basic', expect: ['email', 'email'], pii: ['user_01@sub.domain.org', 'second.one@other.net'] },
  { text: 'mailto:MARIE.CURIE@Universite-Paris.FR', mode: 'basic', expect: ['email'], pii: ['MARIE.CURIE@Universite-Paris.FR'] },
  // phone, international (both modes)
  { text: 'call +1 (415) 555-2671.', mode: 'basic', expect: ['phone'], pii: ['+1 (415) 555-2671'] },
  { text: '+1-212-456-7890', mode: 'basic', expect: ['phone'] },
  { text: 'London office: +44 20 7946 0958', mode: 'basic', expect: ['phone'], pii: ['+44 20 7946 0958'] },
  { text: 'mobile 0044 7911 123456', mode: 'basic', expect: ['phone'], pii: ['0044 7911 123456'] },
  { text: 'Berlin +49 30 12345678', mode: 'basic', expect: ['phone'], pii: ['+49 30 12345678'] },
  { text: '+49 (0)151 23456789', mode: 'strict', expect: ['phone'] },
  { text: 'Paris: +33 1 42 68 53 00', mode: 'basic', expect: ['phone'], pii: ['+33 1 42 68 53 00'] },
  { text: '+33 6 12 34 56 78', mode: 'basic', expect: ['phone'] },
  { text: 'Mumbai +91 98765 43210', mode: 'basic', expect: ['phone'], pii: ['+91 98765 43210'] },
  { text: 'São Paulo +55 11 91234-5678', mode: 'basic', expect: ['phone'], pii: ['+55 11 91234-5678'] },
  { text: 'Tokyo +81 3-1234-5678', mode: 'basic', expect: ['phone'], pii: ['+81 3-1234-5678'] },
  { text: 'Sydney +61 2 9876 5432', mode: 'basic', expect: ['phone'], pii: ['+61 2 9876 5432'] },
  { text: '+61 412 345 678', mode: 'strict', regions: ['AU'], expect: ['phone'] },
  { text: '+14155552671', mode: 'basic', expect: ['phone'] },
  { text: 'tel:+14155552671', mode: 'basic', expect: ['phone'], pii: ['4155552671'] },
  { text: '(+44) 20 7946 0958', mode: 'basic', expect: ['phone'], pii: ['7946 0958'] },
  { text: 'Call +1 415 555 2671 or +1 415 555 2672', mode: 'basic', expect: ['phone', 'phone'], pii: ['555 2671', '555 2672'] },
  // phone, national (strict, per region)
  { text: 'Tel. (415) 555-2671', mode: 'strict', regions: US_GB_DE, expect: ['phone'], pii: ['(415) 555-2671'] },
  { text: '415.555.2671', mode: 'strict', regions: US_GB_DE, expect: ['phone'] },
  { text: '415-555-2671 415-555-2672', mode: 'strict', regions: ['US'], expect: ['phone', 'phone'], pii: ['555-2671', '555-2672'] },
  { text: 'on 2024-01-15 call 212-456-7890', mode: 'strict', regions: ['US'], expect: ['phone'], pii: ['212-456-7890'] },
  { text: '020 7946 0958', mode: 'strict', regions: US_GB_DE, expect: ['phone'] },
  { text: '07911123456', mode: 'strict', regions: US_GB_DE, expect: ['phone'] },
  { text: 'Zentrale 030 12345678', mode: 'strict', regions: US_GB_DE, expect: ['phone'], pii: ['030 12345678'] },
  { text: '01 42 68 53 00', mode: 'strict', regions: ['FR'], expect: ['phone'] },
  // payment cards (standard test numbers)
  { text: 'Visa 4111 1111 1111 1111', mode: 'basic', expect: ['card'], pii: ['4111 1111 1111 1111'] },
  { text: '5555-5555-5555-4444', mode: 'basic', expect: ['card'] },
  { text: 'Amex 3782 822463 10005 exp 12/29', mode: 'strict', regions: US_GB_DE, expect: ['card'], pii: ['3782 822463 10005'] },
  { text: '6011111111111117', mode: 'basic', expect: ['card'] },
  { text: 'card 4111 1111 1111 1111 123', mode: 'basic', expect: ['card'], pii: ['4111 1111 1111 1111'] },
  { text: 'JCB 3530 1113 3330 0000', mode: 'basic', expect: ['card'], pii: ['3530 1113 3330 0000'] },
  { text: '3056 930902 5904', mode: 'basic', expect: ['card'] },
  // US SSN
  { text: 'SSN: 078-05-1120', mode: 'basic', expect: ['ssn'], pii: ['078-05-1120'] },
  { text: 'ssn 219 09 9999', mode: 'strict', regions: US_GB_DE, expect: ['ssn'], pii: ['219 09 9999'] },
  { text: '536-90-4399', mode: 'basic', expect: ['ssn'] },
  // IBAN (documented example IBANs)
  { text: 'DE89370400440532013000', mode: 'basic', expect: ['iban'] },
  { text: 'IBAN: DE89 3704 0044 0532 0130 00', mode: 'strict', regions: US_GB_DE, expect: ['iban'], pii: ['DE89 3704 0044 0532 0130 00'] },
  { text: 'GB29 NWBK 6016 1331 9268 19', mode: 'basic', expect: ['iban'] },
  { text: 'FR14 2004 1010 0505 0001 3M02 606', mode: 'basic', expect: ['iban'] },
  { text: 'NL91ABNA0417164300', mode: 'basic', expect: ['iban'] },
  { text: 'ES91 2100 0418 4502 0005 1332', mode: 'basic', expect: ['iban'] },
  { text: 'IT60X0542811101000000123456', mode: 'basic', expect: ['iban'] },
  // IP addresses (strict)
  { text: 'client 192.168.1.10 connected', mode: 'strict', expect: ['ip'], pii: ['192.168.1.10'] },
  { text: 'db at 10.0.0.1:5432', mode: 'strict', expect: ['ip'], pii: ['10.0.0.1'] },
  { text: 'peers 2001:db8::1, fe80::1 and ::1', mode: 'strict', expect: ['ip', 'ip', 'ip'], pii: ['2001:db8::1', 'fe80::1'] },
  { text: '2001:0db8:85a3:0000:0000:8a2e:0370:7334', mode: 'strict', expect: ['ip'] },
  { text: 'mapped ::ffff:192.0.2.128', mode: 'strict', expect: ['ip'], pii: ['192.0.2.128'] },
  // secrets
  { text: `token=${ghp}`, mode: 'basic', expect: ['secret'], pii: [ghp] },
  { text: gho, mode: 'basic', expect: ['secret'] },
  { text: `GITHUB_TOKEN: ${ghs}`, mode: 'basic', expect: ['secret'], pii: [ghs] },
  { text: githubPat, mode: 'basic', expect: ['secret'] },
  { text: `SLACK_BOT_TOKEN=${xoxb}`, mode: 'basic', expect: ['secret'], pii: [xoxb] },
  { text: xoxp, mode: 'strict', expect: ['secret'] },
  { text: xapp, mode: 'basic', expect: ['secret'] },
  { text: `post to ${webhook}`, mode: 'basic', expect: ['secret'], pii: [webhook] },
  { text: `Authorization: Bearer ${sfSession}`, mode: 'basic', expect: ['secret'], pii: [sfSession] },
  { text: `aws_access_key_id = ${akia}`, mode: 'basic', expect: ['secret'], pii: [akia] },
  { text: asia, mode: 'basic', expect: ['secret'] },
  { text: `aws_secret_access_key = ${awsSecret}`, mode: 'basic', expect: ['secret'], pii: [awsSecret] },
  { text: `{"AWS_SECRET_ACCESS_KEY": "${awsSecret}"}`, mode: 'basic', expect: ['secret'], pii: [awsSecret] },
  { text: `Authorization: Bearer ${jwt}`, mode: 'strict', expect: ['secret'], pii: [jwt] },
  { text: pem('RSA PRIVATE KEY', b64), mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: pem('OPENSSH PRIVATE KEY', b64), mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: pem('EC PRIVATE KEY', b64), mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: pem('ENCRYPTED PRIVATE KEY', b64), mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: pem('PGP PRIVATE KEY BLOCK', `Version: GnuPG v2\n\n${b64}`), mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: `{"private_key":"${pem('PRIVATE KEY', b64).replaceAll('\n', '\\n')}"}`, mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: `key (cut off): -----BEGIN PRIVATE KEY-----\n${b64}\n${b64}`, mode: 'basic', expect: ['secret'], pii: [b64] },
  { text: `STRIPE_KEY=${stripe}`, mode: 'basic', expect: ['secret'], pii: [stripe] },
  { text: stripeRk, mode: 'basic', expect: ['secret'] },
  { text: `maps key ${google}`, mode: 'basic', expect: ['secret'], pii: [google] },
  { text: 'postgres://app_user:S3cr3t!pw@db.internal.example.com:5432/app', mode: 'basic', expect: ['secret'], pii: ['S3cr3t!pw'] },
  { text: 'redis://:hunter2@cache:6379/0', mode: 'strict', expect: ['secret'], pii: ['hunter2'] },
  // several in one string
  { text: 'Email a.b@example.com or call +44 20 7946 0958', mode: 'basic', expect: ['email', 'phone'], pii: ['a.b@example.com', '+44 20 7946 0958'] },
  { text: `card 4111-1111-1111-1111, ssn 078-05-1120, ip 203.0.113.7`, mode: 'strict', expect: ['card', 'ssn', 'ip'], pii: ['4111-1111-1111-1111', '078-05-1120', '203.0.113.7'] },
];

const negatives: Case[] = [
  // dates and times
  { text: '2024-01-15', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: `org 00D5e000000XyZ1EAK has 12 users`, mode: 'basic', expect: [] },
  { text: '15.01.2024', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '01/15/2024', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '2024 01 15', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '20240115', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '2024-01-15T10:30:00+01:00', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '2024-01-15T10:30:00.123Z', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'at 2024-01-15 10:30:00-05:00', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'opens 10:30, closes 23:59:59', mode: 'strict', regions: US_GB_DE, expect: [] },
  // identifiers and versions
  { text: '550e8400-e29b-41d4-a716-446655440000', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'release 1.2.3 and 2.14.1-beta', mode: 'strict', expect: [] },
  { text: 'version 4.2.1.0', mode: 'strict', expect: [] },
  { text: 'v1.2.3.4', mode: 'strict', expect: [] },
  { text: 'build 10.0.1.2', mode: 'strict', expect: [] },
  { text: 'OID 1.3.6.1.4.1', mode: 'strict', expect: [] },
  { text: 'MAC 00:1A:2B:3C:4D:5E', mode: 'strict', expect: [] },
  { text: 'std::vector<int> and add::cd', mode: 'strict', expect: [] },
  // numbers that are not cards, phones or SSNs
  { text: 'Order 1234567812345678', mode: 'basic', expect: [] },
  { text: 'order #4111111111111112', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '4155552671', mode: 'basic', expect: [] },
  { text: '4155552671', mode: 'strict', regions: ['US'], expect: [] }, // bare: an ID as often as a phone (see pii.ts)
  { text: 'epoch 1700000000', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '(415) 555-2671', mode: 'basic', expect: [] }, // national numbers only in strict mode
  { text: '+1 555 0100', mode: 'basic', expect: [] },
  { text: '+1 555 0100', mode: 'strict', regions: ['US'], expect: [] },
  { text: 'Call 555-0100', mode: 'strict', regions: ['US'], expect: [] },
  { text: 'Total $1,234.56 (was €1.234.567,89)', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'amount 1234567.89', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'at 52.520008, 13.404954', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'ZIP 94105 or 94105-1234', mode: 'strict', regions: ['US'], expect: [] },
  { text: 'ISBN 978-3-16-148410-0', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: 'ISBN 0-306-40615-2', mode: 'strict', regions: US_GB_DE, expect: [] },
  { text: '000-12-3456', mode: 'basic', expect: [] },
  { text: '666-12-3456', mode: 'basic', expect: [] },
  { text: '912-34-5678', mode: 'basic', expect: [] },
  { text: '123-00-4567 and 123-45-0000', mode: 'basic', expect: [] },
  // look-alikes of IBANs, emails and secrets
  { text: 'DE89370400440532013001', mode: 'basic', expect: [] },
  { text: 'GB82 WEST 1234 5698 7654 33', mode: 'basic', expect: [] },
  { text: 'user@localhost', mode: 'basic', expect: [] },
  { text: 'ping admin@intranet or @channel', mode: 'strict', expect: [] },
  { text: 'Join #xoxo-fans and #release-2024 on Slack', mode: 'basic', expect: [] },
  { text: 'AKIAIOSFODNN7', mode: 'basic', expect: [] },
  { text: 'ghp_short123', mode: 'basic', expect: [] },
  { text: 'header eyJhbGciOiJIUzI1NiJ9 only', mode: 'basic', expect: [] },
  { text: 'the secret sauce, see page 12', mode: 'strict', expect: [] },
  { text: 'postgres://localhost:5432/app', mode: 'strict', expect: [] },
  { text: '-----BEGIN PUBLIC KEY-----', mode: 'basic', expect: [] },
  // prose
  { text: 'The quick brown fox jumps over the lazy dog.', mode: 'strict', expect: [] },
  { text: 'Alice Johnson, Springfield', mode: 'strict', expect: [] },
];

const cases = [...positives, ...negatives];

const scanners = new Map<string, PiiScanner>();
function scannerFor(c: Pick<Case, 'mode' | 'regions'>): PiiScanner {
  const key = `${c.mode}:${(c.regions ?? []).join(',')}`;
  let s = scanners.get(key);
  if (!s) {
    s = createPiiScanner(c.regions ? { mode: c.mode, regions: c.regions } : { mode: c.mode });
    scanners.set(key, s);
  }
  return s;
}

const expand = (counts: Record<string, number>): string[] =>
  Object.entries(counts)
    .flatMap(([kind, n]) => Array<string>(n).fill(kind))
    .sort();

function run(c: Case): { out: string; found: string[] } {
  const counts: Record<string, number> = {};
  const out = scannerFor(c)(c.text, counts);
  return { out, found: expand(counts) };
}

const label = (c: Case) => `${c.mode}${c.regions ? `[${c.regions.join(',')}]` : ''} ${JSON.stringify(c.text.length > 70 ? `${c.text.slice(0, 67)}...` : c.text)}`;

describe('PII test set', () => {
  it('has enough cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    expect(negatives.length).toBeGreaterThanOrEqual(25);
    for (const c of positives) expect(c.expect.length, label(c)).toBeGreaterThan(0);
  });

  it.each(positives.map((c) => [label(c), c] as const))('finds %s', (_, c) => {
    const { out, found } = run(c);
    expect(found).toEqual([...c.expect].sort());
    for (const part of c.pii ?? [c.text]) expect(out).not.toContain(part);
    for (const kind of new Set(c.expect)) expect(out).toContain(`[REDACTED:${kind}]`);
  });

  it.each(negatives.map((c) => [label(c), c] as const))('leaves %s alone', (_, c) => {
    const { out, found } = run(c);
    expect(found).toEqual([]);
    expect(out).toBe(c.text);
  });

  it('has no false positives or negatives over the whole set', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const misses: string[] = [];
    for (const c of cases) {
      const { found } = run(c);
      const want = new Map<string, number>();
      for (const k of c.expect) want.set(k, (want.get(k) ?? 0) + 1);
      const got = new Map<string, number>();
      for (const k of found) got.set(k, (got.get(k) ?? 0) + 1);
      for (const kind of new Set([...want.keys(), ...got.keys()])) {
        const w = want.get(kind) ?? 0;
        const g = got.get(kind) ?? 0;
        tp += Math.min(w, g);
        if (g > w) fp += g - w;
        if (w > g) fn += w - g;
        if (g !== w) misses.push(`${label(c)}: ${kind} expected ${w}, found ${g}`);
      }
    }
    console.log(
      `PII test set: ${cases.length} cases (${positives.length} positive, ${negatives.length} negative); TP ${tp}, FP ${fp}, FN ${fn}`,
    );
    expect(misses).toEqual([]);
    expect(fp).toBe(0);
    expect(fn).toBe(0);
    expect(tp).toBe(positives.reduce((n, c) => n + c.expect.length, 0));
  });
});

describe('replacement', () => {
  const basic = createPiiScanner({ mode: 'basic' });
  const strict = createPiiScanner({ mode: 'strict', regions: US_GB_DE });

  it('replaces only the password of a URL with credentials', () => {
    const counts: Record<string, number> = {};
    expect(basic('DATABASE_URL=postgres://app_user:S3cr3t!pw@db.example.com:5432/app', counts)).toBe(
      'DATABASE_URL=postgres://app_user:[REDACTED:secret]@db.example.com:5432/app',
    );
    expect(counts).toEqual({ secret: 1 });
  });

  it('replaces only the value of an AWS secret access key', () => {
    const counts: Record<string, number> = {};
    expect(basic(`aws_secret_access_key=${awsSecret}`, counts)).toBe('aws_secret_access_key=[REDACTED:secret]');
    expect(counts).toEqual({ secret: 1 });
  });

  it('keeps one finding where findings overlap', () => {
    // A JWT full of digit runs is one secret, not also cards or phones inside it.
    const digitsJwt = `eyJhbGciOiJIUzI1NiJ9.eyJwaG9uZSI6IisxNDE1NTU1MjY3MSJ9.4111111111111111-4155552671_5555555555554444`;
    const counts: Record<string, number> = {};
    expect(strict(`Bearer ${digitsJwt} ok`, counts)).toBe('Bearer [REDACTED:secret] ok');
    expect(counts).toEqual({ secret: 1 });

    // The password and `password@host.example.com` overlap: the secret wins over the email.
    const c2: Record<string, number> = {};
    expect(strict('mysql://root:hunter2@db.example.com/shop', c2)).toBe('mysql://root:[REDACTED:secret]@db.example.com/shop');
    expect(c2).toEqual({ secret: 1 });

    // An IPv4 address inside an IPv6 one: one ip, the longer.
    const c3: Record<string, number> = {};
    expect(strict('from ::ffff:192.0.2.128 now', c3)).toBe('from [REDACTED:ip] now');
    expect(c3).toEqual({ ip: 1 });
  });

  it('masks a private key cut off before its END line through its base64 lines only', () => {
    const counts: Record<string, number> = {};
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${b64}\n${b64.slice(0, 20)}==\nThanks, Bob`;
    expect(basic(text, counts)).toBe('[REDACTED:secret]\nThanks, Bob');
    expect(counts).toEqual({ secret: 1 });
  });

  it('counts every finding, adding to the counts it is given', () => {
    const counts: Record<string, number> = { email: 1 };
    const out = basic('From anna@example.org to bob.smith@mail.example.com, cc +49 30 12345678', counts);
    expect(out).toBe('From [REDACTED:email] to [REDACTED:email], cc [REDACTED:phone]');
    expect(counts).toEqual({ email: 3, phone: 1 });
  });

  it('replaces several findings right to left without shifting the others', () => {
    const counts: Record<string, number> = {};
    const out = strict(`${akia} 10.1.2.3 x@example.com 078-05-1120 4111 1111 1111 1111 end`, counts);
    expect(out).toBe('[REDACTED:secret] [REDACTED:ip] [REDACTED:email] [REDACTED:ssn] [REDACTED:card] end');
    expect(counts).toEqual({ secret: 1, ip: 1, email: 1, ssn: 1, card: 1 });
  });

  it('finds nothing in mode off', () => {
    const off = createPiiScanner({ mode: 'off' });
    const text = `john@example.com +1 (415) 555-2671 4111 1111 1111 1111 ${ghp}`;
    const counts: Record<string, number> = {};
    expect(off(text, counts)).toBe(text);
    expect(counts).toEqual({});
  });

  it('returns its input, with counts untouched, when nothing was found', () => {
    for (const text of ['', 'Springfield', '2024-01-15', '550e8400-e29b-41d4-a716-446655440000', '12345', 'a secret thing of 20+ chars']) {
      const counts: Record<string, number> = {};
      expect(strict(text, counts)).toBe(text);
      expect(basic(text, counts)).toBe(text);
      expect(counts).toEqual({});
    }
  });

  it('recognises national numbers only of the configured regions', () => {
    const us = createPiiScanner({ mode: 'strict' });
    const de = createPiiScanner({ mode: 'strict', regions: ['de'] });
    const counts: Record<string, number> = {};
    expect(us('Zentrale 030 12345678', counts)).toBe('Zentrale 030 12345678');
    expect(de('Zentrale 030 12345678', counts)).toBe('Zentrale [REDACTED:phone]');
    expect(us('(415) 555-2671', counts)).toBe('[REDACTED:phone]');
    expect(counts).toEqual({ phone: 2 });
  });

  it('rejects an unknown region', () => {
    expect(() => createPiiScanner({ mode: 'strict', regions: ['XX'] })).toThrow(/Unknown phone region "XX"/);
  });
});

describe('fast paths', () => {
  it('returns timestamps as databases print them at once, and still scans what follows a date', () => {
    for (const mode of ['basic', 'strict'] as const) {
      const scan = createPiiScanner({ mode });
      for (const t of ['2025-03-01', '2025-03-01 10:00', '2025-03-01 10:00:00+00', '2025-03-01T10:00:00.123456Z', '2025-03-01 10:00:00-05:30']) {
        const counts: Record<string, number> = {};
        expect(scan(t, counts), `${mode}: ${t}`).toBe(t);
        expect(counts).toEqual({});
      }
      const counts: Record<string, number> = {};
      expect(scan('2025-03-01 call +44 20 7946 0958', counts)).toBe('2025-03-01 call [REDACTED:phone]');
      expect(scan('2025-03-01 a@b.io', counts)).toBe('2025-03-01 [REDACTED:email]');
    }
  });

  it('short strings are skipped in basic mode unless they hold an @', () => {
    const scan = createPiiScanner({ mode: 'basic' });
    expect(scan('a@b.io', {})).toBe('[REDACTED:email]');
    expect(scan('1234567', {})).toBe('1234567');
    expect(createPiiScanner({ mode: 'strict' })('::1', {})).toBe('[REDACTED:ip]');
  });
});
