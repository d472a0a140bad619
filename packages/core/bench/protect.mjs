#!/usr/bin/env node
// The cost of cleaning and masking a result: a 10,000-row, 6-column table (ids, amounts,
// statuses, timestamps, notes) through the core's Protector in each --pii-mode, in-process.
//   node packages/core/bench/protect.mjs      (after pnpm build)
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Protector } from '../dist/index.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const { createPiiScanner } = await import(new URL(readdirSync(dist).find((f) => /^pii-.*\.js$/.test(f)), `file://${dist}`).href);

const rows = Array.from({ length: 10_000 }, (_, g) => [
  g,
  1 + ((g * 7919) % 50_000),
  (((g * 104729) % 100_000) / 100).toFixed(2),
  ['new', 'paid', 'shipped'][g % 3],
  `2025-03-${String(1 + (g % 28)).padStart(2, '0')} 10:${String(g % 60).padStart(2, '0')}:00+00`,
  g % 5 ? `note ${g}` : null,
]);
const table = { columns: ['id', 'customer_id', 'amount', 'status', 'created_at', 'note'], rows, rowCount: rows.length, truncated: false };

for (const mode of ['off', 'basic', 'strict']) {
  const p = new Protector(mode === 'off' ? (s) => s : createPiiScanner({ mode }), { salt: 'bench' });
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    p.value(table, { masked: {}, hidden: 0 });
    if (i > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`--pii-mode ${mode.padEnd(6)} 10,000 rows x 6 columns: p50 ${times[10].toFixed(2)} ms`);
}
