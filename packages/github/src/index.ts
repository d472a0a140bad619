export { connector, createServer, type GithubServerConfig } from './server.js';
export { tools } from './tools/index.js';
export { githubOptions } from './config.js';
export { TOOLSETS } from './toolsets.js';
