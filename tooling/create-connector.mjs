#!/usr/bin/env node
// pnpm create-connector <name> [--title "Acme CRM"] [--root DIR] [--no-install]
//
// Makes packages/<name> from packages/template: every name renamed (package @scope/mcp-<name>,
// bin mcp-<name>, variables <NAME>_…, identifiers, title), publishable (not private, version
// 0.1.0), with its Dockerfile, Kubernetes manifest and a changeset; then installs, which registers it in the
// workspace. Its tests pass at once: `pnpm --filter @scope/mcp-<name> test`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const noInstall = args.includes('--no-install') ? (args.splice(args.indexOf('--no-install'), 1), true) : false;
const root = flag('--root') ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const titleArg = flag('--title');
const [name, ...extra] = args;
const fail = (message) => {
  process.stderr.write(`create-connector: ${message}\n`);
  process.exit(1);
};

if (!name || extra.length) fail('usage: pnpm create-connector <name> [--title "Acme CRM"] (name: lowercase letters, digits and dashes, e.g. acme-crm)');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) fail(`"${name}" is not a package name: use lowercase letters, digits and dashes, starting with a letter (e.g. acme-crm).`);
if (['template', 'core', 'tooling'].includes(name)) fail(`"${name}" is taken by the workspace itself; choose another name.`);
const source = join(root, 'packages', 'template');
const target = join(root, 'packages', name);
if (!existsSync(source)) fail(`no template at ${source}`);
if (existsSync(target)) fail(`${relative(root, target)} exists already; choose another name or remove it.`);

const words = name.split('-');
const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = pascal[0].toLowerCase() + pascal.slice(1);
const upper = words.join('_').toUpperCase();
const title = titleArg ?? words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
if (/['"`\\]/.test(title)) fail('--title may not hold quotes or backslashes.');

/** Every spelling of "template" in the template, in the order they must be replaced. */
const rename = (text) =>
  text
    .replaceAll('mcp-template', `mcp-${name}`)
    .replaceAll('TEMPLATE', upper)
    // In identifiers (TemplateDeps, validateTemplate, defineTemplateTool): PascalCase.
    .replace(/(?<=[a-z])Template|Template(?=[A-Z])/g, pascal)
    // The title, as people read it (title: 'Template', "The result from Template").
    .replaceAll('Template', title)
    .replace(/template(?=[A-Z])/g, camel)
    .replaceAll('template', name);

// fork.test.ts tests forking the template itself; a connector made from it has no use for it.
const skip = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'fork.test.ts']);
cpSync(source, target, { recursive: true, filter: (src) => !skip.has(src.split(/[\\/]/).at(-1)) });

/** Files and folders below `dir`, deepest first (so a renamed folder's children are done). */
function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    out.push(path);
  }
  return out;
}
// In the manifest only the connector's names change: `template:` is a key of a Kubernetes Deployment.
const renameManifest = (text) => text.replaceAll('mcp-template', `mcp-${name}`).replaceAll('TEMPLATE_', `${upper}_`).replaceAll('packages/template', `packages/${name}`);
for (const path of walk(target)) {
  if (statSync(path).isFile()) writeFileSync(path, (path.endsWith('kubernetes.yaml') ? renameManifest : rename)(readFileSync(path, 'utf8')));
  const base = path.split(/[\\/]/).at(-1);
  if (base.includes('template')) renameSync(path, join(dirname(path), rename(base)));
}

const pkgPath = join(target, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
delete pkg.private;
pkg.version = '0.1.0';
pkg.description = `MCP server for ${title}`;
pkg.publishConfig = { access: 'public' };
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

const readme = join(target, 'README.md');
writeFileSync(
  readme,
  readFileSync(readme, 'utf8').replace(
    /<!-- intro:start -->[\s\S]*<!-- intro:end -->/,
    `An MCP server for ${title}, made with \`pnpm create-connector\`. It still speaks the template's\nsample API (\`test/fake-api.ts\`): replace the client in \`src/deps.ts\`, the options in\n\`src/config.ts\` and the tools in \`src/tools/\` with your backend's, then refresh the generated\nsections with \`UPDATE_SNAPSHOTS=1 pnpm --filter ${pkg.name} test\`.`,
  ),
);

if (existsSync(join(root, '.changeset'))) {
  writeFileSync(join(root, '.changeset', `${name}-first-release.md`), `---\n'${pkg.name}': minor\n---\n\nFirst release of \`${pkg.name}\`.\n`);
}

process.stdout.write(`Created ${relative(process.cwd(), target) || target}: ${pkg.name}, bin mcp-${name}, variables ${upper}_….\n`);
if (!noInstall) {
  const r = spawnSync('pnpm', ['install', '--prefer-offline'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('pnpm install failed; run it yourself, then the tests.');
}
process.stdout.write(`Next: pnpm --filter ${pkg.name} test\n`);
