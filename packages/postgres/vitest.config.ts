import { testConfig } from '@org/tooling/vitest';

export default testConfig({
  // One PostgreSQL server for the whole run (see test/global-setup.ts); DATABASE_URL uses an existing one.
  globalSetup: ['test/global-setup.ts'],
});
