export { connector, createServer, type SlackServerConfig } from './server.js';
export { tools } from './tools/index.js';
export { slackOptions } from './config.js';
