import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectInProcess, textOf } from '@org/mcp-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connector } from '../src/server.js';
import { createRole, startPostgres, stopPostgres, withClient, type PgServer, type TestRole } from './pg-server.js';

/**
 * --sslmode against a real TLS server: a cluster of its own (whatever DATABASE_URL says), with
 * a test CA and a server certificate for the name db.test only, so that connecting to
 * 127.0.0.1 tells verify-ca (chain only) from verify-full (chain and name).
 */
let server: PgServer;
let reader: TestRole;
const certs = mkdtempSync(join(tmpdir(), 'mcp-pg-certs-'));
const ca = join(certs, 'ca.crt');
const otherCa = join(certs, 'other-ca.crt');

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' });
}

beforeAll(async () => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=other CA', '-keyout', 'other-ca.key', '-out', 'other-ca.crt');
  writeFileSync(join(certs, 'san.ext'), 'subjectAltName=DNS:db.test\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=db.test', '-keyout', 'server.key', '-out', 'server.csr');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');

  server = await startPostgres();
  // The server reads its key from its data directory, owned by the user it runs as.
  const owner = statSync(server.dataDir);
  for (const name of ['server.crt', 'server.key']) {
    const target = join(server.dataDir, name);
    execFileSync('cp', [join(certs, name), target]);
    chownSync(target, owner.uid, owner.gid);
  }
  execFileSync('chmod', ['600', join(server.dataDir, 'server.key')]);
  await withClient(server.url, async (c) => {
    await c.query('ALTER SYSTEM SET ssl = on');
    await c.query('SELECT pg_reload_conf()');
  });
  for (let tries = 0; ; tries++) {
    const ssl = await withClient(server.url, async (c) => (await c.query<{ ssl: string }>('SHOW ssl')).rows[0]!.ssl);
    if (ssl === 'on') break;
    if (tries > 50) throw new Error('the test server did not turn TLS on');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  reader = await createRole(server.url, { name: 'tls_reader', grants: ['CONNECT ON DATABASE postgres'] });
}, 60_000);

afterAll(async () => {
  await reader?.drop();
  if (server) await stopPostgres(server);
  rmSync(certs, { recursive: true, force: true });
});

async function encrypted(argv: string[]): Promise<{ ok: boolean; text: string }> {
  const s = await connectInProcess(connector, [reader.url, ...argv]);
  try {
    const r = await s.call('query', { sql: 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()' });
    return { ok: !r.isError && (r.structuredContent as { rows: unknown[][] }).rows[0]?.[0] === true, text: textOf(r) };
  } finally {
    await s.close();
  }
}

describe('--sslmode against a TLS server', () => {
  it('disable: a plain connection', async () => {
    const r = await encrypted(['--sslmode', 'disable']);
    expect(r.ok).toBe(false);
    expect(r.text).toContain('false');
  });

  it('require: encrypted, without checking the certificate', async () => {
    expect(await encrypted(['--sslmode', 'require'])).toMatchObject({ ok: true });
  });

  it('verify-ca: encrypted when the chain leads to the given CA, whatever the host name', async () => {
    expect(await encrypted(['--sslmode', 'verify-ca', '--ssl-ca', ca])).toMatchObject({ ok: true });
  });

  it('verify-ca: refused with another CA', async () => {
    const r = await encrypted(['--sslmode', 'verify-ca', '--ssl-ca', otherCa]);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/^Cannot connect to PostgreSQL: unable to verify the first certificate\. The server's TLS certificate did not verify: .*--ssl-ca/);
  });

  it('verify-full: refused when the certificate does not name the host', async () => {
    const r = await encrypted(['--sslmode', 'verify-full', '--ssl-ca', ca]);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/^Cannot connect to PostgreSQL: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 .*verify-full also checks the host name/);
  });
});
