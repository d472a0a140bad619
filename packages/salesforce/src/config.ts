import { readFileSync } from 'node:fs';
import { ConfigError, opt, type ConfigOf, type CoreConfig } from '@org/mcp-core';

/** The objects the sales tools write, writable by default in read_write mode. */
export const DEFAULT_WRITABLE = ['Account', 'Contact', 'Lead', 'Opportunity', 'Task', 'Event'];

const OBJECT_NAME = /^([A-Za-z][A-Za-z0-9_]*|\*)$/;

export const salesforceOptions = {
  accessMode: opt.enum(
    ['read', 'read_write', 'all'] as const,
    'What the connector may do: read (default; only reads), read_write (also creates and updates, each confirmed by the user), all (also deletes). read_write and all turn on --allow-write; --read-only still wins.',
    { env: ['SALESFORCE_ACCESS_MODE'] },
  ),
  writableObjects: opt.list(`The only objects writes may touch, by API name (e.g. Task,Opportunity; * for every object). Default: ${DEFAULT_WRITABLE.join(', ')}.`, {
    env: ['SALESFORCE_WRITABLE_OBJECTS'],
    placeholder: 'Task,Opportunity',
    item: { pattern: OBJECT_NAME, message: 'expected an object API name such as Task or Invoice__c' },
  }),
  maxRecords: opt.integer('Most records one SOQL query may match: a LIMIT is added to queries without one and lowered where it is higher. Pages of --max-rows are read with a cursor.', { default: 2000, max: 50_000, env: ['SALESFORCE_MAX_RECORDS'] }),
  instanceUrl: opt.string('Instance URL (https://MYDOMAIN.my.salesforce.com), with --access-token. Other logins find it themselves.', { env: ['SALESFORCE_INSTANCE_URL', 'SF_INSTANCE_URL'], placeholder: 'URL' }),
  accessToken: opt.string('An access token (session ID) to call Salesforce with, e.g. from `sf org display`. With --refresh-token and --client-id it is renewed when it expires.', { secret: true, env: ['SALESFORCE_ACCESS_TOKEN', 'SF_ACCESS_TOKEN'], placeholder: 'TOKEN' }),
  refreshToken: opt.string('OAuth refresh token, to renew --access-token (needs --client-id).', { secret: true, env: ['SALESFORCE_REFRESH_TOKEN'], placeholder: 'TOKEN' }),
  username: opt.string('Username, for the username-password login (with --password) or the JWT bearer flow (with --private-key-file).', { env: ['SALESFORCE_USERNAME'], placeholder: 'USER' }),
  password: opt.string('Password, for the username-password login.', { secret: true, env: ['SALESFORCE_PASSWORD'], placeholder: 'PASSWORD' }),
  securityToken: opt.string('Security token, appended to the password when the org asks for one (logins from outside trusted IP ranges).', { secret: true, env: ['SALESFORCE_SECURITY_TOKEN', 'SALESFORCE_TOKEN'], placeholder: 'TOKEN' }),
  clientId: opt.string('Consumer key of the connected app (OAuth client credentials, JWT bearer, username-password over OAuth, token refresh).', { env: ['SALESFORCE_CLIENT_ID'], placeholder: 'KEY' }),
  clientSecret: opt.string('Consumer secret of the connected app. With --client-id and no username: the client credentials flow.', { secret: true, env: ['SALESFORCE_CLIENT_SECRET'], placeholder: 'SECRET' }),
  privateKeyFile: opt.string('PEM private key whose certificate is on the connected app: the JWT bearer flow (server to server, with --client-id and --username).', { env: ['SALESFORCE_PRIVATE_KEY_FILE'], placeholder: 'FILE' }),
  loginUrl: opt.string('Where logins go: https://login.salesforce.com (default), https://test.salesforce.com for sandboxes, or your My Domain URL (needed for client credentials).', { env: ['SALESFORCE_LOGIN_URL'], placeholder: 'URL' }),
  sandbox: opt.boolean('Log in to a sandbox (https://test.salesforce.com), unless --login-url says otherwise.', { env: ['SALESFORCE_SANDBOX'] }),
  apiVersion: opt.string('REST API version to pin, e.g. 62.0.', { default: '62.0', env: ['SALESFORCE_API_VERSION'], placeholder: 'VERSION' }),
};

export type SalesforceConfig = ConfigOf<typeof salesforceOptions> & CoreConfig;

export type AccessMode = 'read' | 'read_write' | 'all';

/** The mode in force: --access-mode, else read_write when only --allow-write is given, else read. */
export function accessMode(config: Pick<SalesforceConfig, 'accessMode' | 'allowWrite' | 'readOnly'>): AccessMode {
  if (config.readOnly) return 'read';
  return config.accessMode ?? (config.allowWrite ? 'read_write' : 'read');
}

export type SalesforceAuth =
  | { kind: 'token'; instanceUrl: string; accessToken: string; refreshToken?: string; clientId?: string; clientSecret?: string }
  | { kind: 'password'; username: string; password: string; clientId?: string; clientSecret?: string }
  | { kind: 'client_credentials'; clientId: string; clientSecret: string }
  | { kind: 'jwt'; clientId: string; username: string; privateKey: string };

const isUrl = (v: string) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol);

/** The login, chosen from what is given; throws ConfigError with what to fix. */
export function salesforceAuth(config: SalesforceConfig): SalesforceAuth {
  const { accessToken, instanceUrl, username, password, clientId, clientSecret, privateKeyFile, refreshToken } = config;
  if (accessToken) {
    if (!instanceUrl) throw new ConfigError('--access-token also needs --instance-url (SALESFORCE_INSTANCE_URL), e.g. https://mydomain.my.salesforce.com.');
    if (password || privateKeyFile) throw new ConfigError('Give one login: --access-token, or --username with --password, or --private-key-file (JWT bearer), not several.');
    if (refreshToken && !clientId) throw new ConfigError('--refresh-token also needs --client-id (the connected app it was issued to).');
    return { kind: 'token', instanceUrl, accessToken, ...(refreshToken ? { refreshToken } : {}), ...(clientId ? { clientId } : {}), ...(clientSecret ? { clientSecret } : {}) };
  }
  if (privateKeyFile) {
    if (!clientId || !username) throw new ConfigError('The JWT bearer flow (--private-key-file) also needs --client-id (the consumer key) and --username.');
    if (password) throw new ConfigError('Give one login: --private-key-file (JWT bearer) or --password, not both.');
    let privateKey: string;
    try {
      privateKey = readFileSync(privateKeyFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read --private-key-file ${JSON.stringify(privateKeyFile)} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix --private-key-file or SALESFORCE_PRIVATE_KEY_FILE.`);
    }
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) throw new ConfigError('--private-key-file is not a PEM private key (the key whose certificate is uploaded to the connected app).');
    return { kind: 'jwt', clientId, username, privateKey };
  }
  if (username || password) {
    if (!username || !password) throw new ConfigError('The username-password login needs both --username and --password (SALESFORCE_USERNAME, SALESFORCE_PASSWORD).');
    if (Boolean(clientId) !== Boolean(clientSecret)) throw new ConfigError('The username-password login over OAuth needs both --client-id and --client-secret (or neither, for the SOAP login).');
    return { kind: 'password', username, password: password + (config.securityToken ?? ''), ...(clientId ? { clientId, clientSecret: clientSecret! } : {}) };
  }
  if (clientId || clientSecret) {
    if (!clientId || !clientSecret) throw new ConfigError('The client credentials flow needs both --client-id and --client-secret (SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET).');
    return { kind: 'client_credentials', clientId, clientSecret };
  }
  throw new ConfigError('No Salesforce login. Set SALESFORCE_ACCESS_TOKEN and SALESFORCE_INSTANCE_URL, or SALESFORCE_USERNAME and SALESFORCE_PASSWORD, or a connected app (SALESFORCE_CLIENT_ID with SALESFORCE_CLIENT_SECRET or SALESFORCE_PRIVATE_KEY_FILE).');
}

/** https://login.salesforce.com, test.salesforce.com with --sandbox, or --login-url. */
export function loginUrl(config: SalesforceConfig): string {
  if (config.loginUrl) return config.loginUrl.replace(/\/+$/, '');
  return config.sandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

/** Checks across options at start. */
export function validateSalesforce(config: SalesforceConfig): void {
  for (const key of ['loginUrl', 'instanceUrl'] as const) {
    const v = config[key];
    if (v && !isUrl(v)) throw new ConfigError(`Invalid --${key === 'loginUrl' ? 'login-url' : 'instance-url'}: expected an https URL such as https://mydomain.my.salesforce.com, got ${JSON.stringify(v)}.`);
  }
  if (!/^\d{2,3}\.0$/.test(config.apiVersion)) throw new ConfigError(`Invalid --api-version ${JSON.stringify(config.apiVersion)}: expected a REST API version such as 62.0.`);
  salesforceAuth(config);
  if (config.accessMode === 'read' && config.allowWrite) throw new ConfigError('--access-mode read and --allow-write contradict each other: use --access-mode read_write (or all) to write.');
  // read_write and all are Salesforce's words for --allow-write: the core's policy then shows
  // the write tools, and --read-only still hides them.
  if (config.accessMode && config.accessMode !== 'read') (config as { allowWrite: boolean }).allowWrite = true;
}

export const salesforceSecrets = (c: SalesforceConfig): string[] =>
  [c.accessToken, c.refreshToken, c.password, c.securityToken, c.clientSecret, c.password && c.securityToken ? c.password + c.securityToken : undefined].filter((v): v is string => Boolean(v));
