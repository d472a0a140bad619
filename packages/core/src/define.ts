import type { z } from 'zod';
import type { Logger } from './log.js';
import type { ConfigOf, OptionSpecs } from './options.js';
import type { CoreConfig } from './core-options.js';

/**
 * What a tool does to its backend, declared once; everything else follows from it: the MCP
 * annotations, whether --allow-write is needed, which rate limit applies, and whether the user
 * confirms the call first.
 * - `read`: changes nothing (readOnlyHint).
 * - `write`: adds or changes data but destroys nothing (e.g. CREATE TABLE, posting a message);
 *   hidden unless --allow-write.
 * - `destructive`: may overwrite or delete data (UPDATE, DELETE, closing an issue); hidden unless
 *   --allow-write, and confirmed by the user before it runs (--confirm).
 */
export type ToolKind = 'read' | 'write' | 'destructive';

/** The MCP tool annotations, as the core derives them from a tool's kind (see toolAnnotations). */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
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

/** Renders the cleaned data as text (a method type, so a tool's renderer fits the generic pipeline). */
type RenderText<Out> = { render(structured: Out): string }['render'];

/**
 * A handler's answer. `text` and `structured` carry what the backend returned: the pipeline
 * cleans every string in them of invisible and bidirectional-control characters, masks personal
 * data and secrets (--pii-mode, --mask-columns …), and fences the text between per-call random
 * markers as data, not instructions. `note` is the connector's own words (row counts, what to do
 * next) and goes after the fence; never put backend strings into it.
 */
export interface ToolOutput<Out> {
  /**
   * Backend content for the model. A function is called with `structured` once it has been
   * cleaned and masked, so a text rendered from it (a table) shows the masked values and leaves
   * dropped columns out; prefer it whenever the text is a rendering of the data.
   */
  text?: string | RenderText<Out>;
  /** The connector's own words, shown after the fenced data. */
  note?: string;
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
  kind: ToolKind;
  /**
   * Why this tool cannot work with the given config (e.g. Slack search needs a user token), or
   * undefined when it can; an unavailable tool is hidden and its calls are refused with the reason.
   */
  unavailable?(config: Config): string | undefined;
  /**
   * Arguments the audit event records only by their length (e.g. the text of a Slack message):
   * content that must not reach a log.
   */
  privateArguments?: readonly string[];
  /** The group it belongs to, for connectors with a `toolsets` option (e.g. GitHub's repos, issues). */
  toolset?: string;
  /** Calling it twice with the same input has no further effect (default: true for reads, false otherwise). */
  idempotent?: boolean;
  /** Reaches beyond the connector's own backend (default: the connector's `openWorld`). */
  openWorld?: boolean;
  /**
   * For destructive tools: what the call would do, in a sentence or a short block the user reads
   * before agreeing (e.g. the statement and how many rows it would change). Default: the tool name
   * and its arguments.
   */
  preview?(input: z.output<In>, ctx: ToolContext<Deps, Config>): Promise<string> | string;
  /**
   * Confirm every call of this tool with the user, as for destructive ones, although it destroys
   * nothing (e.g. posting to GitHub or Slack: visible to others at once). Default: false.
   */
  confirm?: boolean;
  /**
   * For tools that are not destructive but whose call may still need the user's consent: the
   * reason to ask for this call (shown above the preview), or undefined to run it at once. E.g.
   * GitHub's guard: writing to a public repository after reading a private one. It runs before
   * the handler whatever --confirm says; with --confirm off a reason is not asked about, so a
   * call that must not run unconfirmed throws from here instead.
   */
  confirmIf?(input: z.output<In>, ctx: ToolContext<Deps, Config>): Promise<string | undefined> | string | undefined;
  handler(input: z.output<In>, ctx: ToolContext<Deps, Config>): Promise<ToolOutput<Out>> | ToolOutput<Out>;
}

/** The argument a destructive tool gets for the token path of --confirm. */
export const CONFIRMATION_TOKEN = 'confirmation_token';

/** Declares a tool; the identity function that gives the handler its types. */
export function defineTool<In extends z.ZodObject, Out = never, Deps = any, Config = any>(
  def: ToolDefinition<In, Out, Deps, Config>,
): ToolDefinition<In, Out, Deps, Config> {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) throw new Error(`Tool name "${def.name}" must be snake_case`);
  if (!['read', 'write', 'destructive'].includes(def.kind)) throw new Error(`Tool ${def.name}: kind must be read, write or destructive`);
  if ((def.kind === 'destructive' || def.confirm || def.confirmIf) && CONFIRMATION_TOKEN in def.input.shape) throw new Error(`Tool ${def.name}: the argument ${CONFIRMATION_TOKEN} is the core's`);
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
  /** The npm package (from package.json), which clients start with `npx -y`. Default: `name`. */
  packageName?: string;
  /**
   * How the README's client configs start it: example arguments and variables (placeholder
   * values such as `xoxb-…`; variables of secret options are shown as secrets).
   */
  example?: { args?: readonly string[]; env?: Readonly<Record<string, string>> };
  /** Its tools reach systems beyond one database (GitHub, Slack): the default openWorldHint. */
  openWorld?: boolean;
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
  /** For /readyz in http mode: resolves when the backend answers (e.g. SELECT 1), throws when it does not. Default: always ready. */
  ready?(deps: Deps, signal: AbortSignal): Promise<void>;
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
