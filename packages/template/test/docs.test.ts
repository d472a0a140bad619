import { fileURLToPath } from 'node:url';
import { checkGeneratedDocs, connectInProcess } from '@org/mcp-core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connector } from '../src/server.js';

// The README's client blocks, tool and option tables and __toolsnaps__/tools.json come from the
// code, listed with --allow-write. After an intended change: UPDATE_SNAPSHOTS=1 pnpm test.
let session: Awaited<ReturnType<typeof connectInProcess>>;
beforeAll(async () => {
  session = await connectInProcess(connector, ['--allow-write'], { TEMPLATE_API_URL: 'https://api.example.com/v1', TEMPLATE_API_TOKEN: 'docs' });
});
afterAll(() => session.close());

it('README sections and the tools/list snapshot match the code', async () => {
  const files = { readme: fileURLToPath(new URL('../README.md', import.meta.url)), snapshot: fileURLToPath(new URL('./__toolsnaps__/tools.json', import.meta.url)) };
  expect(await checkGeneratedDocs(connector, files, session)).toEqual([]);
});
