#!/usr/bin/env node
// pnpm release [--dry-run] [--all] [--only @org/a,@org/b] [--keep DIR] [--no-build]
//
// Packages version and publish independently, from changesets (`pnpm changeset`).
// - `pnpm release --dry-run`: builds, then for every package a changeset would release, packs
//   the tarball npm would publish, checks what is in it, installs it into an empty folder from
//   the registry, and starts it through `npx` with the official MCP client (initialize, then
//   tools/list); a library is imported instead. --all checks every public package as it is now,
//   changesets or not. Prints what would be published; exits 1 when a
//   tarball is wrong or does not answer. Nothing is published, no version is changed.
// - `pnpm release`: `changeset publish` (after `pnpm version-packages` has applied the changesets).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only')?.split(',').filter(Boolean);
const keep = option('--keep');
const log = (s = '') => process.stdout.write(`${s}\n`);
const run = (cmd, argv, cwd, extra = {}) => spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, ...extra }, maxBuffer: 64 * 1024 * 1024 });
const must = (r, what) => {
  if (r.status !== 0) throw new Error(`${what} failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  return r.stdout;
};

if (!dryRun) {
  const r = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  process.exit(spawnSync('pnpm', ['exec', 'changeset', 'publish'], { cwd: ROOT, stdio: 'inherit' }).status ?? 1);
}

/** Every workspace package: name → folder and package.json. */
function workspace() {
  const out = new Map();
  for (const dir of ['tooling', ...readdirSync(join(ROOT, 'packages')).map((d) => `packages/${d}`)]) {
    const file = join(ROOT, dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      out.set(pkg.name, { dir: join(ROOT, dir), pkg });
    }
  }
  return out;
}

/** What the changesets would release: name, bump, old and new version (private packages left out). */
function pendingReleases(packages) {
  if (args.includes('--all')) {
    return [...packages]
      .filter(([name, { pkg }]) => !pkg.private && (!only || only.includes(name)))
      .map(([name, { pkg }]) => ({ name, type: 'as is', oldVersion: pkg.version, newVersion: pkg.version }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'release-status-')), 'status.json');
  must(run('pnpm', ['exec', 'changeset', 'status', '--output', file], ROOT), 'changeset status');
  const { releases } = JSON.parse(readFileSync(file, 'utf8'));
  return releases.filter((r) => r.type !== 'none' && packages.get(r.name) && !packages.get(r.name).pkg.private && (!only || only.includes(r.name)));
}

/** What must and must not be in a tarball. */
function checkTarball(tarball, pkg) {
  const files = must(run('tar', ['-tzf', tarball], ROOT), 'tar').split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  const problems = [];
  if (!files.includes('package.json')) problems.push('no package.json');
  if (!files.includes('README.md')) problems.push('no README.md');
  if (!files.some((f) => f.startsWith('dist/'))) problems.push('no dist/');
  for (const f of files) if (/^(src|test|bench|scripts)\/|\.test\.|(^|\/)\.env|tsconfig|\.tsbuildinfo$/.test(f)) problems.push(`ships ${f}`);
  for (const bin of Object.values(pkg.bin ?? {})) if (!files.includes(bin.replace(/^\.\//, ''))) problems.push(`bin ${bin} is missing`);
  const packed = JSON.parse(must(run('tar', ['-xzOf', tarball, 'package/package.json'], ROOT), 'tar'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, spec] of Object.entries(packed[field] ?? {})) if (/^(workspace|catalog):/.test(spec)) problems.push(`${field}.${dep} is still ${spec}`);
  }
  return { files, problems, packed };
}

/** Installs the tarball into an empty folder and has the MCP client talk to its bin through npx. */
async function tryInstall(tarball, packed, where, smoke) {
  mkdirSync(where, { recursive: true });
  writeFileSync(join(where, 'package.json'), '{ "private": true }\n');
  const started = Date.now();
  must(run('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'], where, { npm_config_nodedir: process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node.h') ? '/usr' : '') }), `npm install ${packed.name}`);
  const installMs = Date.now() - started;
  const bin = Object.keys(packed.bin ?? {})[0];
  if (!bin) {
    must(run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(packed.name)}); if (!Object.keys(m).length) process.exit(1);`], where), `import ${packed.name}`);
    return { installMs, answered: 'imports' };
  }
  const transport = new StdioClientTransport({ command: 'npx', args: ['--no-install', bin, ...(smoke.args ?? [])], cwd: where, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(smoke.env ?? {}) }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'release-dry-run', version: '0' });
  try {
    await client.connect(transport);
    const info = client.getServerVersion();
    if (info?.version !== packed.version) throw new Error(`${bin} says it is version ${info?.version}, the tarball ${packed.version}`);
    const { tools } = await client.listTools();
    if (!tools.length) throw new Error(`${bin} lists no tools`);
    return { installMs, answered: `npx ${bin}: ${tools.length} tools` };
  } catch (err) {
    throw new Error(`npx ${bin} did not answer: ${err.message}\n${stderr.slice(-1500)}`);
  } finally {
    await client.close().catch(() => {});
  }
}

const packages = workspace();
const releases = pendingReleases(packages);
if (!releases.length) {
  log(`Nothing would be published: ${args.includes('--all') ? 'no public package matches' : 'no changeset releases a public package'}.`);
  process.exit(0);
}
if (!args.includes('--no-build')) log(`Building ${releases.length} package(s)…`);
if (!args.includes('--no-build')) must(run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...releases.map((r) => `--filter=${r.name}`)], ROOT, { TURBO_TELEMETRY_DISABLED: '1' }), 'build');

const work = keep ?? mkdtempSync(join(tmpdir(), 'release-dry-run-'));
mkdirSync(join(work, 'tarballs'), { recursive: true });
const rows = [];
let failed = 0;
for (const r of releases) {
  const { dir, pkg } = packages.get(r.name);
  const out = must(run('pnpm', ['pack', '--pack-destination', join(work, 'tarballs')], dir), `pnpm pack ${r.name}`);
  const tarball = out.trim().split('\n').filter((l) => l.endsWith('.tgz')).at(-1);
  const { files, problems, packed } = checkTarball(tarball, pkg);
  let answered = '—';
  let installMs = 0;
  if (!problems.length) {
    try {
      ({ answered, installMs } = await tryInstall(tarball, packed, join(work, 'installs', r.name.replace(/[@/]/g, '_')), pkg.mcp?.smoke ?? (await smokeOf(dir))));
    } catch (err) {
      problems.push(err.message);
    }
  }
  failed += problems.length ? 1 : 0;
  rows.push(`| ${r.name} | ${r.oldVersion} → ${r.newVersion} (${r.type}) | ${(statSync(tarball).size / 1024).toFixed(1)} kB, ${files.length} files | ${installMs ? `${(installMs / 1000).toFixed(1)} s` : '—'} | ${problems.length ? `FAILED: ${problems.join('; ').split('\n')[0]}` : answered} |`);
  if (problems.length) log(`\n${r.name}:\n  ${problems.join('\n  ')}`);
}
log('\nWould publish (dry run: nothing was published, no version changed):\n');
log('| Package | Version | Tarball | Install | Answers |');
log('| --- | --- | --- | --- | --- |');
for (const row of rows) log(row);
log(`\nTarballs in ${join(work, 'tarballs')}.`);
if (!keep && !failed) rmSync(join(work, 'installs'), { recursive: true, force: true });
process.exit(failed ? 1 : 0);

/** How to start a connector for the check: its README example (arguments and placeholder variables). */
async function smokeOf(dir) {
  const index = join(dir, 'dist', 'index.js');
  if (!existsSync(index)) return {};
  const { connector } = await import(index);
  return { args: connector?.example?.args ?? [], env: connector?.example?.env ?? {} };
}
