import { ConnectorError, toolsFor, type DepsContext, type Logger } from '@org/mcp-core';
import type { TemplateConfig } from './config.js';

export interface Item {
  id: string;
  title: string;
  body: string;
  updated_at: string;
}

/** Maps an API failure to a message a model can act on; never the token, never a stack. */
function apiError(status: number, body: { error?: string; message?: string }, what: string): ConnectorError {
  const detail = body.message ?? body.error ?? `HTTP ${status}`;
  if (status === 401) return new ConnectorError('backend', `The API refused the token for ${what}.`, 'Ask the user to check TEMPLATE_API_TOKEN.');
  if (status === 403) return new ConnectorError('denied', `The API does not allow ${what}: ${detail}.`);
  if (status === 404) return new ConnectorError('not_found', `Not found: ${what}.`, 'Check the id with list_items.');
  if (status === 422 || status === 400) return new ConnectorError('invalid_input', `The API refused ${what}: ${detail}.`, 'Fix the arguments and try again.');
  if (status === 429) return new ConnectorError('rate_limited', `The API rate-limited ${what}.`, 'Wait a minute and make fewer calls.');
  return new ConnectorError('backend', `The API failed ${what} (HTTP ${status}).`, 'Try again later.');
}

/**
 * What the tools share. Cheap to make: nothing connects here; the first call does. A backend
 * client library would be imported here on first use (`await import('…')`), so the bin starts
 * without loading it.
 */
export class TemplateDeps {
  readonly log: Logger;
  private readonly base: string;

  constructor(
    readonly config: TemplateConfig,
    context: DepsContext,
  ) {
    this.log = context.log;
    this.base = config.apiUrl!.replace(/\/+$/, '');
  }

  /** One API call, ended when `signal` fires (the per-call timeout or the client's cancel). */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, signal: AbortSignal, what: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        signal,
        headers: { authorization: `Bearer ${this.config.apiToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new ConnectorError('backend', `Could not reach the API for ${what}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}.`, 'Check TEMPLATE_API_URL and the network.');
    }
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => ({}))) as T & { error?: string; message?: string };
    if (!res.ok) throw apiError(res.status, json, what);
    return json;
  }

  close(): void {}
}

export const defineTemplateTool = toolsFor<TemplateDeps, TemplateConfig>();
