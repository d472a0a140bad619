/**
 * Finds personal data and secrets in free text and replaces each finding with `[REDACTED:<kind>]`.
 *
 * Modes
 * - `off`: nothing is scanned; the scanner hands back its input.
 * - `basic`: emails, international phone numbers, payment cards, US SSNs, IBANs and secrets.
 * - `strict`: all of basic, plus national-format phone numbers of the configured `regions`
 *   (default US; an unknown code throws a RangeError) and IP addresses (v4 and v6).
 *
 * How it stays cheap: one pass over the characters counts digits, `@`, colons, dots and
 * upper-case pairs and notes where a number may start; a string with no digit and no `@` (names,
 * cities, most prose) is returned at once unless it is 20+ characters long and holds a secret
 * prefix (`ghp_`, `AKIA`, `eyJ`, `-----BEGIN` …). Each detector runs only when those counts say it
 * could match, number regexes run only at the noted start positions, and only the candidates go
 * to the libraries. libphonenumber's verdicts are cached per scanner (values recur across rows),
 * and the parses that fail are budgeted per string (64 plus one per 64 characters), so a long
 * run of phone-like junk stays linear; past the budget, the rest of that string's phone-like
 * candidates are left as they are.
 *
 * Detectors, and what they knowingly get wrong
 * - email: `local@label.label.tld`, letters-only TLD of 2+ characters. `user@localhost` and
 *   `user@10.0.0.1` are not emails; a `git@github.com:org/repo` remote is one.
 * - phone (libphonenumber-js, `max` metadata, so a number must fit the country's real number
 *   patterns, not only its lengths). basic: numbers written with `+` or `00` and a country
 *   code. strict: also national numbers valid in one of `regions`, when written with separators
 *   (`(415) 555-2671`, `030 12345678`) or, as a bare digit run, with the region's trunk prefix
 *   (`07911123456`, `14155552671`). A bare `4155552671` is not taken: bare digit runs are far
 *   more often IDs, amounts or epoch seconds (PostgreSQL returns bigint and numeric as strings),
 *   and masking them would break the results; mask a phone column by name instead. Even so,
 *   strict trades false alarms for recall: a formatted 8-digit number can be a valid German
 *   phone. Candidates are runs of digit groups joined by single spaces, dots or dashes, with
 *   parenthesised groups (`+1 (415) 555-2671`, `(+44) 20 …`, `tel:+1…`), at most 8 groups of which
 *   at most 2 single digits, that do not touch letters, digits, `-`, `_`, `.`, `/` or `:`; so
 *   UUID pieces, versions, times and IDs inside words never qualify. Dates (2024-01-15,
 *   15.01.2024, 2024 01 15, 20240115), plain decimals (52.520008), dotted thousands (1.234.567)
 *   and numbers right after `ISBN` are never phones. Numbers spelled with letters
 *   (`1-800-FLOWERS`) are missed; an extension (`ext. 12`) stays. A phone glued to other digit
 *   groups by a space is found when a split at a space gives a valid number.
 * - card: 13–19 digits, optionally grouped by spaces or dashes; must pass Luhn and match a known
 *   brand and length (card-validator; UnionPay is Luhn-checked too). Order numbers that fail
 *   Luhn are left alone; a Luhn-valid number of a known brand prefix is masked even when it is
 *   really something else (about 1 in 10 random numbers with such a prefix passes Luhn). A card
 *   followed by more digit groups is missed, except a CVV or expiry after its usual grouping
 *   (`4111 1111 1111 1111 123`, `3782 822463 10005 12/29`).
 * - ssn: US `AAA-GG-SSSS` or `AAA GG SSSS` without the never-issued areas 000, 666, 900–999,
 *   group 00 or serial 0000. Unformatted 9-digit SSNs are not detected: too many other 9-digit
 *   numbers (ZIP+4, order numbers) would be masked. A digit group that continues another number
 *   (`+33 123 45 6789`) is not taken as an SSN.
 * - iban: electronic (`DE89370400440532013000`) or grouped by four with spaces, upper case;
 *   valid only if ibantools accepts it (country length, BBAN format, mod-97 checksum). Lower
 *   case or dash-grouped IBANs are missed.
 * - ip (strict): IPv4 dotted quads (octets 0–255, no leading zeros) not directly after `v`,
 *   `version`, `ver`, `build`, `release` or `rev` (those are versions), and not part of a longer
 *   dotted run; IPv6 incl. compressed forms, validated by `node:net` and containing a digit (so
 *   `::` and C++-like `add::cd` are not addresses). Times (10:30:00) and MACs fail validation.
 *   Four-part section numbers such as `2.1.1.3` are masked as IPs.
 * - secret: GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), Slack tokens
 *   (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxc-`, `xoxe-`, `xoxe.xoxp-`, `xapp-`; the part
 *   after the dash must start with a digit, as every real one does) and Slack webhook URLs, AWS
 *   access key IDs and secret access keys (the 40-character value after a key name holding
 *   both `aws` and `secret`; only the value is replaced), JWTs (two `eyJ` parts and a
 *   signature), PEM private-key blocks (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP; a block cut off
 *   before its END line is masked through its base64 lines), Stripe secret and restricted keys
 *   (`sk_live_`, `rk_live_`, and their `_test_` forms), Google API keys (`AIza…`), Salesforce
 *   session IDs and access tokens (the org ID `00D…`, `!`, then the token) and the
 *   password of a URL with credentials (`postgres://user:[REDACTED:secret]@host`). Generic
 *   `password=…` pairs, other vendors' tokens and high-entropy strings without a known prefix
 *   are not detected.
 *
 * When two findings overlap one is kept: secret > iban > card > ssn > email > phone > ip, and the
 * longer one on ties. So a JWT holding digits is one secret, and a URL password followed by
 * `@host.com` is a secret, not an email.
 */
import { isIPv4, isIPv6 } from 'node:net';
import cardValidator from 'card-validator';
import { countrySpecs, isValidIBAN } from 'ibantools';
import {
  isSupportedCountry,
  Metadata,
  parsePhoneNumberFromString,
  type CountryCode,
  type NumberingPlan,
} from 'libphonenumber-js/max';

export type PiiMode = 'off' | 'basic' | 'strict';
export type PiiKind = 'email' | 'phone' | 'card' | 'ssn' | 'iban' | 'ip' | 'secret';

export interface PiiScannerOptions {
  mode: PiiMode;
  /** ISO 3166 alpha-2 regions whose national-format phone numbers are recognised in strict mode (default ['US']). */
  regions?: readonly string[];
}

/** Masks one string. Returns the same string (===) when nothing was found; adds one to counts[kind] per finding. */
export type PiiScanner = (text: string, counts: Record<string, number>) => string;

interface Finding {
  start: number;
  end: number;
  kind: PiiKind;
}

const PRIORITY: Record<PiiKind, number> = { secret: 7, iban: 6, card: 5, ssn: 4, email: 3, phone: 2, ip: 1 };

const raw = String.raw;

/**
 * The start of a known secret. With a digit and `@` (looked for in the same character pass),
 * this is what every detector needs; a string with none of them is returned at once.
 */
const SECRET_HINT =
  /g(?:h[pousr]_|ithub_pat_)|x(?:ox|app-)|A(?:[KSBC][IC]A|Iza)|eyJ|-----BEGIN|k_(?:live|test)_|hooks\.slack|[Ss][Ee][Cc][Rr][Ee][Tt]|00D[A-Za-z0-9]{12}/;
/** No secret pattern below matches fewer characters (an AWS key ID has 20). */
const MIN_SECRET = 20;

// ---- secrets -------------------------------------------------------------------------------

/** A PEM private-key header; group 1 is its label (`RSA PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`). */
const PEM_BEGIN_RE = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/g;
/** The lines after a header whose END line is missing: header lines and whole base64 lines. */
const PEM_CUT_BODY_RE =
  /(?:(?:\r?\n|(?:\\r)?\\n)+(?:[A-Za-z-]+: ?[^\r\n\\]*|[A-Za-z0-9+/=]+(?=\r|\n|\\r|\\n|$)))*/y;
const SECRET_RE = new RegExp(
  [
    raw`(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])`,
    raw`(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}`,
    raw`(?<![A-Za-z0-9_-])(?:xox[abcprse]|xoxe\.xox[abcprse]|xapp)-\d[A-Za-z0-9-]{16,}`,
    raw`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{8,}`,
    raw`(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`,
    raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`,
    raw`(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])`,
    raw`(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`,
    raw`(?<![A-Za-z0-9])00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._]{20,}`,
  ].join('|'),
  'g',
);
/** `aws_secret_access_key = "…"`: the key name holds both words; group 1 is the value. */
const AWS_SECRET_RE =
  /(?:aws[A-Za-z0-9_.-]{0,30}secret|secret[A-Za-z0-9_.-]{0,30}aws)[A-Za-z0-9_.-]{0,30}["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
/** `scheme://user:password@`: group 1 is the password. */
const URL_CREDENTIALS_RE = /:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/g;

// ---- email ---------------------------------------------------------------------------------

const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

// ---- numbers -------------------------------------------------------------------------------

/**
 * Card, SSN and phone candidates start (at a digit, `+` or `(`) only where the character before
 * is not a letter, digit, `_`, `.`, `/`, `:`, `+` or `-`; the scanner finds those places in its
 * character pass and runs these sticky regexes there alone. They end before no letter, digit,
 * `_`, `/`, `:` or `-`, nor before a dot that goes on (a sentence's final dot is fine).
 */
const NUM_END = raw`(?![\w/:-]|\.\w)`;

const CARD_RE = new RegExp(raw`\d(?:[ -]?\d){12,18}${NUM_END}(?![ -]\d)`, 'y');
/** A card in its usual grouping (4-4-4-4[-3], 4-6-5, 4-6-4) followed by a CVV or an expiry date. */
const CARD_BEFORE_CVV_RE =
  /(?:\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5})(?= (?:\d{3,4}|\d{1,2}\/\d{2}(?:\d{2})?)(?![\w/:-]|\.\w|[ -]\d))/y;
/** `AAA-GG-SSSS` or `AAA GG SSSS`, not a piece of a longer run of digit groups. */
const SSN_RE = new RegExp(
  raw`(?<![+\d][ .-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}${NUM_END}(?!\1\d)`,
  'y',
);
const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

/** Digit groups separated by one space, dot or dash, with parenthesised groups: `+1 (415) 555-2671`. */
const PHONE_BODY = raw`(?:\(\d{1,4}\)[ .-]?)?\d+(?:[ .-]?\(\d{1,4}\)[ .-]?\d+|[ .-]\d+){0,12}`;
const PHONE_RE = new RegExp(raw`(?:\+ ?|\(\+\d{1,3}\) ?)?${PHONE_BODY}${NUM_END}`, 'y');
/** `+…`, `00…` or `(+44) …`: a number with its country code. */
const INTERNATIONAL = /^(?:\+|00|\(\+)/;

const OCTET = raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4_RE = new RegExp(raw`(?<![\w.])${OCTET}(?:\.${OCTET}){3}(?!\w|\.\w|-[A-Za-z])`, 'g');
const IPV6_RE = new RegExp(
  raw`(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:${OCTET}(?:\.${OCTET}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\w)`,
  'g',
);
const VERSION_BEFORE = /(?:\b(?:version|ver|build|release|rev)\.?\s*[:=#]?\s*)$/i;
const ISBN_BEFORE = /\bISBN(?:-1[03])?:?\s*$/i;

const DATE_LIKE =
  /^(?:[12]\d{3}([-./ ])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])([-./ ])(?:0?[1-9]|[12]\d|3[01])\2(?:\d{2}|(?:19|20)\d{2})|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))$/;
/** `52.520008`, `1.234.567`: numbers, not phones. */
const DECIMAL_LIKE = /^\d+\.\d+$|^\d{1,3}(?:\.\d{3})+$/;
const DOUBLE_SEPARATOR = /[ .-]{2}/;
/** `2025-03-01`, `2025-03-01 10:00:00+00`, `2025-03-01T10:00:00.123Z`: nothing else fits in them. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Most libphonenumber look-ups one candidate may cost while looking for a phone inside it. */
const PHONE_TRIES = 16;

/** What a region's national numbers look like: its trunk prefix and national number lengths. */
interface Region {
  code: CountryCode;
  prefix: string;
  lengths: ReadonlySet<number>;
}

function regionPlan(code: CountryCode): Region {
  const metadata = new Metadata();
  metadata.selectNumberingPlan(code);
  // nationalPrefix() is part of the plan at run time, though not of its published type.
  const plan = metadata.numberingPlan as (NumberingPlan & { nationalPrefix?: () => string | undefined }) | undefined;
  const prefix = typeof plan?.nationalPrefix === 'function' ? (plan.nationalPrefix() ?? '') : '';
  return { code, prefix, lengths: new Set(plan?.possibleLengths() ?? []) };
}

const FORMATTED = /[ .()-]/;

/**
 * libphonenumber's verdicts for one scanner: the same values recur across the rows of a result,
 * and a parse costs tens of microseconds.
 */
class PhoneVerdicts {
  private readonly seen = new Map<string, boolean>();
  constructor(readonly regions: readonly Region[]) {}

  get(key: string): boolean | undefined {
    return this.seen.get(key);
  }

  set(key: string, valid: boolean): boolean {
    if (this.seen.size >= 4096) this.seen.clear();
    this.seen.set(key, valid);
    return valid;
  }
}

/** Phone checks for one string: its context, and a budget of failed parses so junk stays cheap. */
class PhoneValidator {
  /** Parses spent on the current candidate. */
  tries = 0;
  private failures = 0;
  private readonly maxFailures: number;

  constructor(
    private readonly verdicts: PhoneVerdicts,
    private readonly text: string,
  ) {
    this.maxFailures = 64 + (text.length >> 6);
  }

  get exhausted(): boolean {
    return this.failures >= this.maxFailures;
  }

  valid(cand: string, at: number): boolean {
    // The shape first: digit count, groups (at most 8, of which at most 2 single digits).
    let digits = 0;
    let groups = 0;
    let singles = 0;
    let run = 0;
    for (let i = 0; i <= cand.length; i++) {
      const c = i < cand.length ? cand.charCodeAt(i) : 32;
      if (c >= 48 && c <= 57) {
        digits++;
        run++;
      } else if (run > 0) {
        groups++;
        if (run === 1) singles++;
        run = 0;
      }
    }
    const intl = INTERNATIONAL.test(cand);
    if (digits < (intl ? 7 : 6) || digits > 17 || groups > 8 || singles > 2) return false;
    if (DOUBLE_SEPARATOR.test(cand) || DATE_LIKE.test(cand) || DECIMAL_LIKE.test(cand)) return false;
    if (!balancedParens(cand)) return false;
    if (ISBN_BEFORE.test(this.text.slice(Math.max(0, at - 10), at))) return false;
    const key = !intl ? cand : cand.startsWith('00') ? `+${cand.slice(2)}` : cand.replace(/^\(\+(\d+)\)/, '+$1');
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    if (this.exhausted) return false;
    const before = this.tries;
    const valid = intl ? this.international(key) : this.national(cand, digits);
    if (!valid) this.failures += this.tries - before;
    return this.verdicts.set(key, valid);
  }

  private international(cand: string): boolean {
    this.tries++;
    return parsePhoneNumberFromString(cand, { extract: false })?.isValid() === true;
  }

  /**
   * A bare digit run is a national phone only with its trunk prefix (07911123456, 14155552671):
   * without one it is far more often an ID, an amount or epoch seconds.
   */
  private national(cand: string, digits: number): boolean {
    const formatted = FORMATTED.test(cand);
    const bare = formatted ? cand.replace(/\D/g, '') : cand;
    for (const r of this.verdicts.regions) {
      const prefixed = r.prefix !== '' && bare.startsWith(r.prefix) && r.lengths.has(digits - r.prefix.length);
      if (!prefixed && !(formatted && r.lengths.has(digits))) continue;
      this.tries++;
      if (parsePhoneNumberFromString(cand, { defaultCountry: r.code, extract: false })?.isValid() === true) return true;
    }
    return false;
  }
}

function balancedParens(s: string): boolean {
  let open = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') {
      if (open) return false;
      open = true;
    } else if (c === ')') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

/**
 * A candidate run is a phone, or holds some between its spaces: `2024-01-15 415-555-2671` has
 * one after the date. An international candidate (`+…`) is only tried from its start, since
 * its country code belongs to it.
 */
function findPhones(cand: string, at: number, v: PhoneValidator, out: Finding[]): void {
  v.tries = 0;
  if (DOTTED_QUAD.test(cand)) return; // 203.0.113.7 is an IPv4 address (strict), never a phone
  if (v.valid(cand, at)) {
    out.push({ start: at, end: at + cand.length, kind: 'phone' });
    return;
  }
  if (!cand.includes(' ') || DATE_LIKE.test(cand) || DECIMAL_LIKE.test(cand)) return;
  const chunks: Array<[number, number]> = [];
  const re = /\S+/g;
  for (let m = re.exec(cand); m !== null; m = re.exec(cand)) chunks.push([m.index, m.index + m[0].length]);
  const intl = INTERNATIONAL.test(cand);
  const last = chunks.length - 1;
  for (let s = 0; s <= (intl ? 0 : last); s++) {
    for (let e = last; e >= s; e--) {
      if (s === 0 && e === last) continue;
      if (v.tries >= PHONE_TRIES || v.exhausted) return;
      const from = chunks[s]![0];
      const to = chunks[e]![1];
      if (v.valid(cand.slice(from, to), at + from)) {
        out.push({ start: at + from, end: at + to, kind: 'phone' });
        s = e;
        break;
      }
    }
  }
}

/** The IBAN at the start of a candidate, cut to its country's length at a group boundary. */
function ibanLength(cand: string): number {
  const chars = countrySpecs[cand.slice(0, 2)]?.chars;
  if (chars === undefined) return 0;
  let n = 0;
  for (let i = 0; i < cand.length; i++) {
    if (cand[i] === ' ') continue;
    n++;
    if (n === chars) {
      if (i + 1 < cand.length && cand[i + 1] !== ' ') return 0;
      return isValidIBAN(cand.slice(0, i + 1).replaceAll(' ', '')) ? i + 1 : 0;
    }
  }
  return 0;
}

/**
 * PEM private-key blocks, from BEGIN to the END line of the same label, or through the base64
 * lines when the END is missing (a value cut short). Linear: an END looked for and not found is
 * not looked for again.
 */
function findPrivateKeys(text: string, out: Finding[]): void {
  const missing = new Set<string>();
  let from = 0;
  for (const m of matches(PEM_BEGIN_RE, text)) {
    if (m.index < from) continue;
    const bodyStart = m.index + m[0].length;
    const endLine = `-----END ${m[1]!}-----`;
    const end = missing.has(endLine) ? -1 : text.indexOf(endLine, bodyStart);
    if (end >= 0) {
      from = end + endLine.length;
    } else {
      missing.add(endLine);
      PEM_CUT_BODY_RE.lastIndex = bodyStart;
      from = bodyStart + (PEM_CUT_BODY_RE.exec(text)?.[0].length ?? 0);
    }
    out.push({ start: m.index, end: from, kind: 'secret' });
  }
}

/**
 * The length of the card number starting at `p`; or, when there is a candidate there but no
 * valid card, minus the candidate's length (the scan goes on after it).
 */
function cardAt(text: string, p: number): number {
  if (ISBN_BEFORE.test(text.slice(Math.max(0, p - 10), p))) return 0;
  let seen = 0;
  for (const re of [CARD_RE, CARD_BEFORE_CVV_RE]) {
    const m = exec(re, text, p);
    if (m === null) continue;
    if (cardValidator.number(m[0], CARD_OPTIONS).isValid) return m[0].length;
    seen = Math.max(seen, m[0].length);
  }
  return -seen;
}

/** A letter, digit, `_`, `.`, `/`, `:`, `+` or `-`: no card, SSN or phone starts right after one. */
function blocksNumber(c: number): boolean {
  return (
    (c >= 48 && c <= 58) || // 0-9 :
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 43 && c <= 47 && c !== 44) || // + - . /
    c === 95
  );
}

const CARD_OPTIONS = { luhnValidateUnionPay: true };

function exec(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Keeps one finding of each overlapping group (by kind priority, then length), sorted by start. */
function resolve(found: Finding[]): Finding[] {
  if (found.length < 2) return found;
  found.sort((a, b) => PRIORITY[b.kind] - PRIORITY[a.kind] || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Finding[] = [];
  for (const f of found) {
    // The first kept finding that ends after f starts is the only one f could overlap.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.end <= f.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < kept.length && kept[lo]!.start < f.end) continue;
    kept.splice(lo, 0, f);
  }
  return kept;
}

export function createPiiScanner(options: PiiScannerOptions): PiiScanner {
  if (options.mode === 'off') return (text) => text;
  const strict = options.mode === 'strict';
  const regions: Region[] = [];
  if (strict) {
    for (const r of options.regions ?? ['US']) {
      const code = r.toUpperCase();
      if (!isSupportedCountry(code)) throw new RangeError(`Unknown phone region "${r}" (expected an ISO 3166 alpha-2 code such as US or GB)`);
      if (!regions.some((x) => x.code === code)) regions.push(regionPlan(code));
    }
  }
  const verdicts = new PhoneVerdicts(regions);

  // No finding is shorter: basic's shortest is a `+` phone of 8 (`+2901234`, Saint Helena;
  // emails, shorter, need an `@`); strict's is an IPv6 address such as `::1`.
  const minLength = strict ? 3 : 8;
  return (text, counts) => {
    if (text.length < minLength && !text.includes('@')) return text;
    // Dates and timestamps as databases print them, the most common strings with digits.
    if (text.charCodeAt(4) === 45 && TIMESTAMP.test(text)) return text;
    // One pass over the characters: what is there, and where number candidates may start.
    let digits = 0;
    let upperPair = false;
    let at = false;
    let colons = 0;
    let dots = 0;
    let starts: number[] | undefined;
    let prev = 32;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        digits++;
        if (!blocksNumber(prev)) (starts ??= []).push(i);
      } else if (c >= 65 && c <= 90) {
        if (prev >= 65 && prev <= 90) upperPair = true;
      } else if (c === 64) at = true;
      else if (c === 58) colons++;
      else if (c === 46) dots++;
      else if (c === 40 && !blocksNumber(prev)) (starts ??= []).push(i);
      else if (c === 43 && (prev === 58 || !blocksNumber(prev))) (starts ??= []).push(i); // `tel:+1…` too
      prev = c;
    }
    const secrets = text.length >= MIN_SECRET && SECRET_HINT.test(text);
    if (digits === 0 && !at && !secrets) return text;

    const found: Finding[] = [];

    if (secrets) {
      if (text.includes('-----BEGIN ')) findPrivateKeys(text, found);
      for (const m of matches(SECRET_RE, text)) found.push({ start: m.index, end: m.index + m[0].length, kind: 'secret' });
      for (const m of matches(AWS_SECRET_RE, text)) {
        const end = m.index + m[0].length;
        found.push({ start: end - 40, end, kind: 'secret' });
      }
    }
    if (at) {
      if (colons > 0 && text.includes('://')) {
        for (const m of matches(URL_CREDENTIALS_RE, text)) {
          const end = m.index + m[0].length - 1;
          found.push({ start: end - m[1]!.length, end, kind: 'secret' });
        }
      }
      for (const m of matches(EMAIL_RE, text)) found.push({ start: m.index, end: m.index + m[0].length, kind: 'email' });
    }
    if (upperPair && digits >= 2 && text.length >= 15) {
      for (const m of matches(IBAN_RE, text)) {
        const len = ibanLength(m[0]);
        if (len > 0) found.push({ start: m.index, end: m.index + len, kind: 'iban' });
      }
    }
    if (starts !== undefined) {
      // Like global regexes, each detector goes on after its last candidate, not inside it.
      let cardEnd = 0;
      let ssnEnd = 0;
      let phoneEnd = 0;
      let phones: PhoneValidator | undefined;
      for (const p of starts) {
        const c = text.charCodeAt(p);
        if (c >= 48 && c <= 57) {
          if (digits >= 13 && p >= cardEnd) {
            const len = cardAt(text, p);
            if (len > 0) {
              found.push({ start: p, end: p + len, kind: 'card' });
              cardEnd = p + len;
            } else if (len < 0) cardEnd = p - len;
          }
          if (digits >= 9 && p >= ssnEnd) {
            const m = exec(SSN_RE, text, p);
            if (m !== null) {
              ssnEnd = p + m[0].length;
              found.push({ start: p, end: ssnEnd, kind: 'ssn' });
            }
          }
        }
        // basic mode: only international numbers, written with `+`, `00` or `(+`.
        const next = text.charCodeAt(p + 1);
        if (digits >= 5 && p >= phoneEnd && (strict || c === 43 || (c === 48 && next === 48) || (c === 40 && next === 43))) {
          const m = exec(PHONE_RE, text, p);
          if (m !== null) {
            phoneEnd = p + m[0].length;
            findPhones(m[0], p, (phones ??= new PhoneValidator(verdicts, text)), found);
          }
        }
      }
    }
    if (strict) {
      if (digits >= 4 && dots >= 3) {
        for (const m of matches(IPV4_RE, text)) {
          if (VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
          if (isIPv4(m[0])) found.push({ start: m.index, end: m.index + m[0].length, kind: 'ip' });
        }
      }
      if (colons >= 7 || (colons >= 2 && text.includes('::'))) {
        for (const m of matches(IPV6_RE, text)) {
          if (/\d/.test(m[0]) && isIPv6(m[0])) found.push({ start: m.index, end: m.index + m[0].length, kind: 'ip' });
        }
      }
    }

    if (found.length === 0) return text;
    // Right to left, so that every offset still points into the original text.
    const kept = resolve(found);
    const parts: string[] = [];
    let tail = text.length;
    for (let i = kept.length - 1; i >= 0; i--) {
      const f = kept[i]!;
      parts.push(text.slice(f.end, tail), `[REDACTED:${f.kind}]`);
      tail = f.start;
      counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    }
    parts.push(text.slice(0, tail));
    return parts.reverse().join('');
  };
}
