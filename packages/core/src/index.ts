export { ConnectorError, ConfigError, type ErrorCode } from './errors.js';
export { opt, parseOptions, optionsHelp, flagName, envName, type OptionSpec, type OptionSpecs, type ConfigOf } from './options.js';
export { coreOptions, type CoreConfig } from './core-options.js';
export {
  defineTool,
  toolsFor,
  defineConnector,
  definePrompt,
  type ToolDefinition,
  type ToolAnnotations,
  type ToolKind,
  CONFIRMATION_TOKEN,
  type ToolContext,
  type ToolOutput,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type PromptDefinition,
  type ConnectorDefinition,
  type ConnectorConfig,
  type Disposable,
  type DepsContext,
} from './define.js';
export { createLogger, fileSink, memorySink, stderrSink, jsonSafe, type Logger, type LogLevel, type Sink } from './log.js';
export { redact, type AuditEvent } from './audit.js';
export { toolPolicy, toolAnnotations, type ToolPolicy } from './policy.js';
export { Protector, MASKED, type ProtectStats, type FieldRules } from './protect.js';
export { cleanText, fence, showHidden } from './untrusted.js';
export { RateLimiter, parseRate, type Rate } from './rate-limit.js';
export { ConfirmationTokens, TOKEN_TTL_MS } from './confirm.js';
export { runToolCall } from './pipeline.js';
export { loadConfig, createRuntime, buildServer, type ConnectorRuntime, type FullConfig } from './server.js';
export { run, printConfig, serverKey } from './run.js';
export { serveStdio } from './stdio.js';
export { renderTable, rowsText, rowsNote, estimateRowBytes, type RowsResult } from './render.js';
export { toolsMarkdown, optionsMarkdown, clientsMarkdown } from './docs.js';
export { clientConfig, currentLaunch, CLIENTS, CLIENT_FILES, type ClientKind, type ServerLaunch } from './clients.js';
