import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditEvent } from './audit.js';
import { coreOptions } from './core-options.js';
import { clientsMarkdown, optionsMarkdown, toolsMarkdown } from './docs.js';
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

export interface TestClientOptions {
  /**
   * Makes the client declare elicitation and answer each request with this function, as a
   * client that shows the user a confirmation would.
   */
  elicit?(request: ElicitRequest['params']): ElicitResult | Promise<ElicitResult>;
}

/**
 * Connects the official SDK client to a connector in-process (in-memory transport), with the
 * config built from argv and env exactly as the bin builds it. Logs and audit go to memory.
 */
export async function connectInProcess<S extends OptionSpecs, Deps extends Disposable>(
  connector: ConnectorDefinition<S, Deps>,
  argv: readonly string[] = [],
  env: Record<string, string | undefined> = {},
  clientOptions: TestClientOptions = {},
): Promise<TestSession<Deps>> {
  const logSink = memorySink();
  const auditSink = memorySink();
  const config = loadConfig(connector, argv, env);
  const runtime = createRuntime(connector, config, { logSink, auditSink: config.auditLog ? undefined : auditSink });
  const server = buildServer(runtime);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-client', version: '0.0.0' }, clientOptions.elicit ? { capabilities: { elicitation: { form: {} } } } : {});
  const { elicit } = clientOptions;
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (req) => elicit(req.params));
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

/**
 * The backend content of a tool result: what the pipeline put between its fence lines (see
 * fence()), or the whole text when the result is not fenced (errors, notes only).
 */
export function dataOf(result: CallToolResult): string {
  const text = textOf(result);
  const m = /^The result from .* is between the <data-([0-9a-f]{12})> and <\/data-\1> lines\..*\n<data-\1>\n/.exec(text);
  if (!m) return text;
  const end = text.lastIndexOf(`\n</data-${m[1]}>`);
  return text.slice(m[0].length, end);
}

/** The connector's note after the fenced content ('' when there is none). */
export function noteOf(result: CallToolResult): string {
  const text = textOf(result);
  const m = /\n<\/data-[0-9a-f]{12}>(?:\n([\s\S]*))?$/.exec(text);
  return m ? (m[1] ?? '') : '';
}

/**
 * Tools are data: a connector's tool list drives its README tool and option tables and a
 * `tools/list` snapshot. This checks all three (a schema or description change shows as a
 * diff); with UPDATE_SNAPSHOTS=1 it rewrites them instead. Returns a list of problems.
 */
export async function checkGeneratedDocs<S extends OptionSpecs, Deps extends Disposable>(
  connector: ConnectorDefinition<S, Deps>,
  files: { readme: string; snapshot: string },
  session: TestSession<Deps>,
  update = process.env.UPDATE_SNAPSHOTS === '1',
): Promise<string[]> {
  const problems: string[] = [];
  let readme = readFileSync(files.readme, 'utf8');
  const sections: Array<[string, string]> = [
    ['tools', toolsMarkdown(connector.tools)],
    ['options', optionsMarkdown({ ...connector.options, ...coreOptions })],
    ['clients', clientsMarkdown(connector)],
  ];
  for (const [name, generated] of sections) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    if (from < 0 || to < from) {
      problems.push(`${files.readme} lacks the ${start} … ${end} markers`);
      continue;
    }
    if (readme.slice(from + start.length, to).trim() === generated) continue;
    if (update) readme = `${readme.slice(0, from + start.length)}\n${generated}\n${readme.slice(to)}`;
    else problems.push(`the README's ${name} section is out of date: run UPDATE_SNAPSHOTS=1 pnpm test`);
  }
  if (update) writeFileSync(files.readme, readme);

  const { tools } = await session.client.listTools();
  const actual = `${JSON.stringify(tools, null, 2)}\n`;
  const current = existsSync(files.snapshot) ? readFileSync(files.snapshot, 'utf8') : undefined;
  if (current !== actual) {
    if (update) {
      mkdirSync(dirname(files.snapshot), { recursive: true });
      writeFileSync(files.snapshot, actual);
    } else {
      problems.push(current === undefined ? `missing ${files.snapshot}: run UPDATE_SNAPSHOTS=1 pnpm test and commit it` : 'tools/list changed: review the diff, then run UPDATE_SNAPSHOTS=1 pnpm test');
    }
  }
  return problems;
}
