import { testConfig } from '@org/tooling/vitest';

export default testConfig();
