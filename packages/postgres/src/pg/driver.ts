// Everything that needs the pg driver, imported on first use (see PostgresDeps): loading pg costs
// a stdio session ~60 ms at start, before the client has asked for anything.
export { createPool } from './connection.js';
export { ConnectionLost, connectError, runReadOnly } from './execute.js';
