import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({ entry: ['src/index.ts', 'src/testing.ts'] });
