import { readFileSync } from 'node:fs';
import { ConfigError, opt, type ConfigOf, type CoreConfig } from '@org/mcp-core';
import { TOOLSETS } from './toolsets.js';

export const githubOptions = {
  token: opt.string('Personal access token (fine-grained or classic) the connector calls GitHub with.', { secret: true, env: ['GITHUB_TOKEN', 'GITHUB_PERSONAL_ACCESS_TOKEN'], placeholder: 'TOKEN' }),
  appId: opt.string('GitHub App ID, to act as an App installation instead of a token (with --installation-id and --private-key-file).', { env: ['GITHUB_APP_ID'], placeholder: 'ID' }),
  installationId: opt.string('Installation ID of the GitHub App.', { env: ['GITHUB_APP_INSTALLATION_ID'], placeholder: 'ID' }),
  privateKeyFile: opt.string('PEM file with the GitHub App private key.', { env: ['GITHUB_APP_PRIVATE_KEY_FILE'], placeholder: 'FILE' }),
  githubHost: opt.string('GitHub Enterprise Server host (e.g. github.example.com); the API is https://HOST/api/v3. Default: github.com.', { env: ['GITHUB_HOST'], placeholder: 'HOST' }),
  githubApiUrl: opt.string('The REST API base URL, when it is neither api.github.com nor HOST/api/v3 (e.g. GHE.com: https://api.SUBDOMAIN.ghe.com).', { env: ['GITHUB_API_URL'], placeholder: 'URL' }),
  repos: opt.list('Repositories the connector may touch, read or write: owner/name, or owner/* for every repository of an owner. Default: every repository the credential can reach.', {
    placeholder: 'OWNER/NAME,OWNER/*',
    item: { pattern: /^[A-Za-z0-9-]+\/(\*|[A-Za-z0-9._-]+)$/, message: 'expected owner/name or owner/*' },
  }),
  toolsets: opt.list(`Only the tools of these toolsets: ${Object.keys(TOOLSETS).join(', ')} (default: all).`, { placeholder: 'repos,issues' }),
  crossVisibility: opt.enum(
    ['confirm', 'refuse', 'off'] as const,
    'After this server read a private repository, a write to a public one (issue, comment, file, branch) is confirmed by the user (confirm), refused (refuse), or allowed (off). Guards against a prompt injection carrying private data out.',
    { default: 'confirm' },
  ),
};

export type GithubConfig = ConfigOf<typeof githubOptions> & CoreConfig;

export type GithubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: string; installationId: string; privateKey: string };

/** The credential, checked at start. Throws ConfigError with what to fix. */
export function githubAuth(config: GithubConfig): GithubAuth {
  const app = [config.appId, config.installationId, config.privateKeyFile];
  if (app.some(Boolean)) {
    if (!app.every(Boolean)) throw new ConfigError('A GitHub App needs all three of --app-id, --installation-id and --private-key-file (GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY_FILE).');
    if (config.token) throw new ConfigError('Give either a token (GITHUB_TOKEN) or a GitHub App (--app-id …), not both.');
    let privateKey: string;
    try {
      privateKey = readFileSync(config.privateKeyFile!, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read --private-key-file ${JSON.stringify(config.privateKeyFile)} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix --private-key-file or GITHUB_APP_PRIVATE_KEY_FILE.`);
    }
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) throw new ConfigError('--private-key-file is not a PEM private key (download it from the App settings: "Generate a private key").');
    if (!/^\d+$/.test(config.appId!) || !/^\d+$/.test(config.installationId!)) throw new ConfigError('--app-id and --installation-id are numbers (see the App settings and its installation URL).');
    return { kind: 'app', appId: config.appId!, installationId: config.installationId!, privateKey };
  }
  if (!config.token) throw new ConfigError('No GitHub credential. Set GITHUB_TOKEN to a personal access token, or give a GitHub App with --app-id, --installation-id and --private-key-file.');
  return { kind: 'token', token: config.token };
}

/** The REST API base URL: --github-api-url, else https://HOST/api/v3 for GitHub Enterprise Server, else api.github.com. */
export function apiBaseUrl(config: GithubConfig): string {
  if (config.githubApiUrl) {
    if (!URL.canParse(config.githubApiUrl)) throw new ConfigError(`Invalid --github-api-url: expected an absolute URL, got ${JSON.stringify(config.githubApiUrl)}.`);
    return config.githubApiUrl.replace(/\/$/, '');
  }
  if (config.githubHost) {
    const host = config.githubHost.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) throw new ConfigError(`Invalid GITHUB_HOST ${JSON.stringify(config.githubHost)}: expected a host name such as github.example.com.`);
    if (host === 'github.com' || host === 'api.github.com') return 'https://api.github.com';
    return `https://${host}/api/v3`;
  }
  return 'https://api.github.com';
}

/** Checks across options at start. */
export function validateGithub(config: GithubConfig): void {
  githubAuth(config);
  apiBaseUrl(config);
  const unknown = (config.toolsets ?? []).find((t) => !(t in TOOLSETS));
  if (unknown) throw new ConfigError(`Unknown toolset "${unknown}" in --toolsets. Known toolsets: ${Object.keys(TOOLSETS).join(', ')}.`);
}

export const githubSecrets = (config: GithubConfig): string[] => [config.token].filter((v): v is string => Boolean(v));
