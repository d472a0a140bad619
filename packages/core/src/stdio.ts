import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ConnectorDefinition, Disposable } from './define.js';
import { ConfigError } from './errors.js';
import { coreOptions } from './core-options.js';
import { optionsHelp, type OptionSpecs } from './options.js';
import { buildServer, createRuntime, loadConfig } from './server.js';

/**
 * The whole of a connector's bin: parse config (a bad setting exits 1 with one line), start
 * the stdio transport, and exit cleanly on SIGINT, SIGTERM or when stdin closes.
 */
export async function runStdio<S extends OptionSpecs, Deps extends Disposable>(
  connector: ConnectorDefinition<S, Deps>,
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${connector.title} MCP server ${connector.version}\n\nUsage: ${connector.name} [options]\n\nOptions:\n${optionsHelp({ ...connector.options, ...coreOptions })}\n`);
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${connector.version}\n`);
    return;
  }
  let runtime;
  try {
    runtime = createRuntime(connector, loadConfig(connector, argv, env));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${connector.name}: ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
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
  runtime.log.info('ready', { version: connector.version, transport: 'stdio', tools: [...runtime.pipeline.policy.enabled.keys()] });
}
