import { ConfigError, opt, type ConfigOf, type CoreConfig } from '@org/mcp-core';

export const slackOptions = {
  botToken: opt.string('Bot token (xoxb-…): what the connector reads and posts with.', { secret: true, env: ['SLACK_BOT_TOKEN'], placeholder: 'TOKEN' }),
  userToken: opt.string('User token (xoxp-…): needed for search_messages, and used instead of the bot token when no bot token is set.', { secret: true, env: ['SLACK_USER_TOKEN'], placeholder: 'TOKEN' }),
  refreshToken: opt.string('Refresh token (xoxe-…) of an app with token rotation: the bot token is then renewed with oauth.v2.access before it expires (needs --client-id and --client-secret).', { secret: true, env: ['SLACK_REFRESH_TOKEN'], placeholder: 'TOKEN' }),
  clientId: opt.string('Slack app client ID, for token rotation.', { env: ['SLACK_CLIENT_ID'], placeholder: 'ID' }),
  clientSecret: opt.string('Slack app client secret, for token rotation.', { secret: true, env: ['SLACK_CLIENT_SECRET'], placeholder: 'SECRET' }),
  slackApiUrl: opt.string('Slack Web API base URL (default https://slack.com/api/).', { env: ['SLACK_API_URL'], placeholder: 'URL' }),
  channels: opt.list('The only channels the connector reads or posts in, by name (#general or general) or ID (C…). Default: every channel the token can see.', { placeholder: '#general,C0123' }),
  allowDms: opt.boolean('Let the connector read and write direct messages and group DMs (excluded otherwise).'),
  unfurlDomains: opt.list('Posts unfurl links only when every link in them is on one of these domains (default: no unfurling at all, links and media).', { placeholder: 'example.com' }),
};

export type SlackConfig = ConfigOf<typeof slackOptions> & CoreConfig;

export function validateSlack(config: SlackConfig): void {
  if (!config.botToken && !config.userToken && !config.refreshToken) throw new ConfigError('No Slack token. Set SLACK_BOT_TOKEN to a bot token (xoxb-…), or SLACK_USER_TOKEN to a user token (xoxp-…).');
  if (config.botToken && !/^(xoxb-|xoxe\.xoxb-)/.test(config.botToken)) throw new ConfigError('SLACK_BOT_TOKEN must be a bot token (starting with xoxb-).');
  if (config.userToken && !config.userToken.startsWith('xoxp-') && !config.userToken.startsWith('xoxe.xoxp-')) throw new ConfigError('SLACK_USER_TOKEN must be a user token (starting with xoxp-).');
  if (config.refreshToken && (!config.clientId || !config.clientSecret)) throw new ConfigError('Token rotation (SLACK_REFRESH_TOKEN) also needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.');
  if (config.slackApiUrl && !URL.canParse(config.slackApiUrl)) throw new ConfigError(`Invalid --slack-api-url: expected an absolute URL, got ${JSON.stringify(config.slackApiUrl)}.`);
}

export const slackSecrets = (c: SlackConfig): string[] => [c.botToken, c.userToken, c.refreshToken, c.clientSecret].filter((v): v is string => Boolean(v));
