import { ConnectorError, type Logger } from '@org/mcp-core';
import type { Octokit } from '@octokit/rest';
import type { GithubAuth } from '../config.js';

/** What the tools call: Octokit with the throttling and retry plugins, made on first use. */
export type GithubClient = Octokit;

/** Longest wait for a rate limit to reset that a call sits through before it fails instead. */
const MAX_RATE_WAIT_S = 10;

export interface ClientOptions {
  auth: GithubAuth;
  baseUrl: string;
  userAgent: string;
  log: Logger;
}

/**
 * Octokit is loaded on the first call (a session that never calls GitHub never pays for it).
 * Rate limits: the throttling plugin waits and retries once when the limit resets within
 * MAX_RATE_WAIT_S (primary) or when GitHub asks for a short retry-after (secondary, up to twice);
 * longer waits fail with the budget and the reset time. The retry plugin retries server errors
 * (5xx) twice; client errors are never retried.
 */
export async function createClient(o: ClientOptions): Promise<GithubClient> {
  const [{ Octokit }, { throttling }, { retry }] = await Promise.all([import('@octokit/rest'), import('@octokit/plugin-throttling'), import('@octokit/plugin-retry')]);
  const Client = Octokit.plugin(throttling, retry);
  const auth =
    o.auth.kind === 'token'
      ? { auth: o.auth.token }
      : { authStrategy: (await import('@octokit/auth-app')).createAppAuth, auth: { appId: o.auth.appId, installationId: o.auth.installationId, privateKey: o.auth.privateKey } };
  return new Client({
    ...auth,
    baseUrl: o.baseUrl,
    userAgent: o.userAgent,
    log: { debug: () => {}, info: () => {}, warn: (m: string) => o.log.warn('github', { message: m }), error: (m: string) => o.log.error('github', { message: m }) },
    throttle: {
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        o.log.warn('github rate limit', { request: `${options.method} ${options.url}`, retryAfter });
        return retryCount < 1 && retryAfter <= MAX_RATE_WAIT_S;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        o.log.warn('github secondary rate limit', { request: `${options.method} ${options.url}`, retryAfter });
        return retryCount < 2 && retryAfter <= MAX_RATE_WAIT_S;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451], retries: 2 },
  }) as unknown as GithubClient;
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string; errors?: Array<{ message?: string; field?: string; code?: string }> } };
}

const isRequestError = (e: unknown): e is RequestErrorLike => typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';

/** The remaining budget from a response's headers, e.g. "4,998 of 5,000 requests left this hour". */
function budget(headers: Record<string, string | undefined> | undefined): string | undefined {
  const left = headers?.['x-ratelimit-remaining'];
  const limit = headers?.['x-ratelimit-limit'];
  if (left === undefined || limit === undefined) return undefined;
  const reset = Number(headers?.['x-ratelimit-reset']);
  const at = Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString().slice(11, 19)} UTC (in ${Math.max(0, Math.ceil((reset * 1000 - Date.now()) / 60_000))} min)` : '';
  return `${Number(left).toLocaleString('en-US')} of ${Number(limit).toLocaleString('en-US')} API requests left${at}`;
}

/** Maps an Octokit error to a message a model can act on; never the token, never a stack. */
export function githubError(err: unknown, what: string): never {
  if (err instanceof ConnectorError) throw err;
  if ((err as { name?: string })?.name === 'AbortError') throw err;
  if (!isRequestError(err)) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new ConnectorError('backend', `Could not reach GitHub for ${what}: ${msg}.`, 'Check the network and GITHUB_HOST; then try again.');
  }
  const headers = err.response?.headers;
  const left = budget(headers);
  const ghMessage = err.response?.data?.message ?? err.message;
  const details = (err.response?.data?.errors ?? []).map((e) => e.message ?? `${e.field ?? ''} ${e.code ?? ''}`.trim()).filter(Boolean);
  switch (err.status) {
    case 401:
      throw new ConnectorError('backend', 'GitHub refused the credential (401 Bad credentials).', 'Ask the user to check GITHUB_TOKEN or the GitHub App settings; the token may have expired or been revoked.');
    case 403:
    case 429:
      if (headers?.['retry-after'] || /secondary rate limit/i.test(ghMessage)) {
        throw new ConnectorError('rate_limited', `GitHub's secondary rate limit stopped ${what}: ${ghMessage}`, `Wait ${headers?.['retry-after'] ?? 60} s before the next call, and make fewer calls in a burst.`);
      }
      if (headers?.['x-ratelimit-remaining'] === '0') {
        throw new ConnectorError('rate_limited', `GitHub's rate limit stopped ${what}: ${left}.`, 'Wait for the reset, or ask the user for a token with a larger budget (a GitHub App installation has more).');
      }
      throw new ConnectorError('denied', `GitHub refused ${what} (403): ${ghMessage}.${left ? ` (${left}.)` : ''}`, 'The credential may lack a permission or scope for this repository; ask the user.');
    case 404:
      throw new ConnectorError('not_found', `Not found on GitHub: ${what}.`, 'Check the owner, repository, number or path; a private repository the credential cannot see also answers 404.');
    case 409:
    case 422:
      throw new ConnectorError('invalid_input', `GitHub rejected ${what} (${err.status}): ${ghMessage}${details.length ? ` (${details.join('; ')})` : ''}.`, 'Fix the arguments and call again.');
    default:
      throw new ConnectorError('backend', `GitHub failed ${what} (${err.status}): ${ghMessage}.${left ? ` (${left}.)` : ''}`, 'Try again in a moment.');
  }
}
