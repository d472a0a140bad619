import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  // The bin starts fast: the core, the SDK and zod are bundled in (minified, without the parts a
  // connector never uses); pg, pg-protocol and the WASM parser stay dependencies.
  cli: true,
  noExternal: ['@org/mcp-core', '@modelcontextprotocol/sdk', 'zod'],
  external: ['pg', 'pg-protocol', 'libpg-query'],
});
