// @org/mcp-postgres is being built (issue 3). Landed so far: layer 1 of the read-only defence.
export { classifySql, loadParser, type SqlVerdict } from './sql/guard.js';
