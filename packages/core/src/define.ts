import type { z } from 'zod';
import type { Logger } from './log.js';
import type { ConfigOf, OptionSpecs } from './options.js';
import type { CoreConfig } from './core-options.js';

/**
 * What a handler may declare about a tool. `readOnlyHint` is required: the policy hides
 * every tool that is not read-only unless writes are enabled, so a write tool cannot slip
 * into a read-only server by omission.
 */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** What a handler gets besides its validated input. */
export interface ToolContext<Deps, Config = unknown> {
  deps: Deps;
  config: Config;
  /** Fires on the per-call timeout and when the client cancels: end backend work then. */
  signal: AbortSignal;
  /** Row and byte caps the result must respect. */
  limits: { maxRows: number; maxBytes: number };
  principal: string;
  log: Logger;
  /** Tell the client that the resource list changed (e.g. after a table was created). */
  resourcesChanged(): void;
}

/** A handler's answer: text for the model, and data matching the tool's output schema. */
export interface ToolOutput<Out> {
  text: string;
  structured?: Out;
  /** Rows (or items) returned, for the audit event. */
  rows?: number;
  truncated?: boolean;
  /**
   * The size of `structured` as JSON, when the handler counted it while building it (as the SQL
   * connectors do row by row). The pipeline then trusts the count instead of serializing a large
   * result once more just to measure it; a handler that sets it promises plain JSON values (no
   * BigInt, no cycles).
   */
  structuredBytes?: number;
}

export interface ToolDefinition<In extends z.ZodObject = z.ZodObject, Out = unknown, Deps = any, Config = any> {
  name: string;
  title: string;
  /** Written for a model: what the tool does, when to use it, its limits. */
  description: string;
  input: In;
  output?: z.ZodType<Out>;
  annotations: ToolAnnotations;
  handler(input: z.output<In>, ctx: ToolContext<Deps, Config>): Promise<ToolOutput<Out>> | ToolOutput<Out>;
}

/** Declares a tool; the identity function that gives the handler its types. */
export function defineTool<In extends z.ZodObject, Out = never, Deps = any, Config = any>(
  def: ToolDefinition<In, Out, Deps, Config>,
): ToolDefinition<In, Out, Deps, Config> {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) throw new Error(`Tool name "${def.name}" must be snake_case`);
  return def;
}

/**
 * `defineTool` bound to one connector's dependencies and config, so handlers get a typed
 * context: `export const defineSqliteTool = toolsFor<SqliteDeps, SqliteConfig>();`
 */
export function toolsFor<Deps, Config = unknown>() {
  return <In extends z.ZodObject, Out = never>(def: ToolDefinition<In, Out, Deps, Config>) => defineTool(def);
}

/** A resource at a fixed URI. */
export interface ResourceDefinition<Deps = any> {
  uri: string;
  name: string;
  title?: string;
  description: string;
  mimeType: string;
  read(deps: Deps, signal: AbortSignal): Promise<string> | string;
}

/** A family of resources under one URI template (e.g. one per table). */
export interface ResourceTemplateDefinition<Deps = any> {
  uriTemplate: string;
  name: string;
  title?: string;
  description: string;
  mimeType: string;
  /** The concrete resources, for resources/list. */
  list(deps: Deps, signal: AbortSignal): Promise<Array<{ uri: string; name: string; description?: string }>>;
  /** Reads one URI; returns undefined when it does not belong to this template. */
  read(uri: string, deps: Deps, signal: AbortSignal): Promise<string | undefined>;
}

export interface PromptDefinition<Args extends z.ZodObject = z.ZodObject> {
  name: string;
  title?: string;
  description: string;
  /** Prompt arguments are strings in MCP: a zod object of (optional) strings. */
  args: Args;
  render(args: z.output<Args>): Array<{ role: 'user' | 'assistant'; text: string }>;
}

export function definePrompt<Args extends z.ZodObject>(def: PromptDefinition<Args>): PromptDefinition<Args> {
  return def;
}

export interface Disposable {
  close?(): Promise<void> | void;
}

/** What createDeps gets besides the config. */
export interface DepsContext {
  log: Logger;
}

/** Everything a connector is, as data. The core turns it into a server, a bin and tests. */
export interface ConnectorDefinition<S extends OptionSpecs = OptionSpecs, Deps extends Disposable = Disposable> {
  /** Package-like name, e.g. `mcp-sqlite`; used in logs, audit events and serverInfo. */
  name: string;
  title: string;
  /** From the package's package.json, never a literal. */
  version: string;
  /** Sent to the client at initialize: how the tools fit together. */
  instructions?: string;
  options: S;
  /** Checks across options (e.g. "a database path or --demo"); throw ConfigError. */
  validate?(config: ConfigOf<S> & CoreConfig): void;
  /** Cheap and lazy: connect to backends on first use, not here. */
  createDeps(config: ConfigOf<S> & CoreConfig, context: DepsContext): Deps;
  tools: readonly ToolDefinition<any, any, Deps, any>[];
  resources?: readonly ResourceDefinition<Deps>[];
  resourceTemplates?: readonly ResourceTemplateDefinition<Deps>[];
  prompts?: readonly PromptDefinition<any>[];
  /** Values that must never reach a log (passwords in URLs, tokens). */
  secrets?(config: ConfigOf<S> & CoreConfig): string[];
}

export type ConnectorConfig<C> = C extends ConnectorDefinition<infer S, any> ? ConfigOf<S> & CoreConfig : never;

export function defineConnector<S extends OptionSpecs, Deps extends Disposable>(def: ConnectorDefinition<S, Deps>): ConnectorDefinition<S, Deps> {
  const seen = new Set<string>();
  for (const t of def.tools) {
    if (seen.has(t.name)) throw new Error(`${def.name}: tool "${t.name}" is defined twice`);
    seen.add(t.name);
  }
  return def;
}
