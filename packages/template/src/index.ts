export { connector, createServer, type TemplateServerConfig } from './server.js';
export { tools } from './tools/index.js';
export { templateOptions } from './config.js';
