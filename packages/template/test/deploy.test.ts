import { fileURLToPath } from 'node:url';
import { coreOptions, envName, type OptionSpecs } from '@org/mcp-core';
import { describeDeploy } from '@org/tooling/deploy';
import { connector } from '../src/server.js';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const specs: OptionSpecs = { ...coreOptions, ...connector.options };
await describeDeploy({
  name: 'mcp-template',
  dockerfile: path('../Dockerfile'),
  manifest: path('../kubernetes.yaml'),
  knownEnv: Object.entries(specs).flatMap(([key, spec]) => [envName(key), ...(spec.env ?? [])]),
});
