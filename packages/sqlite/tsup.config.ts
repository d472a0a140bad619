import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', engine: 'src/engine/child.ts' },
  // The bin starts fast: the core, the SDK and zod are bundled in (minified, without the parts
  // a connector never uses); the native driver is loaded only by the engine process.
  cli: true,
  noExternal: ['@org/mcp-core', '@modelcontextprotocol/sdk', 'zod'],
  external: ['better-sqlite3'],
});
