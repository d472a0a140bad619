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
};

export type CoreConfig = ConfigOf<typeof coreOptions>;
