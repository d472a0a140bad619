import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { redact, writeAudit, type AuditEvent } from './audit.js';
import type { CoreConfig } from './core-options.js';
import type { ToolContext, ToolOutput } from './define.js';
import { ConnectorError } from './errors.js';
import type { Logger, Sink } from './log.js';
import type { ToolPolicy } from './policy.js';

export interface PipelineDeps {
  connector: string;
  config: CoreConfig;
  deps: unknown;
  policy: ToolPolicy;
  log: Logger;
  audit: Sink;
  secrets: readonly string[];
  defaultPrincipal: string;
}

export interface CallExtra {
  /** The client's cancellation. */
  signal: AbortSignal;
  principal?: string;
  resourcesChanged(): void;
}

/** Room for the protocol envelope around text and data, which both carry the result. */
const ENVELOPE_SLACK = 64 * 1024;

const errorResult = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

/**
 * The one path every tool call takes: policy, input validation, a timeout that aborts the
 * handler's signal, the handler, the output budget, error mapping, and exactly one audit event.
 */
export async function runToolCall(p: PipelineDeps, name: string, rawArgs: unknown, extra: CallExtra): Promise<CallToolResult> {
  const started = performance.now();
  const event: AuditEvent = {
    type: 'audit',
    time: new Date().toISOString(),
    connector: p.connector,
    tool: name,
    principal: extra.principal ?? p.defaultPrincipal,
    arguments: redact(rawArgs ?? {}, p.secrets),
    decision: 'allow',
    outcome: 'ok',
    durationMs: 0,
    bytes: 0,
    truncated: false,
  };
  const finish = (result: CallToolResult, fields: Partial<AuditEvent> = {}): CallToolResult => {
    Object.assign(event, fields, { durationMs: Math.round((performance.now() - started) * 1000) / 1000 });
    if (result.isError && event.outcome === 'ok') event.outcome = 'error';
    writeAudit(p.audit, event);
    return result;
  };

  const tool = p.policy.enabled.get(name);
  if (!tool) {
    const why = p.policy.disabled.get(name);
    return why
      ? finish(errorResult(why), { decision: 'deny:disabled', outcome: 'denied' })
      : finish(errorResult(`Unknown tool "${name}". Available tools: ${[...p.policy.enabled.keys()].join(', ')}.`), { decision: 'deny:unknown_tool', outcome: 'denied' });
  }

  const parsed = tool.input.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const text = `Invalid arguments for ${name}: ${describeIssues(parsed.error)}. Check the tool's input schema and call it again.`;
    return finish(errorResult(text), { decision: 'deny:invalid_arguments', outcome: 'denied', errorCode: 'invalid_input' });
  }

  const controller = new AbortController();
  const timeoutMs = p.config.timeout;
  const timer = setTimeout(() => {
    controller.abort(new ConnectorError('timeout', `${name} did not finish within ${timeoutMs / 1000}s and was stopped.`, 'Narrow the request (filters, LIMIT) or ask the user to raise --timeout.'));
  }, timeoutMs);
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

  try {
    const running = Promise.resolve().then(() => tool.handler(parsed.data, ctx));
    running.catch(() => {}); // it may settle after the abort; its outcome no longer matters
    const out = await Promise.race([running, aborted(controller.signal)]);
    return finish(...buildResult(out, p.config.maxBytes));
  } catch (err) {
    const e = err instanceof ConnectorError ? err : undefined;
    if (e) {
      const outcome = e.code === 'timeout' ? 'timeout' : e.code === 'cancelled' ? 'cancelled' : 'error';
      return finish(errorResult(e.userMessage), { outcome, errorCode: e.code });
    }
    const reference = randomUUID().slice(0, 8);
    p.log.error('tool failed', { tool: name, reference, error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
    return finish(errorResult(`${name} failed unexpectedly (reference ${reference}). The details are in the server log; try again, or report the reference.`), { errorCode: 'internal' });
  } finally {
    clearTimeout(timer);
    extra.signal.removeEventListener('abort', onCancel);
  }
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

function buildResult(out: ToolOutput<unknown>, maxBytes: number): [CallToolResult, Partial<AuditEvent>] {
  // Serialized once, to count its bytes, unless the handler counted them. Values JSON cannot
  // carry (BigInt) would make the response unsendable and leave the client waiting: plain
  // JSON.stringify throws on them, and only then is the slower replacer used to send them as
  // decimal strings.
  let converted = false;
  let structured: string | undefined;
  let structuredBytes = 0;
  if (out.structured !== undefined && out.structuredBytes !== undefined) {
    structuredBytes = out.structuredBytes;
  } else if (out.structured !== undefined) {
    try {
      structured = JSON.stringify(out.structured);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      converted = true;
      structured = JSON.stringify(out.structured, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    }
    structuredBytes = Buffer.byteLength(structured);
  }
  let text = out.text;
  let truncated = out.truncated ?? false;
  if (out.structured === undefined && Buffer.byteLength(text) > maxBytes) {
    // A text-only result is cut to the budget, at a character boundary, and says so.
    const full = Buffer.from(text);
    text = `${cutUtf8(full, maxBytes)}\n[truncated: ${full.length - maxBytes} more bytes not shown; narrow the request]`;
    truncated = true;
  }
  const bytes = Buffer.byteLength(text) + structuredBytes;
  const fields: Partial<AuditEvent> = { bytes, truncated, ...(out.rows === undefined ? {} : { rows: out.rows }) };
  // Handlers cut structured results to maxBytes themselves (only they know which rows to keep);
  // this backstop keeps a message far below what clients accept (the SDK client drops messages
  // over 10 MiB). Text and structured data both carry the result, hence twice the budget.
  if (bytes > 2 * maxBytes + ENVELOPE_SLACK) {
    return [errorResult(`The result was too large (${bytes} bytes, limit ${maxBytes}). Ask for fewer rows or columns.`), { ...fields, errorCode: 'too_large', bytes: 0 }];
  }
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (out.structured !== undefined) result.structuredContent = (converted ? JSON.parse(structured!) : out.structured) as Record<string, unknown>;
  return [result, fields];
}

/** The longest prefix of `buf` within `max` bytes that ends on a whole UTF-8 character. */
function cutUtf8(buf: Buffer, max: number): string {
  let end = Math.min(max, buf.length);
  while (end > 0 && end < buf.length && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
