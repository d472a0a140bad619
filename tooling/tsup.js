// Shared build preset: ESM only, Node 20, one bundle per entry point, types for libraries.
// A package's tsup.config.ts is one call: `export default buildConfig({ entry: [...] })`.
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';

/**
 * esbuild plugin for connector bins, which must start fast (cold start is measured):
 * - the SDK's ajv provider is replaced by a stub: the core passes its own jsonSchemaValidator,
 *   so ajv (a fifth of the bundle) would be loaded and never used;
 * - zod keeps only its English messages instead of every locale.
 * @param {string} pkgDir the package being built, to resolve zod from it
 */
function slimBundle(pkgDir) {
  const require = createRequire(`${pkgDir}/package.json`);
  let zodEn;
  try {
    zodEn = require.resolve('zod/v4/locales/en.js');
  } catch {
    zodEn = undefined;
  }
  return {
    name: 'slim-bundle',
    setup(build) {
      build.onLoad({ filter: /@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]validation[\\/]ajv-provider\.js$/ }, () => ({
        contents: 'export class AjvJsonSchemaValidator { constructor() { throw new Error("ajv is not bundled: pass jsonSchemaValidator to the Server"); } }',
        loader: 'js',
      }));
      if (zodEn) {
        build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
          contents: `export { default as en } from ${JSON.stringify(zodEn)};`,
          loader: 'js',
        }));
      }
    },
  };
}

/** @param {import('tsup').Options & { cli?: boolean }} options */
export function buildConfig({ cli = false, ...options } = {}) {
  return defineConfig({
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    sourcemap: true,
    clean: true,
    dts: true,
    treeshake: true,
    // Bundled CommonJS dependencies (prom-client) call require() for Node's modules: give every
    // output file a real one.
    ...(cli
      ? { minify: true, esbuildPlugins: [slimBundle(process.cwd())], banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } }
      : {}),
    ...options,
  });
}
