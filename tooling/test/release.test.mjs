// `pnpm release --dry-run --all`, run for real on two packages (turbo builds them before this test):
// each is packed, its tarball checked, installed into an empty folder from the npm registry, and
// started through npx with the MCP client. The full run over every package is the same command
// without --only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../release.mjs', import.meta.url));
const keep = mkdtempSync(join(tmpdir(), 'release-test-'));
afterAll(() => rmSync(keep, { recursive: true, force: true }));
const release = (...args) => spawnSync(process.execPath, [SCRIPT, '--dry-run', '--no-build', ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_update_notifier: 'false' } });

it('packs each package, installs each tarball into an empty folder, and it answers through npx', { timeout: 300_000 }, () => {
  // --all: every public package as it is now, so the test holds whether changesets are pending or applied.
  const r = release('--all', '--only', '@org/mcp-core,@org/mcp-slack', '--keep', keep);
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('Would publish (dry run: nothing was published, no version changed)');
  expect(r.stdout).toMatch(/\| @org\/mcp-core \| \d+\.\d+\.\d+ → \d+\.\d+\.\d+ \(as is\) \| [\d.]+ kB, \d+ files \| [\d.]+ s \| imports \|/);
  expect(r.stdout).toMatch(/\| @org\/mcp-slack \| .* \| npx mcp-slack: 7 tools \|/);
  const files = spawnSync('sh', ['-c', `tar -tzf ${join(keep, 'tarballs')}/org-mcp-slack-*.tgz`], { encoding: 'utf8' }).stdout.split('\n');
  expect(files).toContain('package/dist/bin.js');
  expect(files.some((f) => /package\/(src|test)\//.test(f))).toBe(false);
});

it('a private package is never released', () => {
  const r = release('--all', '--only', '@org/mcp-template');
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe('Nothing would be published: no public package matches.');
});
