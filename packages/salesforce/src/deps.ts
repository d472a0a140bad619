import { createSign } from 'node:crypto';
import { ConnectorError, toolsFor, type DepsContext, type Logger } from '@org/mcp-core';
import type { Connection } from 'jsforce';
import { accessMode, DEFAULT_WRITABLE, loginUrl, salesforceAuth, type AccessMode, type SalesforceAuth, type SalesforceConfig } from './config.js';

export interface FieldInfo {
  name: string;
  label: string;
  type: string;
  length?: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  calculated?: boolean;
  nameField?: boolean;
  restrictedPicklist?: boolean;
  picklistValues?: Array<{ value: string; label: string; active: boolean; defaultValue: boolean }>;
  referenceTo?: string[];
  relationshipName?: string | null;
}

/** An object as the global describe lists it. */
export interface GlobalObject {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  custom: boolean;
  queryable: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
}

/** An object's describe: the global entry plus its fields, relationships and record types. */
export interface Describe extends GlobalObject {
  fields: FieldInfo[];
  childRelationships: Array<{ childSObject: string; field: string; relationshipName: string | null }>;
  recordTypeInfos?: Array<{ name: string; recordTypeId: string; active: boolean; available: boolean; master: boolean }>;
}

export type SfRecord = Record<string, unknown> & { attributes?: { type: string; url: string } };

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: SfRecord[];
}

const DESCRIBE_TTL_MS = 10 * 60_000;

/**
 * jsforce retries GET and DELETE on network errors, 429 and 5xx five times with a backoff from
 * 0.5 s (15 s in all before an unreachable instance is reported); twice from 0.3 s is enough
 * for a blip and keeps a wrong URL's error within a second. Writes (POST, PATCH) are not retried.
 */
const RETRY = { retry: { maxRetries: 2, minTimeout: 300, timeoutFactor: 2 } };

/** Salesforce's error codes, mapped to what a model can do about them. */
const HINTS: Record<string, [ConnectorError['code'], string]> = {
  INVALID_FIELD: ['invalid_input', 'Check the field names with describe_object.'],
  INVALID_TYPE: ['invalid_input', 'Check the object name with list_objects.'],
  MALFORMED_QUERY: ['invalid_input', 'Fix the SOQL and try again.'],
  MALFORMED_SEARCH: ['invalid_input', 'Fix the SOSL and try again.'],
  INVALID_SEARCH: ['invalid_input', 'Use a longer search term.'],
  MALFORMED_ID: ['invalid_input', 'Use an Id from a search or query result.'],
  INVALID_QUERY_LOCATOR: ['invalid_input', 'The cursor has expired; run the query again.'],
  INVALID_QUERY_FILTER_OPERATOR: ['invalid_input', 'Fix the WHERE clause and try again.'],
  REQUIRED_FIELD_MISSING: ['invalid_input', 'Give the required fields (describe_object lists them) and try again.'],
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: ['invalid_input', 'Use one of the picklist values describe_object lists.'],
  INVALID_FIELD_FOR_INSERT_UPDATE: ['invalid_input', 'That field cannot be set; describe_object shows which fields are createable and updateable.'],
  INVALID_CROSS_REFERENCE_KEY: ['invalid_input', 'A referenced record does not exist; check the Ids.'],
  FIELD_CUSTOM_VALIDATION_EXCEPTION: ['invalid_input', "A validation rule of the org refused the change; fix the values it names."],
  FIELD_INTEGRITY_EXCEPTION: ['invalid_input', 'Fix the field values it names.'],
  STRING_TOO_LONG: ['invalid_input', 'Shorten the value.'],
  JSON_PARSER_ERROR: ['invalid_input', 'Dates are YYYY-MM-DD, datetimes ISO 8601; fix the values.'],
  DUPLICATES_DETECTED: ['invalid_input', 'A matching record exists already; use it instead of creating another.'],
  NOT_FOUND: ['not_found', 'Check the object name and Id.'],
  ENTITY_IS_DELETED: ['not_found', 'The record was deleted.'],
  INSUFFICIENT_ACCESS: ['denied', "The Salesforce user lacks access; ask the user's admin."],
  INSUFFICIENT_ACCESS_OR_READONLY: ['denied', "The Salesforce user may not change this record; ask the record's owner or an admin."],
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: ['denied', 'The Salesforce user lacks access to a referenced record.'],
  API_DISABLED_FOR_ORG: ['denied', 'The org has the API turned off (it needs an edition with API access).'],
  REQUEST_LIMIT_EXCEEDED: ['rate_limited', "The org's daily API request limit is used up; try again later (it renews over 24 hours)."],
  INVALID_SESSION_ID: ['backend', 'The Salesforce session is invalid and could not be renewed; ask the user to check the login settings.'],
};

/** Maps a jsforce or OAuth error to a ConnectorError a model can act on (never a token or a stack). */
export function salesforceError(err: unknown, what: string): never {
  if (err instanceof ConnectorError) throw err;
  const e = err as { errorCode?: string; name?: string; message?: string; data?: unknown; code?: string };
  if (e.errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) {
    const list = e.data as Array<{ errorCode?: string; message?: string }>;
    return salesforceError(Object.assign(new Error(list.map((x) => x.message).join('; ')), { errorCode: list[0]?.errorCode }), what);
  }
  const code = e.errorCode ?? (e.name && /^[A-Z_]+$/.test(e.name) ? e.name : undefined);
  if (code && HINTS[code]) {
    const [c, hint] = HINTS[code];
    throw new ConnectorError(c, `Salesforce refused ${what}: ${code}: ${oneLine(e.message)}.`, hint);
  }
  const status = /^ERROR_HTTP_(\d{3})$/.exec(code ?? '')?.[1];
  if (status === '429') throw new ConnectorError('rate_limited', `Salesforce rate-limited ${what} (HTTP 429).`, 'Wait a minute and make fewer calls.');
  if (status?.startsWith('5')) throw new ConnectorError('backend', `Salesforce answered HTTP ${status} for ${what}.`, 'Salesforce may be down or in maintenance (status.salesforce.com); try again in a few minutes.');
  if (code) throw new ConnectorError('backend', `Salesforce refused ${what}: ${code}: ${oneLine(e.message)}.`, 'Check the arguments and try again.');
  // OAuth token endpoint errors (invalid_grant …) are named by jsforce after their error field.
  if (e.name && /^(invalid_|unsupported_|inactive_)/.test(e.name)) {
    throw new ConnectorError('backend', `The Salesforce login failed: ${e.name}: ${oneLine(e.message)}.`, 'Ask the user to check the login settings (username, password and security token, or the connected app).');
  }
  if (/INVALID_LOGIN|LOGIN_MUST_USE_SECURITY_TOKEN|PASSWORD_LOCKOUT/.test(e.message ?? '')) {
    throw new ConnectorError('backend', `The Salesforce login failed: ${oneLine(e.message)}.`, 'Ask the user to check the username, password and security token.');
  }
  throw new ConnectorError('backend', `Could not reach Salesforce for ${what}: ${oneLine(e.message ?? String(err))}.`, 'Check the network and the instance URL, and try again.');
}

/** Salesforce messages can span lines (a query with a caret under the error); one line, shortened. */
const oneLine = (s: string | undefined) => (s ?? 'no details').replace(/\s*\n\s*/g, ' ').trim().slice(0, 500).replace(/\.$/, '');

/** A record as the tools return it: `attributes` dropped, relationship fields flattened to `Account.Name`. */
export function flatten(record: SfRecord, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes') continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && 'attributes' in v) flatten(v as SfRecord, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** Records as a table (the shape --mask-columns and friends apply to), columns in `fields` order. */
export function table(records: SfRecord[], fields?: readonly string[]): { columns: string[]; rows: unknown[][] } {
  const flat = records.map((r) => flatten(r));
  const columns = fields ? [...fields] : [];
  const seen = new Set(columns.map((c) => c.toLowerCase()));
  for (const r of flat) for (const k of Object.keys(r)) if (!seen.has(k.toLowerCase())) (seen.add(k.toLowerCase()), columns.push(k));
  const pick = (r: Record<string, unknown>, c: string) => {
    if (c in r) return r[c];
    const key = Object.keys(r).find((k) => k.toLowerCase() === c.toLowerCase());
    return key === undefined ? null : r[key];
  };
  return { columns, rows: flat.map((r) => columns.map((c) => pick(r, c) ?? null)) };
}

/** A JWT bearer assertion (RS256) for the connected app: iss the consumer key, sub the user, aud the login URL. */
export function jwtAssertion(auth: Extract<SalesforceAuth, { kind: 'jwt' }>, audience: string, now = Date.now()): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: auth.clientId, sub: auth.username, aud: audience, exp: Math.floor(now / 1000) + 180 })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(auth.privateKey).toString('base64url')}`;
}

/**
 * What the tools share: one jsforce connection (made and logged in on first use, renewed by
 * jsforce when Salesforce answers INVALID_SESSION_ID), cached describes, the access mode and the
 * write allowlist.
 */
export class SalesforceDeps {
  private conn: Promise<Connection> | undefined;
  private readonly describes = new Map<string, { at: number; value: Promise<Describe> }>();
  private global: { at: number; value: Promise<GlobalObject[]> } | undefined;
  readonly mode: AccessMode;
  readonly auth: SalesforceAuth;
  private readonly writable: Set<string> | undefined;
  readonly log: Logger;

  constructor(
    readonly config: SalesforceConfig,
    context: DepsContext,
  ) {
    this.log = context.log;
    this.mode = accessMode(config);
    this.auth = salesforceAuth(config);
    const list = config.writableObjects ?? DEFAULT_WRITABLE;
    this.writable = list.includes('*') ? undefined : new Set(list.map((o) => o.toLowerCase()));
  }

  get version(): string {
    return this.config.apiVersion;
  }

  /** The connection, logged in. A failed login is forgotten, so the next call tries again. */
  connection(): Promise<Connection> {
    this.conn ??= this.connect();
    this.conn.catch(() => (this.conn = undefined));
    return this.conn;
  }

  private async connect(): Promise<Connection> {
    // jsforce writes its logs to stdout, which belongs to the protocol in stdio mode, and at DEBUG
    // they hold requests and login responses with the session ID. Its module loggers read
    // JSFORCE_LOG_LEVEL once, when jsforce is first loaded (here, lazily): they stay silent.
    process.env.JSFORCE_LOG_LEVEL = 'NONE';
    const { Connection } = await import('jsforce');
    const auth = this.auth;
    const version = this.version;
    const login = loginUrl(this.config);
    const base = { version, loginUrl: login, logLevel: 'NONE' as const };
    const oauth2 = (clientId: string, clientSecret?: string) => ({ clientId, ...(clientSecret ? { clientSecret } : {}), loginUrl: login, redirectUri: `${login}/services/oauth2/success` });
    switch (auth.kind) {
      case 'token':
        return new Connection({
          ...base,
          instanceUrl: auth.instanceUrl.replace(/\/+$/, ''),
          accessToken: auth.accessToken,
          ...(auth.refreshToken && auth.clientId ? { refreshToken: auth.refreshToken, oauth2: oauth2(auth.clientId, auth.clientSecret) } : {}),
        });
      case 'password': {
        const conn = new Connection({ ...base, ...(auth.clientId ? { oauth2: oauth2(auth.clientId, auth.clientSecret) } : {}) });
        // jsforce logs in again by itself when the session expires (OAuth password flow with a
        // connected app, the SOAP login without one).
        await conn.login(auth.username, auth.password).catch((e: unknown) => salesforceError(e, 'the login'));
        this.log.info('salesforce login', { flow: auth.clientId ? 'oauth_password' : 'soap', instance: conn.instanceUrl });
        return conn;
      }
      case 'client_credentials':
      case 'jwt': {
        const grant = (): { grant_type: string; [k: string]: string } =>
          auth.kind === 'jwt' ? { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwtAssertion(auth, login) } : { grant_type: 'client_credentials' };
        const conn: Connection = new Connection({
          ...base,
          oauth2: auth.kind === 'jwt' ? oauth2(auth.clientId) : oauth2(auth.clientId, auth.clientSecret),
          // These flows have no refresh token: an expired session is renewed by the same grant.
          refreshFn: (c, callback) => {
            c.authorize(grant()).then(
              () => callback(null, c.accessToken ?? undefined),
              (e: unknown) => callback(e as Error),
            );
          },
        });
        await conn.authorize(grant()).catch((e: unknown) => salesforceError(e, 'the login'));
        this.log.info('salesforce login', { flow: auth.kind, instance: conn.instanceUrl });
        return conn;
      }
    }
  }

  /** A REST call under /services/data/vXX.X (or a path from the root), ended when `signal` fires. */
  async request<T>(req: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown; headers?: Record<string, string> }, signal: AbortSignal, what: string): Promise<T> {
    signal.throwIfAborted();
    const conn = await this.connection();
    const running = conn.request<T>({
      method: req.method ?? 'GET',
      url: req.url,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      headers: { ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...req.headers },
    } as never, RETRY);
    // jsforce takes no AbortSignal: the call stops waiting (the pipeline reports the timeout or
    // the cancellation) while the HTTP request, already sent, finishes on its own.
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    try {
      return await Promise.race([Promise.resolve(running), aborted]);
    } catch (err) {
      if (signal.aborted) throw err;
      return salesforceError(err, what);
    }
  }

  /** One batch of a query: the first (`/query?q=`) or a next one (`nextRecordsUrl`). */
  queryPage(target: { soql: string; all?: boolean } | { next: string }, batchSize: number, signal: AbortSignal): Promise<QueryPage> {
    const url = 'next' in target ? target.next : `/services/data/v${this.version}/${target.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(target.soql)}`;
    return this.request<QueryPage>({ url, headers: { 'Sforce-Query-Options': `batchSize=${Math.min(2000, Math.max(200, batchSize))}` } }, signal, 'the query');
  }

  /** The org's objects (global describe), cached. */
  objects(signal: AbortSignal): Promise<GlobalObject[]> {
    if (this.global && Date.now() - this.global.at < DESCRIBE_TTL_MS) return this.global.value;
    const entry = { at: Date.now(), value: this.request<{ sobjects: GlobalObject[] }>({ url: `/services/data/v${this.version}/sobjects` }, signal, 'listing objects').then((r) => r.sobjects) };
    entry.value.catch(() => (this.global = undefined));
    this.global = entry;
    return entry.value;
  }

  /** One object's describe, cached; the name is matched in any case. */
  describe(object: string, signal: AbortSignal): Promise<Describe> {
    const key = object.toLowerCase();
    const hit = this.describes.get(key);
    if (hit && Date.now() - hit.at < DESCRIBE_TTL_MS) return hit.value;
    const entry = {
      at: Date.now(),
      value: this.request<Describe>({ url: `/services/data/v${this.version}/sobjects/${encodeURIComponent(object)}/describe` }, signal, `describing ${object}`).catch((e: unknown) => {
        if (e instanceof ConnectorError && e.code === 'not_found') throw new ConnectorError('not_found', `There is no object ${object} in this org (or the user cannot see it).`, 'Use list_objects for the API names (custom objects end in __c).');
        throw e;
      }),
    };
    entry.value.catch(() => this.describes.delete(key));
    this.describes.set(key, entry);
    return entry.value;
  }

  /** Refuses a write to an object outside --writable-objects (before the user is asked). */
  checkWritable(object: string): void {
    if (this.writable && !this.writable.has(object.toLowerCase())) {
      const list = this.config.writableObjects ?? DEFAULT_WRITABLE;
      throw new ConnectorError('denied', `Writes to ${object} are not allowed on this server (--writable-objects ${list.join(',')}).`, `Work with the listed objects, or ask the user to add ${object} to --writable-objects.`);
    }
  }

  /** The object an Id belongs to, by its key prefix (001 Account, 006 Opportunity …). */
  async objectOf(id: string, signal: AbortSignal): Promise<string> {
    const prefix = id.slice(0, 3);
    const hit = (await this.objects(signal)).find((o) => o.keyPrefix === prefix);
    if (!hit) throw new ConnectorError('not_found', `No object in this org has Ids starting with ${prefix} (${id}).`, 'Check the Id.');
    return hit.name;
  }

  close(): void {}
}

export const defineSalesforceTool = toolsFor<SalesforceDeps, SalesforceConfig>();
