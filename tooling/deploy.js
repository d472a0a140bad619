// Checks a connector's Dockerfile and Kubernetes manifest against what a platform team expects
// and against the connector itself (its option names, its port, its probe routes), so the
// deploy files cannot drift from the code they run.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/**
 * @param {{ dockerfile: string, manifest: string, name: string, knownEnv: string[] }} o
 * @returns {string[]} problems, empty when all is well
 */
export function checkDeploy({ dockerfile, manifest, name, knownEnv }) {
  const problems = [];
  const docs = parseAllDocuments(readFileSync(manifest, 'utf8')).map((d) => {
    if (d.errors.length) problems.push(`${manifest}: ${d.errors[0].message}`);
    return d.toJS();
  });
  const kind = (k) => docs.filter((d) => d?.kind === k && d.metadata?.name === name);
  const [deployment] = kind('Deployment');
  const [config] = kind('ConfigMap');
  if (!deployment) return [...problems, `${manifest}: no Deployment named ${name}`];
  if (!kind('Service').length) problems.push('no Service');
  if (!kind('NetworkPolicy').length) problems.push('no NetworkPolicy');
  const env = config?.data ?? {};
  for (const key of Object.keys(env)) if (!knownEnv.includes(key)) problems.push(`ConfigMap sets ${key}, which is not an option of ${name}`);
  if (env.MCP_TRANSPORT !== 'http') problems.push('ConfigMap must set MCP_TRANSPORT=http');
  const port = Number(env.MCP_PORT ?? 8080);

  const pod = deployment.spec?.template?.spec ?? {};
  const c = pod.containers?.[0] ?? {};
  const psc = pod.securityContext ?? {};
  const csc = c.securityContext ?? {};
  if (psc.runAsNonRoot !== true) problems.push('pod securityContext.runAsNonRoot must be true');
  if (psc.seccompProfile?.type !== 'RuntimeDefault') problems.push('pod seccompProfile must be RuntimeDefault');
  if (csc.readOnlyRootFilesystem !== true) problems.push('container readOnlyRootFilesystem must be true');
  if (csc.allowPrivilegeEscalation !== false) problems.push('container allowPrivilegeEscalation must be false');
  if (!csc.capabilities?.drop?.includes('ALL')) problems.push('container must drop ALL capabilities');
  if (pod.automountServiceAccountToken !== false) problems.push('automountServiceAccountToken must be false');
  const httpPort = c.ports?.find((p) => p.name === 'http');
  if (httpPort?.containerPort !== port) problems.push(`containerPort "http" must be MCP_PORT (${port})`);
  if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push('readinessProbe must GET /readyz');
  if (c.livenessProbe?.httpGet?.path !== '/healthz') problems.push('livenessProbe must GET /healthz');
  if (!c.resources?.limits?.memory) problems.push('container needs a memory limit');
  const drain = parseSeconds(env.MCP_SHUTDOWN_TIMEOUT ?? '25s') + (c.lifecycle?.preStop?.sleep?.seconds ?? 0);
  if ((pod.terminationGracePeriodSeconds ?? 30) <= drain) problems.push(`terminationGracePeriodSeconds must exceed preStop + MCP_SHUTDOWN_TIMEOUT (${drain}s)`);

  const docker = readFileSync(dockerfile, 'utf8');
  const stages = [...docker.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
  if (stages.length < 2) problems.push(`${dockerfile}: expected a multi-stage build`);
  const final = docker.slice(stages.at(-1)?.index ?? 0);
  const user = /^USER\s+(\S+)/m.exec(final)?.[1];
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`${dockerfile}: the final stage must run as a non-root USER`);
  if (!new RegExp(`^EXPOSE\\s+${port}\\b`, 'm').test(final)) problems.push(`${dockerfile}: EXPOSE ${port} (MCP_PORT) in the final stage`);
  if (!/ENTRYPOINT \[.*"dist\/bin\.js"/.test(final)) problems.push(`${dockerfile}: ENTRYPOINT must run dist/bin.js`);
  const dockerEnv = /^ENV\s+(.+)$/m.exec(final)?.[1] ?? '';
  for (const [, key] of dockerEnv.matchAll(/(\w+)=/g)) if (key !== 'NODE_ENV' && !knownEnv.includes(key)) problems.push(`${dockerfile}: ENV ${key} is not an option of ${name}`);
  return problems;
}

function parseSeconds(v) {
  const m = /^(\d+)(ms|s|m)?$/.exec(String(v));
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/**
 * The deploy-file tests every connector runs: its files pass the check, and the check catches a
 * misspelt option, a writable root file system and a root user in copies of them.
 * @param {{ name: string, dockerfile: string, manifest: string, knownEnv: string[] }} o
 */
export async function describeDeploy({ name, dockerfile, manifest, knownEnv }) {
  const { describe, expect, it } = await import('vitest');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  describe('deploy files', () => {
    it('the Dockerfile and the Kubernetes manifest match the connector and a hardened setup', () => {
      expect(checkDeploy({ dockerfile, manifest, name, knownEnv })).toEqual([]);
    });

    it('the check finds a misspelt option and a weakened security setting', () => {
      const dir = mkdtempSync(join(tmpdir(), 'deploy-check-'));
      try {
        const m = readFileSync(manifest, 'utf8').replace('MCP_PII_MODE:', 'MCP_PII_MOED:').replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false');
        writeFileSync(join(dir, 'm.yaml'), m);
        writeFileSync(join(dir, 'Dockerfile'), readFileSync(dockerfile, 'utf8').replace('USER 65532:65532', 'USER root'));
        expect(checkDeploy({ dockerfile: join(dir, 'Dockerfile'), manifest: join(dir, 'm.yaml'), name, knownEnv })).toEqual([
          `ConfigMap sets MCP_PII_MOED, which is not an option of ${name}`,
          'container readOnlyRootFilesystem must be true',
          `${join(dir, 'Dockerfile')}: the final stage must run as a non-root USER`,
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
