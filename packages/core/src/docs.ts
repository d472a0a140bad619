import { CLIENT_FILES, CLIENTS, clientConfig } from './clients.js';
import { coreOptions } from './core-options.js';
import type { ConnectorDefinition, ToolDefinition } from './define.js';
import { envName, flagName, formatDefault, parseOptions, type OptionSpecs } from './options.js';

/** The README tool table, generated from a connector's tool list (a test keeps them in sync). */
export function toolsMarkdown(tools: readonly ToolDefinition[]): string {
  const rows = tools.map((t) => {
    const kind = t.kind === 'destructive' ? 'destructive (confirmed)' : t.kind === 'write' && t.confirm ? 'write (confirmed)' : t.kind;
    const firstSentence = t.description.split(/(?<!\b(?:e\.g|i\.e|etc|vs)\.)(?<=\.)\s/)[0]!.replace(/\|/g, '\\|');
    const params = Object.keys(t.input.shape).map((k) => `\`${k}\``).join(', ') || '—';
    return `| \`${t.name}\` | ${kind} | ${params} | ${firstSentence} |`;
  });
  return ['| Tool | Kind | Arguments | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README options table, generated from option specs (flag, variable, default, meaning). */
export function optionsMarkdown(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([key, s]) => {
    const flag = `\`--${flagName(key)}${s.kind === 'boolean' ? '' : ` ${s.placeholder ?? 'VALUE'}`}\``;
    const vars = [envName(key), ...(s.env ?? [])].map((v) => `\`${v}\``).join(', ');
    const dflt = s.default === undefined || s.secret ? '—' : s.default === false ? 'off' : `\`${formatDefault(s)}\``;
    return `| ${flag.replace(/\|/g, '\\|')}${s.positional ? ' (or first argument)' : ''} | ${vars} | ${dflt} | ${s.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| Flag | Variable | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * The README's client configs: the block for Claude Desktop, Cursor and VS Code that starts the
 * connector with its `example` arguments and variables, through the same code as
 * --print-config. Throws when the example names a variable or flag the connector does not have.
 */
export function clientsMarkdown(connector: ConnectorDefinition<any, any>): string {
  const specs: OptionSpecs = { ...coreOptions, ...connector.options };
  const env = connector.example?.env ?? {};
  const args = connector.example?.args ?? [];
  const variables = new Map(Object.entries(specs).flatMap(([key, spec]) => [envName(key), ...(spec.env ?? [])].map((v) => [v, spec] as const)));
  const unknown = Object.keys(env).find((k) => !variables.has(k));
  if (unknown) throw new Error(`${connector.name}: example variable ${unknown} sets no option`);
  parseOptions(specs, args, {});
  const packageName = connector.packageName ?? connector.name;
  const launch = {
    packageName,
    key: connector.name.replace(/^mcp-/, ''),
    args,
    env,
    secretEnv: new Set(Object.keys(env).filter((k) => variables.get(k)?.secret)),
    placeholder: (k: string) => env[k]!,
  };
  const blocks = CLIENTS.map((c) => `${CLIENT_FILES[c]}:\n\n\`\`\`json\n${clientConfig(c, launch)}\n\`\`\``);
  return [...blocks, `To print the block for your own options: \`npx -y ${packageName} [options] --print-config claude\` (or \`cursor\`, \`vscode\`); secrets come out as placeholders.`].join('\n\n');
}
