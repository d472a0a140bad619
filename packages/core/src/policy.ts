import type { CoreConfig } from './core-options.js';
import type { ToolDefinition } from './define.js';
import { ConfigError } from './errors.js';

export interface ToolPolicy {
  /** Tools a client sees and may call, in declaration order. */
  enabled: Map<string, ToolDefinition>;
  /** Tools that exist but are off, with the reason a caller is told. */
  disabled: Map<string, string>;
}

/**
 * Decides which tools are exposed. Write tools are derived from `readOnlyHint`, so a tool that
 * changes data is hidden unless --allow-write, whatever the lists say. Unknown names in
 * --tools / --exclude-tools stop the process at start.
 */
export function toolPolicy(tools: readonly ToolDefinition[], config: Pick<CoreConfig, 'allowWrite' | 'tools' | 'excludeTools'>): ToolPolicy {
  const known = new Set(tools.map((t) => t.name));
  for (const [flag, names] of [['--tools', config.tools], ['--exclude-tools', config.excludeTools]] as const) {
    const unknown = (names ?? []).filter((n) => !known.has(n));
    if (unknown.length) throw new ConfigError(`Unknown tool "${unknown[0]}" in ${flag}. Known tools: ${[...known].join(', ')}.`);
  }
  const only = config.tools?.length ? new Set(config.tools) : undefined;
  const excluded = new Set(config.excludeTools ?? []);
  const enabled = new Map<string, ToolDefinition>();
  const disabled = new Map<string, string>();
  for (const tool of tools) {
    if (!tool.annotations.readOnlyHint && !config.allowWrite) {
      disabled.set(tool.name, `Tool ${tool.name} changes data and this server is read-only. The user can restart it with --allow-write (or MCP_ALLOW_WRITE=true) to enable it.`);
    } else if (only && !only.has(tool.name)) {
      disabled.set(tool.name, `Tool ${tool.name} is not enabled on this server (it is not in --tools). Use one of: ${[...only].join(', ')}.`);
    } else if (excluded.has(tool.name)) {
      disabled.set(tool.name, `Tool ${tool.name} is disabled on this server (--exclude-tools).`);
    } else {
      enabled.set(tool.name, tool);
    }
  }
  return { enabled, disabled };
}
