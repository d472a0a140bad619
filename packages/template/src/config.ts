import { ConfigError, opt, type ConfigOf, type CoreConfig } from '@org/mcp-core';

/**
 * The connector's own options. Each is a flag (`--api-url`) and a variable (`MCP_API_URL`),
 * plus the aliases in `env`; the core adds the shared ones (--allow-write, --timeout, …).
 */
export const templateOptions = {
  apiUrl: opt.string('Base URL of the API (e.g. https://api.example.com/v1).', { env: ['TEMPLATE_API_URL'], placeholder: 'URL' }),
  apiToken: opt.string('Token the connector calls the API with (sent as a Bearer token).', { secret: true, env: ['TEMPLATE_API_TOKEN'], placeholder: 'TOKEN' }),
};

export type TemplateConfig = ConfigOf<typeof templateOptions> & CoreConfig;

/** Checks across options at start: a missing or wrong value stops the process with the fix. */
export function validateTemplate(config: TemplateConfig): void {
  if (!config.apiUrl) throw new ConfigError('No API URL. Set TEMPLATE_API_URL (or --api-url), e.g. https://api.example.com/v1.');
  if (!URL.canParse(config.apiUrl) || !/^https?:$/.test(new URL(config.apiUrl).protocol)) throw new ConfigError(`Invalid --api-url: expected an http(s) URL, got ${JSON.stringify(config.apiUrl)}.`);
  if (!config.apiToken) throw new ConfigError('No API token. Set TEMPLATE_API_TOKEN (or --api-token).');
}

export const templateSecrets = (c: TemplateConfig): string[] => [c.apiToken].filter((v): v is string => Boolean(v));
