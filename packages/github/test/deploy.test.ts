import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreOptions, envName, type OptionSpecs } from '@org/mcp-core';
import { checkDeploy } from '@org/tooling/deploy';
import { describe, expect, it } from 'vitest';
import { connector } from '../src/server.js';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const specs: OptionSpecs = { ...coreOptions, ...connector.options };
const knownEnv = Object.entries(specs).flatMap(([key, spec]) => [envName(key), ...(spec.env ?? [])]);

describe('deploy files', () => {
  it('the Dockerfile and the Kubernetes manifest match the connector and a hardened setup', () => {
    const problems = checkDeploy({ dockerfile: path('../Dockerfile'), manifest: path('../../../deploy/kubernetes/mcp-github.yaml'), name: 'mcp-github', knownEnv });
    expect(problems).toEqual([]);
  });

  it('the check finds a misspelt option and a weakened security setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-check-'));
    try {
      const manifest = readFileSync(path('../../../deploy/kubernetes/mcp-github.yaml'), 'utf8')
        .replace('MCP_PII_MODE:', 'MCP_PII_MOED:')
        .replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false');
      writeFileSync(join(dir, 'm.yaml'), manifest);
      writeFileSync(join(dir, 'Dockerfile'), readFileSync(path('../Dockerfile'), 'utf8').replace('USER 65532:65532', 'USER root'));
      expect(checkDeploy({ dockerfile: join(dir, 'Dockerfile'), manifest: join(dir, 'm.yaml'), name: 'mcp-github', knownEnv })).toEqual([
        'ConfigMap sets MCP_PII_MOED, which is not an option of mcp-github',
        'container readOnlyRootFilesystem must be true',
        `${join(dir, 'Dockerfile')}: the final stage must run as a non-root USER`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
