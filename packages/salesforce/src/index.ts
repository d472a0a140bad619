export { connector, createServer, type SalesforceServerConfig } from './server.js';
export { tools } from './tools/index.js';
export { salesforceOptions } from './config.js';
