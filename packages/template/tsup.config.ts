import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  // The bin starts fast: the core, the SDK and zod are bundled in. A backend client library
  // goes in `dependencies` and `external`, and is imported on first use (see src/deps.ts).
  cli: true,
  noExternal: ['@org/mcp-core', '@modelcontextprotocol/sdk', 'zod'],
});
