import { buildConfig } from '@org/tooling/tsup';

// render is its own entry: light code (no SDK, no zod) that engine processes can import alone;
// http/server is loaded only by --transport http (and by tests, as @org/mcp-core/http).
export default buildConfig({ entry: { index: 'src/index.ts', testing: 'src/testing.ts', render: 'src/render.ts', 'http/server': 'src/http/server.ts' } });
