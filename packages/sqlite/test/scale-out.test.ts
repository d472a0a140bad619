// Three replicas of the built bin in stateless http mode behind a real reverse proxy
// (http-proxy, round robin), driven by concurrent SDK clients.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startReplicas } from '@org/tooling/replicas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDatabase, SHOP_SQL, textOf } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const db = makeDatabase(SHOP_SQL);
let set: Awaited<ReturnType<typeof startReplicas>>;
beforeAll(async () => {
  set = await startReplicas({ bin: BIN, count: 3, args: [db.file, '--allow-write', '--confirm-secret', 'shared-confirm-secret-for-tests', '--rate-limit-read', 'off'] });
}, 60_000);
afterAll(async () => {
  await set?.stop();
  db.cleanup();
});

const audits = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.type === 'audit');

async function client() {
  const c = new Client({ name: 'scale-out', version: '0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${set.url}/mcp`)));
  return c;
}

describe('three replicas behind a reverse proxy', () => {
  it('answers every call of 8 concurrent clients, with the calls spread over all three replicas', async () => {
    const before = set.replicas.map((r) => audits(r.lines()).length);
    const clients = await Promise.all(Array.from({ length: 8 }, () => client()));
    const results = await Promise.all(
      clients.map(async (c, i) => {
        const out: CallToolResult[] = [];
        for (let k = 0; k < 25; k++) out.push((await c.callTool({ name: 'read_query', arguments: { sql: 'SELECT count(*) AS n FROM orders WHERE customer_id = ?', params: [(i + k) % 3] } })) as CallToolResult);
        return out;
      }),
    );
    await Promise.all(clients.map((c) => c.close()));
    const all = results.flat();
    expect(all).toHaveLength(200);
    expect(all.filter((r) => r.isError).map(textOf)).toEqual([]);
    const perReplica = set.replicas.map((r, i) => audits(r.lines()).length - before[i]!);
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(200);
    for (const n of perReplica) expect(n).toBeGreaterThan(30);
  });

  it('a confirmation token issued by one replica is accepted by another (shared --confirm-secret)', async () => {
    const c = await client();
    try {
      const args = { sql: 'UPDATE orders SET note = ? WHERE id = 1', params: ['scaled'] };
      const first = (await c.callTool({ name: 'write_query', arguments: args })) as CallToolResult;
      const token = /confirmation_token: "([^"]+)"/.exec(textOf(first))?.[1];
      expect(token, textOf(first)).toBeDefined();
      const second = (await c.callTool({ name: 'write_query', arguments: { ...args, confirmation_token: token } })) as CallToolResult;
      expect(second.isError, textOf(second)).toBeFalsy();
      const issuedBy = set.replicas.findIndex((r) => audits(r.lines()).some((e) => e.decision === 'deny:needs_confirmation'));
      const ranOn = set.replicas.findIndex((r) => audits(r.lines()).some((e) => e.tool === 'write_query' && e.confirmation === 'token'));
      expect(issuedBy).toBeGreaterThanOrEqual(0);
      expect(ranOn).toBeGreaterThanOrEqual(0);
      expect(ranOn).not.toBe(issuedBy);
    } finally {
      await c.close();
    }
  });
});
