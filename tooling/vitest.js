// Shared test preset: a package's vitest.config.ts is `export default testConfig()`.
import { defineConfig } from 'vitest/config';

/** @param {import('vitest/config').UserConfig['test']} test */
export function testConfig(test = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 30_000,
      // Skipped or focused tests must not land: `.only` fails the run in CI.
      allowOnly: !process.env.CI,
      ...test,
    },
  });
}
