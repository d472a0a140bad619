import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', engine: 'src/engine/child.ts' },
  // The bin starts in one file read: the core, the SDK and zod are bundled in; the native
  // driver is loaded only by the engine process.
  noExternal: ['@org/mcp-core', '@modelcontextprotocol/sdk', 'zod'],
  external: ['better-sqlite3'],
});
