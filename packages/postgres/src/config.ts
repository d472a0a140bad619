import { readFileSync } from 'node:fs';
import { ConfigError, opt, type ConfigOf, type CoreConfig } from '@org/mcp-core';

export const postgresOptions = {
  url: opt.string('PostgreSQL connection URL, e.g. postgresql://reader@db.internal:5432/app (or pass it as the first argument).', {
    positional: true,
    secret: true,
    env: ['POSTGRES_URL', 'DATABASE_URL'],
    placeholder: 'URL',
  }),
  sslmode: opt.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const, 'TLS to the server: disable, prefer (use the URL\'s sslmode), require (encrypt, no certificate check), verify-ca, or verify-full (certificate and host name).', { default: 'prefer' }),
  sslCa: opt.string('PEM file with the CA certificate(s) that sign the server certificate (for verify-ca and verify-full).', { placeholder: 'FILE' }),
  schemas: opt.list('Only these schemas are visible and queryable (comma-separated).'),
  tables: opt.list('Only these tables and views are visible and queryable (comma-separated; name or schema.name).'),
  allowPrivilegedRole: opt.boolean('Run even as a superuser or a role that can read server files or run programs (refused otherwise).'),
  poolSize: opt.integer('Most connections the server opens to PostgreSQL.', { default: 5, min: 1, max: 100 }),
};

export type PostgresConfig = ConfigOf<typeof postgresOptions> & CoreConfig;

/** The URL, checked at start. Throws ConfigError with what to fix. */
export function connectionUrl(config: PostgresConfig): URL {
  if (!config.url) throw new ConfigError('No database URL given. Pass it as the first argument, or set POSTGRES_URL (or DATABASE_URL), e.g. postgresql://reader@localhost:5432/app.');
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new ConfigError('The database URL is not a valid URL. Expected postgresql://user[:password]@host[:port]/database.');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError(`The database URL must start with postgresql:// (got ${url.protocol}//). Expected postgresql://user[:password]@host[:port]/database.`);
  }
  if (config.sslCa && config.sslmode !== 'verify-ca' && config.sslmode !== 'verify-full') {
    throw new ConfigError('--ssl-ca is used only with --sslmode verify-ca or verify-full.');
  }
  if (config.sslCa) {
    try {
      readFileSync(config.sslCa);
    } catch (err) {
      throw new ConfigError(`Cannot read --ssl-ca file ${JSON.stringify(config.sslCa)} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix --ssl-ca or MCP_SSL_CA.`);
    }
  }
  return url;
}

/** The password in the URL, so logs and audit events can redact it wherever it appears. */
export function urlSecrets(config: PostgresConfig): string[] {
  try {
    const url = new URL(config.url ?? '');
    return url.password ? [decodeURIComponent(url.password), url.password] : [];
  } catch {
    return [];
  }
}
