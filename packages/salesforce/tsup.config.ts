import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  // The bin starts fast: the core, the SDK and zod are bundled in; jsforce stays a dependency,
  // loaded on the first call.
  cli: true,
  noExternal: ['@org/mcp-core', '@modelcontextprotocol/sdk', 'zod'],
  external: ['jsforce'],
});
