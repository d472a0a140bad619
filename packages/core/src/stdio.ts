import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { buildServer, type ConnectorRuntime } from './server.js';

/** Serves a runtime over stdio, and exits cleanly on SIGINT, SIGTERM or when stdin closes. */
export async function serveStdio(runtime: ConnectorRuntime): Promise<void> {
  const server = buildServer(runtime);
  const transport = new StdioServerTransport();
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    runtime.log.info('stopping', { why });
    try {
      await server.close();
      await runtime.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdin.once('end', () => void stop('stdin closed'));
  process.stdin.once('close', () => void stop('stdin closed'));
  // A client that went away (closed our stdout) is a reason to stop, not to crash with EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => void stop(err.code === 'EPIPE' ? 'stdout closed' : `stdout error: ${err.message}`));
  await server.connect(transport);
  runtime.log.info('ready', { version: runtime.connector.version, transport: 'stdio', tools: [...runtime.pipeline.policy.enabled.keys()] });
}
