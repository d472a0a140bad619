import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { coreOptions, type CoreConfig } from './core-options.js';
import type { ConnectorDefinition, Disposable, PromptDefinition, ToolDefinition } from './define.js';
import { ConfigError, ConnectorError } from './errors.js';
import { createLogger, fileSink, stderrSink, type Logger, type Sink } from './log.js';
import { parseOptions, type ConfigOf, type OptionSpecs } from './options.js';
import { runToolCall, type ElicitAnswer, type PipelineDeps } from './pipeline.js';
import { toolAnnotations, toolPolicy } from './policy.js';
import { newStats, Protector } from './protect.js';
import { RateLimiter } from './rate-limit.js';
import { ConfirmationTokens } from './confirm.js';
import { flatSchemaValidator } from './validator.js';

export type FullConfig<S extends OptionSpecs> = ConfigOf<S> & CoreConfig;

/** Parses and validates a connector's whole config (core options + its own). Throws ConfigError. */
export function loadConfig<S extends OptionSpecs>(connector: ConnectorDefinition<S, any>, argv: readonly string[], env: Record<string, string | undefined>): FullConfig<S> {
  const config = parseOptions({ ...coreOptions, ...connector.options }, argv, env) as FullConfig<S>;
  checkPiiRegions(config);
  connector.validate?.(config);
  toolPolicy(connector.tools, config); // unknown tool names stop the start
  return config;
}

/**
 * Regions other than the default are checked against the phone metadata at start, so a typo
 * stops the process with the fix instead of failing every call. The check loads the library
 * (~60 ms), so only a non-default list pays for it.
 */
function checkPiiRegions(config: CoreConfig): void {
  const regions = config.piiRegions.map((r) => r.toUpperCase());
  if (regions.length === 1 && regions[0] === 'US') return;
  const { isSupportedCountry } = createRequire(import.meta.url)('libphonenumber-js/min') as { isSupportedCountry(code: string): boolean };
  const bad = regions.find((r) => !isSupportedCountry(r));
  if (bad) throw new ConfigError(`Invalid --pii-regions: "${bad}" is not a country with phone numbering plans. Use ISO codes such as US,GB,DE; fix --pii-regions or MCP_PII_REGIONS.`);
}

/** What one running connector shares across its sessions: config, logs, audit, backends. */
export interface ConnectorRuntime<Deps extends Disposable = Disposable> {
  connector: ConnectorDefinition<any, Deps>;
  config: CoreConfig & Record<string, unknown>;
  deps: Deps;
  log: Logger;
  pipeline: PipelineDeps;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  logSink?: Sink;
  auditSink?: Sink;
}

export function createRuntime<S extends OptionSpecs, Deps extends Disposable>(
  connector: ConnectorDefinition<S, Deps>,
  config: FullConfig<S>,
  overrides: RuntimeOverrides = {},
): ConnectorRuntime<Deps> {
  const log = createLogger({ connector: connector.name, level: config.logLevel, sink: overrides.logSink ?? stderrSink });
  const audit = overrides.auditSink ?? (config.auditLog ? openAuditLog(config.auditLog) : (overrides.logSink ?? stderrSink));
  const deps = connector.createDeps(config, { log });
  let protector: Promise<Protector> | undefined;
  const pipeline: PipelineDeps = {
    connector: connector.name,
    source: connector.title,
    config,
    deps,
    policy: toolPolicy(connector.tools, config),
    log,
    audit,
    secrets: [...(connector.secrets?.(config) ?? []), ...[config.maskSalt, config.confirmSecret].filter((v): v is string => Boolean(v))],
    defaultPrincipal: config.principal ?? localPrincipal(),
    protector: () =>
      (protector ??= createProtector(config).catch((err: unknown) => {
        protector = undefined; // tried again on the next call
        throw err;
      })),
    limiter: new RateLimiter({ read: config.rateLimitRead, write: config.rateLimitWrite }),
    tokens: new ConfirmationTokens(config.confirmSecret),
  };
  let closing: Promise<void> | undefined;
  return {
    connector,
    config,
    deps,
    log,
    pipeline,
    close: () =>
      (closing ??= (async () => {
        try {
          await deps.close?.();
        } finally {
          audit.close?.();
        }
      })()),
  };
}

/** The PII libraries (phone metadata among them) load on the first call, not at start, and not at all with --pii-mode off. */
async function createProtector(config: CoreConfig): Promise<Protector> {
  const scan = config.piiMode === 'off' ? (s: string) => s : (await import('./pii.js')).createPiiScanner({ mode: config.piiMode, regions: config.piiRegions.map((r) => r.toUpperCase()) });
  return new Protector(scan, { mask: config.maskColumns, hash: config.hashColumns, drop: config.dropColumns, salt: config.maskSalt ?? randomBytes(32).toString('hex') });
}

function openAuditLog(path: string): Sink {
  try {
    return fileSink(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`Invalid --audit-log: cannot open ${JSON.stringify(path)} for appending (${why}). Fix --audit-log or MCP_AUDIT_LOG.`);
  }
}

function localPrincipal(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local';
  }
}

function toolJson(tool: ToolDefinition, openWorld?: boolean): Tool {
  const json: Tool = {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.input) as Tool['inputSchema'],
    annotations: { title: tool.title, ...toolAnnotations(tool, openWorld) },
  };
  if (tool.output) json.outputSchema = jsonSchema(tool.output) as Tool['outputSchema'];
  return json;
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function promptArguments(prompt: PromptDefinition) {
  return Object.entries(prompt.args.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    return { name, description: s.description, required: !s.safeParse(undefined).success };
  });
}

/** One MCP server (one session) over a runtime. Cheap: the runtime holds everything costly. */
export function buildServer(runtime: ConnectorRuntime): Server {
  const { connector, pipeline } = runtime;
  const hasResources = Boolean(connector.resources?.length || connector.resourceTemplates?.length);
  const hasPrompts = Boolean(connector.prompts?.length);
  // The low-level Server (not McpServer): the pipeline owns listing, validation and results.
  const server = new Server(
    { name: connector.name, title: connector.title, version: connector.version },
    {
      capabilities: {
        tools: {},
        ...(hasResources ? { resources: { listChanged: true } } : {}),
        ...(hasPrompts ? { prompts: {} } : {}),
      },
      ...(connector.instructions ? { instructions: connector.instructions } : {}),
      jsonSchemaValidator: flatSchemaValidator,
    },
  );

  // The masking libraries load in the background once the client is set up, before its first
  // call in the usual case (a model takes a while to decide), not while it waits for initialize.
  server.oninitialized = () => {
    setTimeout(() => void pipeline.protector().catch(() => {}), PRELOAD_DELAY_MS).unref();
  };

  let tools: Tool[] | undefined;
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: (tools ??= [...pipeline.policy.enabled.values()].map((t) => toolJson(t, connector.openWorld))) }));
  const resourcesChanged = () => {
    if (hasResources) server.sendResourceListChanged().catch(() => {});
  };
  const elicit = async (message: string, signal: AbortSignal): Promise<ElicitAnswer> => {
    const answer = await server.elicitInput({ mode: 'form', message, requestedSchema: { type: 'object', properties: {} } }, { signal, timeout: CONFIRM_TIMEOUT_MS });
    return answer.action;
  };
  server.setRequestHandler(CallToolRequestSchema, (req, extra) =>
    runToolCall(pipeline, req.params.name, req.params.arguments, {
      signal: extra.signal,
      ...(extra.authInfo?.clientId ? { principal: extra.authInfo.clientId } : {}),
      resourcesChanged,
      ...(server.getClientCapabilities()?.elicitation?.form ? { elicit } : {}),
    }),
  );

  if (hasResources) {
    const deps = runtime.deps;
    server.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => {
      const fixed = (connector.resources ?? []).map(({ uri, name, title, description, mimeType }) => ({ uri, name, title, description, mimeType }));
      const listed = await Promise.all(
        (connector.resourceTemplates ?? []).map(async (t) => {
          // Names and descriptions come from the backend (table names, comments): cleaned and
          // masked like results. The URI stays as it is, so that it can be read back.
          const protector = await pipeline.protector();
          const safe = (text: string) => protector.text(text, newStats());
          return (await t.list(deps, extra.signal)).map((r) => ({ mimeType: t.mimeType, ...r, name: safe(r.name), ...(r.description === undefined ? {} : { description: safe(r.description) }) }));
        }),
      ).catch(resourceError);
      return { resources: [...fixed, ...listed.flat()] };
    });
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
      resourceTemplates: (connector.resourceTemplates ?? []).map(({ uriTemplate, name, title, description, mimeType }) => ({ uriTemplate, name, title, description, mimeType })),
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => {
      const { uri } = req.params;
      try {
        const fixed = connector.resources?.find((r) => r.uri === uri);
        // Backend content, cleaned and masked like tool results (resources are not fenced: a
        // client reads them as the declared mime type).
        const safe = async (text: string) => (await pipeline.protector()).text(text, newStats());
        if (fixed) return { contents: [{ uri, mimeType: fixed.mimeType, text: await safe(await fixed.read(deps, extra.signal)) }] };
        for (const t of connector.resourceTemplates ?? []) {
          const text = await t.read(uri, deps, extra.signal);
          if (text !== undefined) return { contents: [{ uri, mimeType: t.mimeType, text: await safe(text) }] };
        }
      } catch (err) {
        resourceError(err);
      }
      throw rpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}. Call resources/list for the available URIs.`);
    });
  }

  if (hasPrompts) {
    server.setRequestHandler(ListPromptsRequestSchema, () => ({
      prompts: (connector.prompts ?? []).map((p) => ({ name: p.name, title: p.title, description: p.description, arguments: promptArguments(p) })),
    }));
    server.setRequestHandler(GetPromptRequestSchema, (req) => {
      const prompt = connector.prompts?.find((p) => p.name === req.params.name);
      if (!prompt) throw rpcError(ErrorCode.InvalidParams, `Unknown prompt "${req.params.name}". Call prompts/list for the available prompts.`);
      const args = prompt.args.safeParse(req.params.arguments ?? {});
      if (!args.success) throw rpcError(ErrorCode.InvalidParams, `Invalid arguments for prompt ${prompt.name}: ${z.prettifyError(args.error)}`);
      return {
        description: prompt.description,
        messages: prompt.render(args.data).map((m) => ({ role: m.role, content: { type: 'text' as const, text: m.text } })),
      };
    });
  }
  return server;

  function resourceError(err: unknown): never {
    if (err instanceof McpError || isRpcError(err)) throw err;
    if (err instanceof ConnectorError) {
      const code = err.code === 'not_found' ? RESOURCE_NOT_FOUND : err.code === 'invalid_input' ? ErrorCode.InvalidParams : ErrorCode.InternalError;
      throw rpcError(code, err.userMessage);
    }
    runtime.log.error('resource failed', { error: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
    throw rpcError(ErrorCode.InternalError, 'Reading the resource failed; the details are in the server log.');
  }
}

export { ConfigError };

/** After initialize: long enough for the client's tools/list to be answered first. */
const PRELOAD_DELAY_MS = 200;

/** How long the user has to answer a confirmation the client shows. */
const CONFIRM_TIMEOUT_MS = 10 * 60_000;

/** MCP's code for an unknown resource URI. */
const RESOURCE_NOT_FOUND = -32002;

/**
 * A JSON-RPC error the SDK sends as {code, message}. Not an McpError: that one puts "MCP error
 * <code>:" into its own message, and the client adds the prefix again.
 */
function rpcError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code, rpc: true });
}

function isRpcError(err: unknown): boolean {
  return err instanceof Error && (err as { rpc?: boolean }).rpc === true;
}
