import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { PostgresConfig } from '../config.js';

/** pg's TLS options for the chosen --sslmode (undefined: whatever the URL says). */
export function sslOptions(config: PostgresConfig): ConnectionOptions | boolean | undefined {
  switch (config.sslmode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain must lead to the CA; the host name is not compared.
      return { rejectUnauthorized: true, ...(config.sslCa ? { ca: readFileSync(config.sslCa, 'utf8') } : {}), checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(config.sslCa ? { ca: readFileSync(config.sslCa, 'utf8') } : {}) };
    default:
      return undefined;
  }
}

/**
 * Values as they leave PostgreSQL: dates and times stay the server's text (no time-zone
 * shifts through JavaScript Dates), int8 becomes a number when it fits exactly and a decimal
 * string otherwise, numeric stays a string (no float rounding).
 */
const TEXT_AS_IS = new Set([1082, 1083, 1114, 1184, 1186, 1266]); // date, time, timestamp, timestamptz, interval, timetz
const asIs = (value: string) => value;
const int8 = (value: string) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
};

/** The parser for one column type (by OID), as every statement of this connector reads it. */
export function typeParser(oid: number, format: 'text' | 'binary' = 'text'): (value: string) => unknown {
  if (TEXT_AS_IS.has(oid)) return asIs;
  if (oid === 20) return int8;
  return pg.types.getTypeParser(oid, format as 'text');
}

const types = { getTypeParser: typeParser };

export function createPool(config: PostgresConfig, url: URL): pg.Pool {
  const ssl = sslOptions(config);
  return new pg.Pool({
    connectionString: url.toString(),
    ...(ssl === undefined ? {} : { ssl }),
    max: config.poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'mcp-postgres',
    types,
  });
}
