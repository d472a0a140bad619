export { connector, createServer, type PostgresServerConfig } from './server.js';
export { tools } from './tools/index.js';
export { postgresOptions } from './config.js';
export { classifySql, loadParser, type SqlVerdict } from './sql/guard.js';
