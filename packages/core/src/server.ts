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
import { runToolCall, type PipelineDeps } from './pipeline.js';
import { toolPolicy } from './policy.js';
import { flatSchemaValidator } from './validator.js';

export type FullConfig<S extends OptionSpecs> = ConfigOf<S> & CoreConfig;

/** Parses and validates a connector's whole config (core options + its own). Throws ConfigError. */
export function loadConfig<S extends OptionSpecs>(connector: ConnectorDefinition<S, any>, argv: readonly string[], env: Record<string, string | undefined>): FullConfig<S> {
  const config = parseOptions({ ...coreOptions, ...connector.options }, argv, env) as FullConfig<S>;
  connector.validate?.(config);
  toolPolicy(connector.tools, config); // unknown tool names stop the start
  return config;
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
  const pipeline: PipelineDeps = {
    connector: connector.name,
    config,
    deps,
    policy: toolPolicy(connector.tools, config),
    log,
    audit,
    secrets: connector.secrets?.(config) ?? [],
    defaultPrincipal: config.principal ?? localPrincipal(),
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

function toolJson(tool: ToolDefinition): Tool {
  const { readOnlyHint, destructiveHint = !readOnlyHint, idempotentHint = readOnlyHint, openWorldHint = false } = tool.annotations;
  const json: Tool = {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.input) as Tool['inputSchema'],
    annotations: { title: tool.title, readOnlyHint, destructiveHint: readOnlyHint ? false : destructiveHint, idempotentHint, openWorldHint },
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

  let tools: Tool[] | undefined;
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: (tools ??= [...pipeline.policy.enabled.values()].map(toolJson)) }));
  const resourcesChanged = () => {
    if (hasResources) server.sendResourceListChanged().catch(() => {});
  };
  server.setRequestHandler(CallToolRequestSchema, (req, extra) =>
    runToolCall(pipeline, req.params.name, req.params.arguments, {
      signal: extra.signal,
      ...(extra.authInfo?.clientId ? { principal: extra.authInfo.clientId } : {}),
      resourcesChanged,
    }),
  );

  if (hasResources) {
    const deps = runtime.deps;
    server.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => {
      const fixed = (connector.resources ?? []).map(({ uri, name, title, description, mimeType }) => ({ uri, name, title, description, mimeType }));
      const listed = await Promise.all(
        (connector.resourceTemplates ?? []).map(async (t) => (await t.list(deps, extra.signal)).map((r) => ({ mimeType: t.mimeType, ...r }))),
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
        if (fixed) return { contents: [{ uri, mimeType: fixed.mimeType, text: await fixed.read(deps, extra.signal) }] };
        for (const t of connector.resourceTemplates ?? []) {
          const text = await t.read(uri, deps, extra.signal);
          if (text !== undefined) return { contents: [{ uri, mimeType: t.mimeType, text }] };
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
