// The two ways out of the monorepo, run for real on this package: `pnpm create-connector` makes a
// new connector whose tests pass at once, and `turbo prune` extracts one connector with what it
// needs (core, tooling, a pruned lockfile) into a folder of its own that installs, builds and
// tests alone. Both install from the pnpm store without the network (the workspace's own install
// has filled it), in folders outside this checkout.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mcp-fork-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The child pnpm, turbo and vitest must not think they run inside this vitest.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$|NODE_OPTIONS$|npm_)/.test(k)));
const sh = (cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> => spawnSync(cmd, args, { cwd, env: { ...env, CI: 'true', TURBO_TELEMETRY_DISABLED: '1' }, encoding: 'utf8', timeout: 300_000 });
const ok = (r: SpawnSyncReturns<string>, what: string) => expect(r.status, `${what}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
// The store this checkout installed from: on another filesystem than the checkout (as /tmp can
// be) pnpm would pick another, empty store, and an offline install would fail.
const STORE = spawnSync('pnpm', ['store', 'path'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const skip = new Set(['node_modules', '.turbo', 'coverage']);
const copy = (from: string, to: string, opts: { dist?: boolean } = {}) =>
  cpSync(join(ROOT, from), join(to, from), { recursive: true, filter: (src) => !skip.has(src.split(/[\\/]/).at(-1)!) && (opts.dist !== false || !/[\\/]dist$/.test(src)) });

describe('forking and extracting a connector', () => {
  it('pnpm create-connector acme-crm: renamed, registered in the workspace, and its tests pass at once', { timeout: 300_000 }, () => {
    const ws = join(work, 'workspace');
    mkdirSync(join(ws, 'packages'), { recursive: true });
    for (const f of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', 'turbo.json', 'tooling', '.changeset/config.json']) copy(f, ws);
    copy('packages/core', ws); // with its build: the new connector's tests import the built core
    copy('packages/template', ws, { dist: false });

    const created = sh(process.execPath, [join(ws, 'tooling/create-connector.mjs'), 'acme-crm', '--title', 'Acme CRM', '--no-install'], ws);
    ok(created, 'create-connector');
    expect(created.stdout).toContain('@org/mcp-acme-crm, bin mcp-acme-crm, variables ACME_CRM_…');
    const pkg = JSON.parse(readFileSync(join(ws, 'packages/acme-crm/package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: '@org/mcp-acme-crm', version: '0.1.0', bin: { 'mcp-acme-crm': 'dist/bin.js' }, publishConfig: { access: 'public' } });
    expect(pkg.private).toBeUndefined();
    const server = readFileSync(join(ws, 'packages/acme-crm/src/server.ts'), 'utf8');
    expect(server).toContain("name: 'mcp-acme-crm',\n  title: 'Acme CRM',");
    expect(server).toContain('new AcmeCrmDeps(config, context)');
    expect(readFileSync(join(ws, 'packages/acme-crm/src/config.ts'), 'utf8')).toContain("env: ['ACME_CRM_API_URL']");
    expect(readFileSync(join(ws, 'packages/acme-crm/kubernetes.yaml'), 'utf8')).toMatch(/name: mcp-acme-crm[\s\S]*ACME_CRM_API_URL[\s\S]*  template:\n/);
    expect(readFileSync(join(ws, '.changeset/acme-crm-first-release.md'), 'utf8')).toContain("'@org/mcp-acme-crm': minor");
    const left = sh('grep', ['-rIil', '--exclude=kubernetes.yaml', 'template', 'packages/acme-crm'], ws);
    expect(left.stdout.trim().split('\n').filter(Boolean)).toEqual(['packages/acme-crm/README.md']); // "the template's sample API"

    // Registered: the workspace install links it, then it builds and its own tests pass unchanged.
    ok(sh('pnpm', ['install', '--offline', '--no-frozen-lockfile', '--store-dir', STORE], ws), 'pnpm install');
    ok(sh('pnpm', ['--filter', '@org/mcp-acme-crm', 'build'], ws), 'build');
    const tested = sh('pnpm', ['--filter', '@org/mcp-acme-crm', 'test'], ws);
    ok(tested, 'test');
    const summary = tested.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(summary).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(summary).not.toMatch(/failed|skipped/);

    // A second run with the same name refuses, with the fix.
    const again = sh(process.execPath, [join(ws, 'tooling/create-connector.mjs'), 'acme-crm', '--no-install'], ws);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe('create-connector: packages/acme-crm exists already; choose another name or remove it.');
    expect(sh(process.execPath, [join(ws, 'tooling/create-connector.mjs'), 'Bad_Name', '--no-install'], ws).stderr).toMatch(/is not a package name/);
  });

  it('turbo prune @org/mcp-template: the extracted folder installs, builds and tests alone', { timeout: 300_000 }, () => {
    const out = join(work, 'extracted');
    ok(sh(join(ROOT, 'node_modules/.bin/turbo'), ['prune', '@org/mcp-template', '--out-dir', out], ROOT), 'turbo prune');
    expect(existsSync(join(out, 'packages/template/src/server.ts'))).toBe(true);
    expect(existsSync(join(out, 'packages/core/src/index.ts'))).toBe(true);
    expect(existsSync(join(out, 'packages/slack'))).toBe(false);
    ok(sh('pnpm', ['install', '--offline', '--frozen-lockfile', '--store-dir', STORE], out), 'pnpm install');
    // turbo builds the core, then the connector, from their sources in the extracted folder.
    ok(sh('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@org/mcp-template', '--output-logs=errors-only'], out), 'turbo run build');
    expect(existsSync(join(out, 'packages/core/dist/index.js'))).toBe(true);
    expect(existsSync(join(out, 'packages/template/dist/bin.js'))).toBe(true);
    // Every test of the package but this file, which would fork again from inside the copy.
    const tested = sh('pnpm', ['--filter', '@org/mcp-template', 'exec', 'vitest', 'run', '--exclude', 'test/fork.test.ts'], out);
    ok(tested, 'vitest');
    const summary = tested.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(summary).toMatch(/Test Files\s+4 passed \(4\)/);
    expect(summary).not.toMatch(/failed|skipped/);
  });
});
