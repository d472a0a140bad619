import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditEvent } from './audit.js';
import type { ConnectorDefinition, Disposable } from './define.js';
import { memorySink } from './log.js';
import type { OptionSpecs } from './options.js';
import { buildServer, createRuntime, loadConfig, type ConnectorRuntime } from './server.js';

export interface TestSession<Deps extends Disposable> {
  client: Client;
  runtime: ConnectorRuntime<Deps>;
  /** Audit events written so far, parsed. */
  audit(): AuditEvent[];
  /** Log records written so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Calls a tool and returns the result (never throws for tool errors). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Connects the official SDK client to a connector in-process (in-memory transport), with the
 * config built from argv and env exactly as the bin builds it. Logs and audit go to memory.
 */
export async function connectInProcess<S extends OptionSpecs, Deps extends Disposable>(
  connector: ConnectorDefinition<S, Deps>,
  argv: readonly string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<TestSession<Deps>> {
  const logSink = memorySink();
  const auditSink = memorySink();
  const config = loadConfig(connector, argv, env);
  const runtime = createRuntime(connector, config, { logSink, auditSink: config.auditLog ? undefined : auditSink });
  const server = buildServer(runtime);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-client', version: '0.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  // The SDK client checks structuredContent against each tool's outputSchema once tools are listed.
  await client.listTools();
  return {
    client,
    runtime,
    audit: () => auditSink.records() as unknown as AuditEvent[],
    logs: () => logSink.records(),
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await runtime.close();
    },
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first && first.type === 'text' ? first.text : '';
}
