import { buildConfig } from '@org/tooling/tsup';

export default buildConfig({ entry: { index: 'src/index.ts' } });
