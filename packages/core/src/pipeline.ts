import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { redact, writeAudit, type AuditEvent } from './audit.js';
import type { CoreConfig } from './core-options.js';
import { defaultPreview, TOKEN_TTL_MS, type ConfirmationTokens, type TokenCheck } from './confirm.js';
import { CONFIRMATION_TOKEN, type ToolContext, type ToolOutput } from './define.js';
import { ConnectorError } from './errors.js';
import type { Logger, Sink } from './log.js';
import { needsConfirmation, rateClass, type ToolPolicy } from './policy.js';
import { newStats, type Protector, type ProtectStats } from './protect.js';
import type { RateLimiter } from './rate-limit.js';
import { fence, showHidden } from './untrusted.js';

export interface PipelineDeps {
  connector: string;
  /** Where results come from, for the fence line: the connector's title ("SQLite", "GitHub"). */
  source: string;
  config: CoreConfig;
  deps: unknown;
  policy: ToolPolicy;
  log: Logger;
  audit: Sink;
  secrets: readonly string[];
  defaultPrincipal: string;
  /** Cleans and masks backend content (loaded on first use: the PII libraries are large). */
  protector(): Promise<Protector>;
  limiter: RateLimiter;
  tokens: ConfirmationTokens;
  /** Called when a call starts; what it returns gets the call's audit event when it ends (metrics, tracing). */
  onCall?(tool: string): ((event: AuditEvent) => void) | undefined;
}

/** The user's answer to a confirmation the client showed. */
export type ElicitAnswer = 'accept' | 'decline' | 'cancel';

export interface CallExtra {
  /** The client's cancellation. */
  signal: AbortSignal;
  principal?: string;
  resourcesChanged(): void;
  /** Asks the user through the client (MCP elicitation); absent when the client cannot. */
  elicit?(message: string, signal: AbortSignal): Promise<ElicitAnswer>;
}

/** Room for the protocol envelope around text and data, which both carry the result. */
const ENVELOPE_SLACK = 64 * 1024;

const errorResult = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

/**
 * The one path every tool call takes: policy, input validation, the rate limit, the user's
 * confirmation of destructive calls, a timeout that aborts the handler's signal, the handler,
 * cleaning, masking and fencing of what it returned, the output budget, error mapping, and
 * exactly one audit event.
 */
export async function runToolCall(p: PipelineDeps, name: string, rawArgs: unknown, extra: CallExtra): Promise<CallToolResult> {
  const started = performance.now();
  const observe = p.onCall?.(name);
  let protector: Protector;
  try {
    protector = await p.protector();
  } catch (err) {
    // Fail closed: without its filters the server does not know what it may show.
    p.log.error('masking unavailable', { error: err instanceof Error ? err.message : String(err) });
    const event: AuditEvent = { type: 'audit', time: new Date().toISOString(), connector: p.connector, tool: name, principal: extra.principal ?? p.defaultPrincipal, arguments: '[not recorded]', decision: 'allow', outcome: 'error', errorCode: 'internal', durationMs: 0, bytes: 0, truncated: false };
    writeAudit(p.audit, event);
    observe?.(event);
    return errorResult(`${name} was not run: the server could not load its personal-data filters (see its log). Ask the user to check the installation.`);
  }
  const stats = newStats();
  const event: AuditEvent = {
    type: 'audit',
    time: new Date().toISOString(),
    connector: p.connector,
    tool: name,
    principal: extra.principal ?? p.defaultPrincipal,
    arguments: protector.value(redact(rawArgs ?? {}, p.secrets), stats),
    decision: 'allow',
    outcome: 'ok',
    durationMs: 0,
    bytes: 0,
    truncated: false,
  };
  const finish = (result: CallToolResult, fields: Partial<AuditEvent> = {}): CallToolResult => {
    Object.assign(event, fields, { durationMs: Math.round((performance.now() - started) * 1000) / 1000 });
    if (result.isError && event.outcome === 'ok') event.outcome = 'error';
    if (Object.keys(stats.masked).length) event.masked = stats.masked;
    if (stats.hidden) event.hiddenCharacters = stats.hidden;
    writeAudit(p.audit, event);
    observe?.(event);
    return result;
  };
  const deny = (decision: AuditEvent['decision'], text: string, fields: Partial<AuditEvent> = {}) => finish(errorResult(text), { decision, outcome: 'denied', ...fields });

  const tool = p.policy.enabled.get(name);
  if (tool?.privateArguments?.length && event.arguments && typeof event.arguments === 'object') {
    const args = { ...(event.arguments as Record<string, unknown>) };
    for (const key of tool.privateArguments) {
      const v = (rawArgs as Record<string, unknown> | undefined)?.[key];
      if (v !== undefined) args[key] = `[not recorded: ${typeof v === 'string' ? `${v.length} chars` : typeof v}]`;
    }
    event.arguments = args;
  }
  if (!tool) {
    const why = p.policy.disabled.get(name);
    return why ? deny('deny:disabled', why) : deny('deny:unknown_tool', `Unknown tool "${name}". Available tools: ${[...p.policy.enabled.keys()].join(', ')}.`);
  }

  const parsed = tool.input.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const text = `Invalid arguments for ${name}: ${describeIssues(parsed.error)}. Check the tool's input schema and call it again.`;
    return deny('deny:invalid_arguments', text, { errorCode: 'invalid_input' });
  }
  const confirming = needsConfirmation(tool, p.config);
  // The token is the core's argument, never the handler's.
  const { [CONFIRMATION_TOKEN]: token, ...input } = parsed.data as Record<string, unknown>;

  const cls = rateClass(tool);
  const wait = p.limiter.take(event.principal, cls, false);
  if (wait > 0) return deny('deny:rate_limited', rateLimited(p, name, cls, wait), { errorCode: 'rate_limited' });

  const controller = new AbortController();
  const timeoutMs = p.config.timeout;
  let timer: NodeJS.Timeout | undefined;
  const armTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      controller.abort(new ConnectorError('timeout', `${name} did not finish within ${timeoutMs / 1000}s and was stopped.`, 'Narrow the request (filters, LIMIT) or ask the user to raise --timeout.'));
    }, timeoutMs);
  };
  armTimer();
  const onCancel = () => controller.abort(new ConnectorError('cancelled', `${name} was cancelled by the client.`));
  if (extra.signal.aborted) onCancel();
  else extra.signal.addEventListener('abort', onCancel, { once: true });

  const ctx: ToolContext<unknown> = {
    deps: p.deps,
    config: p.config,
    signal: controller.signal,
    limits: { maxRows: p.config.maxRows, maxBytes: p.config.maxBytes },
    principal: event.principal,
    log: p.log,
    resourcesChanged: extra.resourcesChanged,
  };
  const race = async <T>(work: () => Promise<T> | T): Promise<T> => {
    const running = Promise.resolve().then(work);
    running.catch(() => {}); // it may settle after the abort; its outcome no longer matters
    return Promise.race([running, aborted(controller.signal)]);
  };

  try {
    // confirmIf runs with --confirm off too, so a tool's refusal (it throws) holds either way.
    // A destructive call (or a tool marked confirm) is always confirmed; another tool's only when
    // it gives a reason.
    const reason = tool.confirmIf ? await race(() => tool.confirmIf!(input, ctx)) : undefined;
    if (confirming && (tool.kind === 'destructive' || tool.confirm || reason)) {
      if (typeof token === 'string') {
        const check = p.tokens.redeem(token, event.principal, name, input);
        if (check !== 'ok') return deny('deny:invalid_token', invalidToken(name, check));
        event.confirmation = 'token';
      } else {
        const what = showHidden(await race(() => tool.preview?.(input, ctx) ?? defaultPreview(name, input)));
        const preview = reason ? `${showHidden(reason)}\n\n${what}` : what;
        if (p.config.confirm === 'elicit' && extra.elicit) {
          clearTimeout(timer); // the user's time to decide is not the call's
          let answer: ElicitAnswer;
          try {
            answer = await extra.elicit(`${p.source} wants to run ${name}:\n\n${preview}\n\nAllow it?`, extra.signal);
          } catch (err) {
            if (extra.signal.aborted) throw new ConnectorError('cancelled', `${name} was cancelled by the client.`);
            p.log.warn('confirmation failed', { tool: name, error: err instanceof Error ? err.message : String(err) });
            return deny('deny:confirmation_failed', `${name} was not run: asking the user for confirmation failed (${err instanceof Error ? err.message : String(err)}). Nothing was changed. Ask the user in the conversation whether to try again.`);
          }
          if (answer === 'decline') return deny('deny:user_declined', `The user declined ${name}; nothing was changed. Do not run it again unless the user asks for it.`);
          if (answer === 'cancel') return deny('deny:user_cancelled', `The user dismissed the confirmation for ${name}; nothing was changed. Ask the user what they want before trying again.`);
          event.confirmation = 'elicit';
          armTimer();
        } else {
          const issued = p.tokens.issue(event.principal, name, input);
          return deny('deny:needs_confirmation', needsToken(name, preview, issued));
        }
      }
    }
    const waitNow = p.limiter.take(event.principal, cls, true);
    if (waitNow > 0) return deny('deny:rate_limited', rateLimited(p, name, cls, waitNow), { errorCode: 'rate_limited' });

    const out = await race(() => tool.handler(input, ctx));
    return finish(...buildResult(out, p, protector, stats));
  } catch (err) {
    const e = err instanceof ConnectorError ? err : undefined;
    if (e) {
      const outcome = e.code === 'timeout' ? 'timeout' : e.code === 'cancelled' ? 'cancelled' : 'error';
      return finish(errorResult(protector.text(e.userMessage, stats)), { outcome, errorCode: e.code });
    }
    const reference = randomUUID().slice(0, 8);
    const detail = err instanceof Error ? { name: err.name, message: protector.text(err.message, newStats()), stack: err.stack && protector.text(err.stack, newStats()) } : protector.text(String(err), newStats());
    p.log.error('tool failed', { tool: name, reference, error: detail });
    return finish(errorResult(`${name} failed unexpectedly (reference ${reference}). The details are in the server log; try again, or report the reference.`), { errorCode: 'internal' });
  } finally {
    clearTimeout(timer);
    extra.signal.removeEventListener('abort', onCancel);
  }
}

function rateLimited(p: PipelineDeps, name: string, cls: 'read' | 'write', waitMs: number): string {
  const rate = cls === 'read' ? p.config.rateLimitRead : p.config.rateLimitWrite;
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return `Rate limit reached: at most ${rate?.text ?? 'a few'} ${cls} calls per principal (--rate-limit-${cls}). ${name} was not run. Retry in ${seconds} s, or make fewer, larger calls.`;
}

function needsToken(name: string, preview: string, token: string): string {
  return [
    `${name} changes data, so the user must confirm it first. Nothing has been changed yet.`,
    'Show the user what it would do and ask whether to go ahead:',
    '',
    preview,
    '',
    `Only if the user agrees, call ${name} again with the same arguments and ${CONFIRMATION_TOKEN}: "${token}". The token works once, for exactly these arguments, within ${TOKEN_TTL_MS / 60_000} minutes. If the user does not agree, do not call it again.`,
  ].join('\n');
}

function invalidToken(name: string, check: Exclude<TokenCheck, 'ok'>): string {
  const why =
    check === 'expired'
      ? 'has expired'
      : check === 'mismatch'
        ? 'was issued for other arguments (a token confirms one exact call)'
        : 'is not one this server issued, or was already used';
  return `The ${CONFIRMATION_TOKEN} ${why}; ${name} was not run. Call ${name} again without ${CONFIRMATION_TOKEN} to get a new preview for the user to confirm.`;
}

/** `field: what was expected` for each problem, in one line a model can act on. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'arguments';
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function buildResult(out: ToolOutput<unknown>, p: PipelineDeps, protector: Protector, stats: ProtectStats): [CallToolResult, Partial<AuditEvent>] {
  const maxBytes = p.config.maxBytes;
  // Cleaned and masked first, so a text rendered from the data shows what the model may see.
  const data = out.structured === undefined ? undefined : protector.value(out.structured, stats);
  const raw = typeof out.text === 'function' ? out.text(data) : out.text === undefined ? '' : protector.text(out.text, stats);
  const note = out.note === undefined ? undefined : protector.text(out.note, stats);
  // Serialized once, to count its bytes, unless the handler counted them (and masking changed
  // nothing). Values JSON cannot carry (BigInt) would make the response unsendable and leave
  // the client waiting: plain JSON.stringify throws on them, and only then is the slower
  // replacer used to send them as decimal strings.
  let converted = false;
  let structured: string | undefined;
  let structuredBytes = 0;
  if (data !== undefined && out.structuredBytes !== undefined && data === out.structured) {
    structuredBytes = out.structuredBytes;
  } else if (data !== undefined) {
    try {
      structured = JSON.stringify(data);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      converted = true;
      structured = JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    }
    structuredBytes = Buffer.byteLength(structured);
  }
  let content = raw;
  let truncated = out.truncated ?? false;
  if (data === undefined && Buffer.byteLength(content) > maxBytes) {
    // A text-only result is cut to the budget, at a character boundary, and says so.
    const full = Buffer.from(content);
    content = `${cutUtf8(full, maxBytes)}\n[truncated: ${full.length - maxBytes} more bytes not shown; narrow the request]`;
    truncated = true;
  }
  const text = content ? fence(content, p.source, note) : (note ?? '');
  const bytes = Buffer.byteLength(text) + structuredBytes;
  const fields: Partial<AuditEvent> = { bytes, truncated, ...(out.rows === undefined ? {} : { rows: out.rows }) };
  // Handlers cut structured results to maxBytes themselves (only they know which rows to keep);
  // this backstop keeps a message far below what clients accept (the SDK client drops messages
  // over 10 MiB). Text and structured data both carry the result, hence twice the budget.
  if (bytes > 2 * maxBytes + ENVELOPE_SLACK) {
    return [errorResult(`The result was too large (${bytes} bytes, limit ${maxBytes}). Ask for fewer rows or columns.`), { ...fields, errorCode: 'too_large', bytes: 0 }];
  }
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (data !== undefined) result.structuredContent = (converted ? JSON.parse(structured!) : data) as Record<string, unknown>;
  return [result, fields];
}

/** The longest prefix of `buf` within `max` bytes that ends on a whole UTF-8 character. */
function cutUtf8(buf: Buffer, max: number): string {
  let end = Math.min(max, buf.length);
  while (end > 0 && end < buf.length && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
