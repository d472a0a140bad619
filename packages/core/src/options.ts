import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseRate, type Rate } from './rate-limit.js';

/**
 * Options are data: each one is a flag (`--max-rows`) and an environment variable
 * (`MCP_MAX_ROWS`, plus declared aliases) derived from its key by one rule for every
 * connector. A flag beats its variable, which beats the default.
 */
export interface OptionSpec<T> {
  readonly kind: 'string' | 'boolean' | 'integer' | 'bytes' | 'duration' | 'list' | 'enum' | 'rate';
  readonly description: string;
  /** Parsed from the raw flag or variable text; returns an error message for bad input. */
  readonly schema: z.ZodType<T, string>;
  readonly default?: T;
  /** Extra environment variables read when MCP_<NAME> is unset, in order. */
  readonly env?: readonly string[];
  /** Filled from the first positional argument when the flag is absent. */
  readonly positional?: boolean;
  /** Never printed in logs, audit events or `--help` defaults. */
  readonly secret?: boolean;
  /** Shown in --help, e.g. `FILE`, `30s`. */
  readonly placeholder?: string;
}

export type OptionSpecs = Record<string, OptionSpec<unknown>>;

type ValueOf<S> = S extends OptionSpec<infer T> ? T : never;
type HasDefault<S> = S extends { default: unknown } ? true : false;

/** The config type a set of option specs produces. */
export type ConfigOf<S extends OptionSpecs> = {
  readonly [K in keyof S]: HasDefault<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

type Extra = Pick<OptionSpec<unknown>, 'env' | 'positional' | 'secret' | 'placeholder'>;

const UNITS_BYTES: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, kib: 1024, mb: 1024 ** 2, m: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3, gib: 1024 ** 3 };
const UNITS_MS: Record<string, number> = { ms: 1, '': 1000, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

function withUnit(units: Record<string, number>, what: string, example: string, max?: { value: number; text: string }) {
  return z.string().transform((raw, ctx) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
    const factor = m ? units[m[2]!.toLowerCase()] : undefined;
    if (!m || factor === undefined || Number(m[1]) <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a positive ${what} such as ${example}` });
      return z.NEVER;
    }
    const value = Math.round(Number(m[1]) * factor);
    if (max && value > max.value) {
      ctx.addIssue({ code: 'custom', message: `expected a ${what} of at most ${max.text}` });
      return z.NEVER;
    }
    return value;
  });
}

/** Node's timers (and PostgreSQL's statement_timeout) hold at most 2^31 - 1 ms; a longer one fires at once. */
const MAX_DURATION = { value: 2 ** 31 - 1, text: '596h (about 24 days)' };

/** Builders for option specs. */
export const opt = {
  string<D extends string | undefined = undefined>(description: string, extra: Extra & { default?: D } = {}) {
    return { kind: 'string', description, schema: z.string().min(1, 'expected a non-empty value'), ...extra } as OptionSpec<string> & { default: D };
  },
  boolean(description: string, extra: Extra = {}) {
    const schema = z.string().transform((raw, ctx) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    });
    return { kind: 'boolean', description, schema, default: false, ...extra } as OptionSpec<boolean> & { default: boolean };
  },
  integer(description: string, extra: Extra & { default: number; min?: number; max?: number }) {
    const { min = 1, max = Number.MAX_SAFE_INTEGER, ...rest } = extra;
    const schema = z.string().regex(/^\s*\d+\s*$/, `expected a whole number from ${min} to ${max}`).transform(Number).pipe(
      z.number().min(min, `expected a whole number from ${min} to ${max}`).max(max, `expected a whole number from ${min} to ${max}`),
    );
    return { kind: 'integer', description, schema, placeholder: 'N', ...rest } as OptionSpec<number> & { default: number };
  },
  bytes(description: string, extra: Extra & { default: number }) {
    return { kind: 'bytes', description, schema: withUnit(UNITS_BYTES, 'size', '1048576, 512kb or 4mb'), placeholder: 'SIZE', ...extra } as OptionSpec<number> & { default: number };
  },
  duration(description: string, extra: Extra & { default: number }) {
    return { kind: 'duration', description, schema: withUnit(UNITS_MS, 'duration', '30s, 500ms or 2m (a bare number is seconds)', MAX_DURATION), placeholder: 'DURATION', ...extra } as OptionSpec<number> & { default: number };
  },
  list<D extends string[] | undefined = undefined>(description: string, extra: Extra & { default?: D; item?: { pattern: RegExp; message: string } } = {}) {
    const { item, ...rest } = extra;
    const schema = z.string().transform((raw, ctx) => {
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = item && items.find((s) => !item.pattern.test(s));
      if (bad !== undefined && bad !== '' && item) {
        ctx.addIssue({ code: 'custom', message: `${item.message} (not ${JSON.stringify(bad)})` });
        return z.NEVER;
      }
      return items;
    });
    return { kind: 'list', description, schema, placeholder: 'A,B', ...rest } as OptionSpec<string[]> & (D extends string[] ? { default: D } : unknown);
  },
  /** A rate limit such as `60/min`; `off` is none. */
  rate(description: string, extra: Extra & { default: Rate | null }) {
    const schema = z.string().transform((raw, ctx) => {
      const r = parseRate(raw);
      if (typeof r === 'string') {
        ctx.addIssue({ code: 'custom', message: r });
        return z.NEVER;
      }
      return r;
    });
    return { kind: 'rate', description, schema, placeholder: 'N/PERIOD', ...extra } as OptionSpec<Rate | null> & { default: Rate | null };
  },
  /** One of `choices`; without a default it is undefined when not given (e.g. to tell "not set" from a choice). */
  enum<const C extends readonly [string, ...string[]], D extends C[number] | undefined = undefined>(choices: C, description: string, extra: Extra & { default?: D } = {}) {
    const schema = z.string().transform((s) => s.trim().toLowerCase()).pipe(z.enum(choices, { error: `expected one of ${choices.join(', ')}` }));
    return { kind: 'enum', description, schema, placeholder: choices.join('|'), ...extra } as OptionSpec<C[number]> & (D extends string ? { default: D } : unknown);
  },
};

export const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const envName = (key: string) => `MCP_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** Parses argv (without node and script) and env against the specs. Throws ConfigError. */
export function parseOptions<S extends OptionSpecs>(specs: S, argv: readonly string[], env: Record<string, string | undefined>): ConfigOf<S> {
  const byFlag = new Map(Object.keys(specs).map((k) => [flagName(k), k]));
  const fromFlags = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--')) { positionals.push(arg); continue; }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let negated = false;
    if (!byFlag.has(name) && name.startsWith('no-') && specs[byFlag.get(name.slice(3)) ?? '']?.kind === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const key = byFlag.get(name);
    if (!key) throw new ConfigError(`Unknown option --${name}. Run with --help to list the options.`);
    const spec = specs[key]!;
    if (spec.kind === 'boolean') {
      value = negated ? 'false' : (value ?? 'true');
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`Option --${name} needs a value, e.g. --${name} ${spec.placeholder ?? 'VALUE'}.`);
    }
    fromFlags.set(key, value);
  }
  const positionalKeys = Object.keys(specs).filter((k) => specs[k]!.positional);
  if (positionals.length > positionalKeys.length) {
    throw new ConfigError(`Unexpected argument "${positionals[positionalKeys.length]}". Run with --help to see the usage.`);
  }
  positionalKeys.forEach((k, i) => {
    if (positionals[i] !== undefined && !fromFlags.has(k)) fromFlags.set(k, positionals[i]!);
  });

  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const envNames = [envName(key), ...(spec.env ?? [])];
    let source = `--${flagName(key)}`;
    let raw = fromFlags.get(key);
    if (raw === undefined) {
      const found = envNames.find((n) => env[n] !== undefined && env[n] !== '');
      if (found) { raw = env[found]; source = found; }
    }
    if (raw === undefined) {
      config[key] = spec.default;
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      const why = parsed.error.issues[0]?.message ?? 'invalid value';
      throw new ConfigError(`Invalid ${source}: ${why}, got ${shown}. Fix --${flagName(key)} or ${envNames[0]}.`);
    }
    config[key] = parsed.data;
  }
  return config as ConfigOf<S>;
}

/** `--help` text generated from the specs. */
export function optionsHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([key, s]) => {
    const flag = `--${flagName(key)}${s.kind === 'boolean' ? '' : ` ${s.placeholder ?? 'VALUE'}`}`;
    const dflt = s.default === undefined || s.default === false || s.secret ? '' : ` (default: ${formatDefault(s)})`;
    const env = [envName(key), ...(s.env ?? [])].join(', ');
    return `  ${flag}\n      ${s.description}${dflt}\n      env: ${env}`;
  });
  return rows.join('\n');
}

export function formatDefault(s: OptionSpec<unknown>): string {
  const v = s.default;
  if (s.kind === 'duration' && typeof v === 'number') return v % 1000 === 0 ? `${v / 1000}s` : `${v}ms`;
  if (s.kind === 'rate') return v ? (v as Rate).text : 'off';
  if (s.kind === 'bytes' && typeof v === 'number') return v % 1024 ** 2 === 0 ? `${v / 1024 ** 2}mb` : v % 1024 === 0 ? `${v / 1024}kb` : String(v);
  return Array.isArray(v) ? v.join(',') : String(v);
}
