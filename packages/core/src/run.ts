import type { ConnectorDefinition, Disposable } from './define.js';
import { ConfigError } from './errors.js';
import { coreOptions } from './core-options.js';
import { optionsHelp, type OptionSpecs } from './options.js';
import { createRuntime, loadConfig } from './server.js';
import { serveStdio } from './stdio.js';

/**
 * The whole of a connector's bin: parse the config (a bad setting exits 1 with one line), then
 * serve stdio or, with --transport http, Streamable HTTP; exit cleanly on SIGINT and SIGTERM
 * (http mode drains the calls in flight first).
 */
export async function run<S extends OptionSpecs, Deps extends Disposable>(
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
  const fail = (err: unknown) => {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${connector.name}: ${err.message}\n`);
    process.exitCode = 1;
  };
  let runtime;
  try {
    runtime = createRuntime(connector, loadConfig(connector, argv, env));
  } catch (err) {
    return fail(err);
  }
  if (runtime.config.transport === 'stdio') return serveStdio(runtime);

  const { startHttp } = await import('./http/server.js');
  let handle;
  try {
    handle = await startHttp(runtime);
  } catch (err) {
    await runtime.close();
    return fail(err);
  }
  const stop = (why: string) => void handle.shutdown(why).finally(() => process.exit(0));
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  runtime.log.info('ready', {
    version: connector.version,
    transport: 'http',
    url: `${handle.url}/mcp`,
    mode: runtime.config.stateful ? 'stateful' : 'stateless',
    tools: [...runtime.pipeline.policy.enabled.keys()],
  });
}
