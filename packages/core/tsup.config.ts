import { buildConfig } from '@org/tooling/tsup';

// render is its own entry: light code (no SDK, no zod) that engine processes can import alone.
export default buildConfig({ entry: ['src/index.ts', 'src/testing.ts', 'src/render.ts'] });
