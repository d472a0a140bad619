import { isAbsolute, resolve } from 'node:path';
import { envName, flagName, type OptionSpecs } from './options.js';

/** The MCP clients whose config files we print: Claude Desktop, Cursor and VS Code. */
export const CLIENTS = ['claude', 'cursor', 'vscode'] as const;
export type ClientKind = (typeof CLIENTS)[number];

export const CLIENT_FILES: Record<ClientKind, string> = {
  claude: 'Claude Desktop (`claude_desktop_config.json`; Settings → Developer → Edit Config)',
  cursor: 'Cursor (`~/.cursor/mcp.json`, or `.cursor/mcp.json` in a project)',
  vscode: 'VS Code (`.vscode/mcp.json`; it asks for the secrets once and keeps them)',
};

export interface ServerLaunch {
  /** The npm package, run with `npx -y`. */
  packageName: string;
  /** The server's key in the client's config (e.g. `slack`). */
  key: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Variables in `env` that hold secrets: VS Code prompts for them, the others get a placeholder. */
  secretEnv?: ReadonlySet<string>;
  /** Shown for a secret instead of its value (default: `<NAME>`). */
  placeholder?(name: string): string;
}

/**
 * The config block that starts this server in one client, as JSON to paste. Claude Desktop and
 * Cursor take `mcpServers`; VS Code takes `servers` with `type: "stdio"` and gets secrets from
 * `inputs` it prompts for (stored by VS Code, not in the file).
 */
export function clientConfig(client: ClientKind, launch: ServerLaunch): string {
  const secret = launch.secretEnv ?? new Set<string>();
  const args = ['-y', launch.packageName, ...launch.args];
  // Input ids are unique across the servers of one file: SLACK_BOT_TOKEN → slack-bot-token, MCP_API_KEYS → acme-mcp-api-keys.
  const id = (name: string) => {
    const base = name.toLowerCase().replace(/_/g, '-');
    return base.startsWith(`${launch.key}-`) ? base : `${launch.key}-${base}`;
  };
  if (client === 'vscode') {
    const inputs = Object.keys(launch.env)
      .filter((k) => secret.has(k))
      .map((k) => ({ type: 'promptString', id: id(k), description: k, password: true }));
    const env = Object.fromEntries(Object.entries(launch.env).map(([k, v]) => [k, secret.has(k) ? `\${input:${id(k)}}` : v]));
    const server = { type: 'stdio', command: 'npx', args, ...(Object.keys(env).length ? { env } : {}) };
    return json({ ...(inputs.length ? { inputs } : {}), servers: { [launch.key]: server } });
  }
  const placeholder = launch.placeholder ?? ((k: string) => `<${k}>`);
  const env = Object.fromEntries(Object.entries(launch.env).map(([k, v]) => [k, secret.has(k) ? placeholder(k) : v]));
  return json({ mcpServers: { [launch.key]: { command: 'npx', args, ...(Object.keys(env).length ? { env } : {}) } } });
}

/** JSON as people write config files: indented, with a list of strings on one line. */
const json = (v: unknown) => JSON.stringify(v, null, 2).replace(/\[\n\s+("(?:[^"\\]|\\.)*"(?:,\n\s+"(?:[^"\\]|\\.)*")*)\n\s+\]/g, (_, items: string) => `[${items.replace(/,\n\s+/g, ', ')}]`);

/** Every variable that sets an option (MCP_<NAME> and its aliases), with whether it holds a secret. */
function optionVariables(specs: OptionSpecs): Map<string, { key: string; secret: boolean }> {
  const vars = new Map<string, { key: string; secret: boolean }>();
  for (const [key, spec] of Object.entries(specs)) for (const name of [envName(key), ...(spec.env ?? [])]) vars.set(name, { key, secret: Boolean(spec.secret) });
  return vars;
}

/**
 * The launch that reproduces the current run, for --print-config: the arguments without
 * --print-config, relative paths made absolute (a client starts the server in a folder of its
 * own), the option variables that are set, and secrets (from a flag or a variable) moved to
 * variables whose values are placeholders, never the secret itself.
 */
export function currentLaunch(specs: OptionSpecs, argv: readonly string[], env: Record<string, string | undefined>, base: { packageName: string; key: string }, cwd = process.cwd()): ServerLaunch {
  const byFlag = new Map(Object.entries(specs).map(([k, s]) => [`--${flagName(k)}`, { key: k, spec: s }]));
  const vars = optionVariables(specs);
  const args: string[] = [];
  const outEnv: Record<string, string> = {};
  const secretEnv = new Set<string>();
  const moveToEnv = (key: string) => {
    const name = specs[key]!.env?.[0] ?? envName(key);
    outEnv[name] = '';
    secretEnv.add(name);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const opt = byFlag.get(flag);
    if (flag === '--print-config') {
      if (inline === undefined) i++;
      continue;
    }
    if (opt?.spec.secret) {
      if (inline === undefined) i++;
      moveToEnv(opt.key);
      continue;
    }
    if (opt && opt.spec.kind !== 'boolean' && inline === undefined) {
      args.push(a, absolute(argv[++i] ?? '', cwd));
      continue;
    }
    args.push(inline === undefined ? absolute(a, cwd) : `${flag}=${absolute(inline, cwd)}`);
  }
  for (const [name, value] of Object.entries(env)) {
    const v = vars.get(name);
    if (!v || value === undefined) continue;
    if (v.secret) {
      outEnv[name] = '';
      secretEnv.add(name);
    } else outEnv[name] = absolute(value, cwd);
  }
  return { ...base, args, env: outEnv, secretEnv };
}

/** `./data.db` → `/home/me/data.db`; anything else as it is. */
const absolute = (v: string, cwd: string) => (/^\.\.?\//.test(v) && !isAbsolute(v) ? resolve(cwd, v) : v);
