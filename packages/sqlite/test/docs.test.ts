import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { coreOptions, optionsMarkdown, toolsMarkdown } from '@org/mcp-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connector } from '../src/server.js';
import { connect, makeDatabase } from './helpers.js';

/**
 * The tool list is data: it drives the README's tool and option tables and a tools/list
 * snapshot, so any schema or description change shows up as a diff. After an intended
 * change, regenerate with `UPDATE_SNAPSHOTS=1 pnpm test`.
 */
const update = process.env.UPDATE_SNAPSHOTS === '1';
const path = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

function checkGenerated(file: string, name: string, generated: string) {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  expect(from, `${file} lacks the ${start} … ${end} markers`).toBeGreaterThanOrEqual(0);
  expect(to).toBeGreaterThan(from);
  const current = text.slice(from + start.length, to).trim();
  if (update && current !== generated) {
    writeFileSync(file, `${text.slice(0, from + start.length)}\n${generated}\n${text.slice(to)}`);
    return;
  }
  expect(current, `the README's ${name} table is out of date: run UPDATE_SNAPSHOTS=1 pnpm test`).toBe(generated);
}

describe('generated docs and snapshots', () => {
  it('the README tool table matches the tool list', () => {
    checkGenerated(path('../README.md'), 'tools', toolsMarkdown(connector.tools));
  });

  it('the README options table matches the options', () => {
    checkGenerated(path('../README.md'), 'options', optionsMarkdown({ ...connector.options, ...coreOptions }));
  });

  describe('tools/list snapshot', () => {
    const db = makeDatabase('CREATE TABLE t (x)');
    let session: Awaited<ReturnType<typeof connect>>;
    beforeAll(async () => {
      session = await connect([db.file, '--allow-write']);
    });
    afterAll(async () => {
      await session.close();
      db.cleanup();
    });

    it('matches __toolsnaps__/tools.json', async () => {
      const { tools } = await session.client.listTools();
      const actual = `${JSON.stringify(tools, null, 2)}\n`;
      const file = path('./__toolsnaps__/tools.json');
      if (update || !existsSync(file)) {
        expect(update, `missing ${file}: run UPDATE_SNAPSHOTS=1 pnpm test and commit it`).toBe(true);
        writeFileSync(file, actual);
      }
      expect(actual, 'tools/list changed: review the diff, then run UPDATE_SNAPSHOTS=1 pnpm test').toBe(readFileSync(file, 'utf8'));
    });
  });
});
