import { opt, type ConfigOf } from './options.js';

/** Options every connector has, with the same names everywhere. */
export const coreOptions = {
  allowWrite: opt.boolean('Enable tools that change data (they are hidden otherwise).'),
  tools: opt.list('Only expose these tools (comma-separated names).'),
  excludeTools: opt.list('Hide these tools (comma-separated names).'),
  timeout: opt.duration('Per-call time limit; the backend work is stopped when it passes.', { default: 30_000 }),
  maxRows: opt.integer('Most rows (or items) one call returns; the rest is cut and marked truncated.', { default: 1000 }),
  maxBytes: opt.bytes('Most bytes of data one call returns; the rest is cut and marked truncated.', { default: 1024 * 1024 }),
  auditLog: opt.string('Append audit events (one JSON line per tool call) to this file instead of stderr.', { placeholder: 'FILE' }),
  logLevel: opt.enum(['debug', 'info', 'warn', 'error'] as const, 'Least severe log level written to stderr.', { default: 'info' }),
  principal: opt.string('Who the calls are made for, as recorded in audit events (default: the OS user).', { placeholder: 'NAME' }),
  piiMode: opt.enum(
    ['off', 'basic', 'strict'] as const,
    'Mask personal data and secrets in results and audit events. basic: emails, international phone numbers, payment cards, US SSNs, IBANs, API keys and tokens; strict adds national phone numbers (--pii-regions) and IP addresses.',
    { default: 'basic' },
  ),
  piiRegions: opt.list('Countries whose national phone numbers strict mode recognises (ISO codes).', {
    default: ['US'],
    placeholder: 'US,GB',
    item: { pattern: /^[A-Za-z]{2}$/, message: 'expected two-letter country codes such as US,GB,DE' },
  }),
  maskColumns: opt.list('Replace these result columns (by name, any case; * is a wildcard) with [MASKED], whatever they hold.', { placeholder: 'email,phone' }),
  hashColumns: opt.list('Replace these result columns with a salted hash, so equal values stay equal (joins, counts) but cannot be read.', { placeholder: 'customer_id' }),
  dropColumns: opt.list('Leave these result columns out altogether.', { placeholder: 'password_hash' }),
  maskSalt: opt.string('Key for --hash-columns; the same salt gives the same hashes across restarts and replicas (default: random per process).', { secret: true, placeholder: 'SECRET' }),
  confirm: opt.enum(
    ['elicit', 'token', 'off'] as const,
    'How destructive calls are confirmed: elicit asks the user through the client (falling back to token when the client cannot ask); token returns a preview and a one-time token the call must be repeated with; off runs them at once.',
    { default: 'elicit' },
  ),
  rateLimitRead: opt.rate('Most read calls per principal, e.g. 600/min (a burst of that many, refilled evenly); off for none.', { default: null }),
  rateLimitWrite: opt.rate('Most write and destructive calls per principal, e.g. 60/min; off for none.', { default: { count: 60, windowMs: 60_000, text: '60/min' } }),
};

export type CoreConfig = ConfigOf<typeof coreOptions>;
