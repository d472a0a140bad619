import { fileURLToPath } from 'node:url';
import { checkGeneratedDocs, connectInProcess } from '@org/mcp-core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connector } from '../src/server.js';

// The README's tool and option tables and __toolsnaps__/tools.json come from the tool list,
// listed in --access-mode all (every tool). After an intended change: UPDATE_SNAPSHOTS=1 pnpm test.
let session: Awaited<ReturnType<typeof connectInProcess>>;
beforeAll(async () => {
  session = await connectInProcess(connector, ['--access-mode', 'all'], { SALESFORCE_ACCESS_TOKEN: '00D000000000001!docs', SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com' });
});
afterAll(() => session.close());

it('README tables and the tools/list snapshot match the tool list', async () => {
  const files = { readme: fileURLToPath(new URL('../README.md', import.meta.url)), snapshot: fileURLToPath(new URL('./__toolsnaps__/tools.json', import.meta.url)) };
  expect(await checkGeneratedDocs(connector, files, session)).toEqual([]);
});
