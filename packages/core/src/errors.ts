/**
 * Errors a tool handler throws on purpose. The pipeline turns a ConnectorError into an
 * `isError` result whose text is written for the model (what went wrong and what to do);
 * any other error becomes a generic message and its details go only to the log.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'denied'
  | 'timeout'
  | 'cancelled'
  | 'too_large'
  | 'unavailable'
  | 'rate_limited'
  | 'backend';

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the caller can do about it, appended to the message the model sees. */
    readonly hint?: string,
  ) {
    super(message);
  }

  /** The text the model sees. */
  get userMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** A setting is missing or wrong at start. The runner prints `message` on one line and exits 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
