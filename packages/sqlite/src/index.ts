export { connector, createServer, type SqliteServerConfig } from './server.js';
export { tools } from './tools/index.js';
export { sqliteOptions, demoDatabasePath } from './config.js';
export { classify, tokenize, SqlRejected, type Classification, type StatementKind } from './engine/guard.js';
