// A GitHub App instead of a token: the connector signs a JWT with the App's private key, trades
// it for an installation token (POST /app/installations/{id}/access_tokens), and calls with that.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectInProcess, textOf } from '@org/mcp-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connector } from '../src/server.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const INSTALLATION_TOKEN = `ghs_${'Inst4llation'.repeat(3)}`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), 'mcp-github-app-'));
const keyFile = join(dir, 'app.pem');
writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }));

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ token: INSTALLATION_TOKEN, app: { id: '123', installationId: 42, publicKey }, repos: [{ owner: 'acme', name: 'app', private: false }] });
}, 30_000);
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (installation: string) => connectInProcess(connector, ['--github-api-url', fake.url, '--app-id', '123', '--installation-id', installation, '--private-key-file', keyFile], {});

describe('GitHub App authentication', () => {
  it('trades a signed JWT for an installation token and calls with it', async () => {
    const s = await open('42');
    try {
      const r = await s.call('get_repository', { owner: 'acme', repo: 'app' });
      expect(r.isError, textOf(r)).toBeFalsy();
      const exchange = fake.requests.find((q) => q.path === '/app/installations/42/access_tokens');
      expect(exchange?.authorization).toMatch(/^bearer eyJ/i);
      expect(fake.requests.find((q) => q.path === '/repos/acme/app')?.authorization).toBe(`token ${INSTALLATION_TOKEN}`);
      expect(JSON.stringify(s.logs()) + JSON.stringify(s.audit())).not.toContain(INSTALLATION_TOKEN);
    } finally {
      await s.close();
    }
  });

  it('an installation the App does not have fails with a clear error', async () => {
    const s = await open('7');
    try {
      const r = await s.call('get_repository', { owner: 'acme', repo: 'app' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/^Not found on GitHub: acme\/app\./);
    } finally {
      await s.close();
    }
  });

  it('a file that is not a private key stops the start', async () => {
    const bad = join(dir, 'bad.pem');
    writeFileSync(bad, 'not a key');
    await expect(connectInProcess(connector, ['--app-id', '1', '--installation-id', '2', '--private-key-file', bad], {})).rejects.toThrow(/--private-key-file is not a PEM private key/);
  });
});
