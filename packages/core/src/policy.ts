import { z } from 'zod';
import type { CoreConfig } from './core-options.js';
import { CONFIRMATION_TOKEN, type ToolAnnotations, type ToolDefinition } from './define.js';
import { ConfigError } from './errors.js';

/**
 * A tool's MCP annotations, derived from its kind so they cannot drift from what the policy
 * does with it: only `read` tools are read-only (and run without --allow-write), only
 * `destructive` ones are destructive (and are confirmed). Idempotence defaults to the kind;
 * open world to the connector's.
 */
export function toolAnnotations(tool: ToolDefinition, connectorOpenWorld = false): ToolAnnotations {
  return {
    readOnlyHint: tool.kind === 'read',
    destructiveHint: tool.kind === 'destructive',
    idempotentHint: tool.idempotent ?? tool.kind === 'read',
    openWorldHint: tool.openWorld ?? connectorOpenWorld,
  };
}

/** The rate-limit class of a tool: reads, and everything that changes data. */
export const rateClass = (tool: ToolDefinition): 'read' | 'write' => (tool.kind === 'read' ? 'read' : 'write');

/**
 * Destructive tools, tools confirmed always (confirm) or per call (confirmIf), take a confirmation token when
 * --confirm is on; the core adds the argument.
 */
export function needsConfirmation(tool: ToolDefinition, config: Pick<CoreConfig, 'confirm'>): boolean {
  return (tool.kind === 'destructive' || tool.confirm === true || tool.confirmIf !== undefined) && config.confirm !== 'off';
}

const tokenArgument = z
  .string()
  .optional()
  .describe('Leave this out. When the call answers that it needs the user\'s confirmation, repeat it with the token it gave, once the user has agreed.');

export interface ToolPolicy {
  /** Tools a client sees and may call, in declaration order. */
  enabled: Map<string, ToolDefinition>;
  /** Tools that exist but are off, with the reason a caller is told. */
  disabled: Map<string, string>;
}

/**
 * Decides which tools are exposed. A tool whose kind is not `read` is hidden unless
 * --allow-write, whatever the lists say. Destructive tools get the confirmation_token argument
 * when --confirm is on. Unknown names in --tools / --exclude-tools stop the process at start.
 */
export function toolPolicy(tools: readonly ToolDefinition[], config: Pick<CoreConfig, 'allowWrite' | 'tools' | 'excludeTools' | 'confirm'> & { readOnly?: boolean }): ToolPolicy {
  const known = new Set(tools.map((t) => t.name));
  for (const [flag, names] of [['--tools', config.tools], ['--exclude-tools', config.excludeTools]] as const) {
    const unknown = (names ?? []).filter((n) => !known.has(n));
    if (unknown.length) throw new ConfigError(`Unknown tool "${unknown[0]}" in ${flag}. Known tools: ${[...known].join(', ')}.`);
  }
  const only = config.tools?.length ? new Set(config.tools) : undefined;
  // A connector that groups its tools declares a `toolsets` option; the connector checks the names.
  const toolsets = (config as { toolsets?: string[] }).toolsets;
  const sets = toolsets?.length ? new Set(toolsets) : undefined;
  const excluded = new Set(config.excludeTools ?? []);
  const enabled = new Map<string, ToolDefinition>();
  const disabled = new Map<string, string>();
  for (const tool of tools) {
    const missing = tool.unavailable?.(config);
    if (missing) {
      disabled.set(tool.name, `Tool ${tool.name} is not available on this server: ${missing}`);
    } else if (tool.kind !== 'read' && config.readOnly) {
      disabled.set(tool.name, `Tool ${tool.name} changes data and this server runs with --read-only, which wins over --allow-write.`);
    } else if (tool.kind !== 'read' && !config.allowWrite) {
      disabled.set(tool.name, `Tool ${tool.name} changes data and this server is read-only. The user can restart it with --allow-write (or MCP_ALLOW_WRITE=true) to enable it.`);
    } else if (sets && tool.toolset && !sets.has(tool.toolset)) {
      disabled.set(tool.name, `Tool ${tool.name} belongs to the ${tool.toolset} toolset, which is not enabled on this server (--toolsets ${[...sets].join(',')}).`);
    } else if (only && !only.has(tool.name)) {
      disabled.set(tool.name, `Tool ${tool.name} is not enabled on this server (it is not in --tools). Use one of: ${[...only].join(', ')}.`);
    } else if (excluded.has(tool.name)) {
      disabled.set(tool.name, `Tool ${tool.name} is disabled on this server (--exclude-tools).`);
    } else {
      enabled.set(tool.name, needsConfirmation(tool, config) ? { ...tool, input: tool.input.extend({ [CONFIRMATION_TOKEN]: tokenArgument }) } : tool);
    }
  }
  return { enabled, disabled };
}
