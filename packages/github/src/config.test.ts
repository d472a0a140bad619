import { loadConfig } from '@org/mcp-core';
import { describe, expect, it } from 'vitest';
import { connector } from './server.js';
import { apiBaseUrl } from './config.js';

const config = (argv: string[], env: Record<string, string> = {}) => loadConfig(connector, argv, { GITHUB_TOKEN: 'ghp_x', ...env });

describe('the API base URL', () => {
  it('is api.github.com by default, HOST/api/v3 for GitHub Enterprise Server, or --github-api-url', () => {
    expect(apiBaseUrl(config([]))).toBe('https://api.github.com');
    expect(apiBaseUrl(config([], { GITHUB_HOST: 'github.com' }))).toBe('https://api.github.com');
    expect(apiBaseUrl(config([], { GITHUB_HOST: 'ghe.example.com' }))).toBe('https://ghe.example.com/api/v3');
    expect(apiBaseUrl(config([], { GITHUB_HOST: 'https://ghe.example.com/' }))).toBe('https://ghe.example.com/api/v3');
    expect(apiBaseUrl(config(['--github-api-url', 'https://api.acme.ghe.com/']))).toBe('https://api.acme.ghe.com');
    // A flag beats its variable.
    expect(apiBaseUrl(config(['--github-host', 'a.example.com'], { GITHUB_HOST: 'b.example.com' }))).toBe('https://a.example.com/api/v3');
  });

  it('refuses a host that is not one', () => {
    expect(() => config([], { GITHUB_HOST: 'not a host' })).toThrow(/Invalid GITHUB_HOST "not a host": expected a host name such as github\.example\.com/);
    expect(() => config(['--github-api-url', 'nope'])).toThrow(/Invalid --github-api-url: expected an absolute URL/);
  });

  it('a token and an App at once is refused', () => {
    expect(() => config(['--app-id', '1', '--installation-id', '2', '--private-key-file', '/etc/hostname'])).toThrow(/Give either a token \(GITHUB_TOKEN\) or a GitHub App \(--app-id …\), not both\./);
  });
});
