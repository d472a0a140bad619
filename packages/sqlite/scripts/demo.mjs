#!/usr/bin/env node
// `pnpm demo`: starts the built connector on its demo database over stdio and shows a real
// MCP client session with the official SDK client: tools listed, schema read, questions answered.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const transport = new StdioClientTransport({ command: process.execPath, args: [bin, '--demo'], stderr: 'ignore' });
const client = new Client({ name: 'demo-client', version: '1.0.0' });

const started = performance.now();
await client.connect(transport);
const info = client.getServerVersion();
console.log(`Connected to ${info?.name} ${info?.version} in ${Math.round(performance.now() - started)} ms (stdio, SDK client)\n`);

const { tools } = await client.listTools();
console.log(`tools/list -> ${tools.length} tools:`);
for (const t of tools) console.log(`  ${t.name.padEnd(16)} ${t.annotations?.readOnlyHint ? 'read ' : 'write'}  ${t.description.split('. ')[0]}.`);

const show = async (name, args) => {
  console.log(`\ntools/call ${name} ${JSON.stringify(args)}`);
  const result = await client.callTool({ name, arguments: args });
  const text = result.content.find((c) => c.type === 'text')?.text ?? '';
  console.log(`${result.isError ? '  [error] ' : ''}${text.split('\n').map((l) => `  ${l}`).join('\n')}`);
};

await show('list_tables', {});
await show('describe_table', { table: 'orders' });
await show('read_query', {
  sql: `SELECT p.category, COUNT(DISTINCT o.id) AS orders, ROUND(SUM(i.quantity * i.unit_price_cents) / 100.0, 2) AS revenue
        FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
        WHERE o.status NOT IN ('cancelled', 'refunded')
        GROUP BY p.category ORDER BY revenue DESC`,
});
await show('read_query', { sql: 'SELECT name, email FROM customers WHERE country = ? ORDER BY name LIMIT 3', params: ['DE'] });
console.log('\nAnd what read-only means: the same server refuses a write smuggled after a read.');
await show('read_query', { sql: "SELECT 1; DELETE FROM orders" });
await show('read_query', { sql: "WITH x AS (SELECT 1) DELETE FROM orders" });

await client.close();
