#!/usr/bin/env node
// Cold start of a built bin over stdio with the SDK client (measureColdStart of ./bench.js):
// 1 untimed spawn, then 5 timed; the first call is tools/list.
//   node tooling/cold-start.mjs packages/github/dist/bin.js GITHUB_TOKEN=ghp_x [more NAME=VALUE]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { resolve } from 'node:path';
import { createLauncher, measureColdStart } from './bench.js';

const [bin, ...pairs] = process.argv.slice(2);
if (!bin) throw new Error('usage: node tooling/cold-start.mjs BIN [NAME=VALUE ...]');
const env = { PATH: process.env.PATH ?? '', ...Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) };
const launcher = createLauncher({ Client, StdioClientTransport, clientName: 'cold-start', args: [resolve(bin)], env });
const r = await measureColdStart({ spawns: 5, start: () => launcher.start(), stop: (s) => launcher.stop(s), firstCall: (s) => s.client.listTools() });
console.log(`${bin}: spawn -> initialize ${r.spawnToInitializeMs.p50} ms, spawn -> first tools/list ${r.spawnToFirstToolsListMs.p50} ms (median of 5)`);
