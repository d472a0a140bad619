import { fileURLToPath } from 'node:url';
import { checkGeneratedDocs } from '@org/mcp-core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connector } from '../src/server.js';
import { connect, makeDatabase } from './helpers.js';

// The README's tool and option tables and __toolsnaps__/tools.json come from the tool list.
// After an intended change: UPDATE_SNAPSHOTS=1 pnpm test.
const db = makeDatabase('CREATE TABLE t (x)');
let session: Awaited<ReturnType<typeof connect>>;
beforeAll(async () => {
  session = await connect([db.file, '--allow-write']);
});
afterAll(async () => {
  await session.close();
  db.cleanup();
});

it('README tables and the tools/list snapshot match the tool list', async () => {
  const files = { readme: fileURLToPath(new URL('../README.md', import.meta.url)), snapshot: fileURLToPath(new URL('./__toolsnaps__/tools.json', import.meta.url)) };
  expect(await checkGeneratedDocs(connector, files, session)).toEqual([]);
});
