// Shared build preset: ESM only, Node 20, one bundle per entry point, types for libraries.
// A package's tsup.config.ts is one call: `export default buildConfig({ entry: [...] })`.
import { defineConfig } from 'tsup';

/** @param {import('tsup').Options} options */
export function buildConfig(options = {}) {
  return defineConfig({
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    sourcemap: true,
    clean: true,
    dts: true,
    treeshake: true,
    ...options,
  });
}
