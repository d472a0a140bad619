import type { ConnectorDefinition, Disposable } from './define.js';
import { ConfigError } from './errors.js';
import { coreOptions } from './core-options.js';
import { CLIENTS, clientConfig, currentLaunch, type ClientKind } from './clients.js';
import { optionsHelp, parseOptions, type OptionSpecs } from './options.js';
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
    process.stdout.write(
      `${connector.title} MCP server ${connector.version}\n\nUsage: ${connector.name} [options]\n       ${connector.name} [options] --print-config ${CLIENTS.join('|')}   print the client config block for these options\n\nOptions:\n${optionsHelp({ ...connector.options, ...coreOptions })}\n`,
    );
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
  const print = argv.findIndex((a) => a === '--print-config' || a.startsWith('--print-config='));
  if (print >= 0) {
    try {
      process.stdout.write(`${printConfig(connector, argv, env, print)}\n`);
    } catch (err) {
      fail(err);
    }
    return;
  }
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

/**
 * --print-config CLIENT: the config block for that client that starts this server with the
 * other arguments and option variables given (secrets as placeholders). The arguments are
 * parsed, so a typo stops here too, but the connector's own checks (a token is set, a file
 * exists) are not run: the block may be printed before the secrets are at hand.
 */
export function printConfig(connector: ConnectorDefinition<any, any>, argv: readonly string[], env: Record<string, string | undefined>, at: number): string {
  const inline = argv[at]!.includes('=') ? argv[at]!.slice(argv[at]!.indexOf('=') + 1) : undefined;
  const client = (inline ?? argv[at + 1] ?? '').toLowerCase();
  if (!(CLIENTS as readonly string[]).includes(client)) throw new ConfigError(`Invalid --print-config ${JSON.stringify(client)}: expected one of ${CLIENTS.join(', ')}.`);
  const rest = argv.filter((_, i) => i !== at && (inline !== undefined || i !== at + 1));
  const specs = { ...coreOptions, ...connector.options };
  parseOptions(specs, rest, env);
  return clientConfig(client as ClientKind, currentLaunch(specs, rest, env, { packageName: connector.packageName ?? connector.name, key: serverKey(connector.name) }));
}

/** The server's key in a client config: `mcp-slack` → `slack`. */
export const serverKey = (name: string) => name.replace(/^mcp-/, '');
