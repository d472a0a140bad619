import { McpError, ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, definePrompt, defineTool, type ResourceTemplateDefinition } from './define.js';
import { ConnectorError } from './errors.js';
import { connectInProcess, dataOf, type TestSession } from './testing.js';

interface Deps {
  tables: string[];
  closed: number;
  close(): void;
}

const search = defineTool({
  name: 'search',
  title: 'Search',
  description: 'Searches things. Second sentence.',
  input: z.object({
    query: z.string().describe('What to look for'),
    limit: z.number().int().min(1).max(100).default(10),
    tags: z.array(z.string()).optional(),
  }),
  output: z.object({ hits: z.array(z.string()) }),
  kind: 'read', openWorld: true,
  handler: ({ query }) => ({ text: query, structured: { hits: [query] } }),
});

const plain = defineTool({
  name: 'plain',
  title: 'Plain',
  description: 'No output schema.',
  input: z.object({}),
  // A read-only tool cannot be destructive, whatever it says.
  kind: 'read',
  handler: () => ({ text: 'plain' }),
});

const createTable = defineTool<z.ZodObject<{ name: z.ZodString }>, never, Deps>({
  name: 'create_table',
  title: 'Create table',
  description: 'Creates a table.',
  input: z.object({ name: z.string() }),
  kind: 'write',
  handler: ({ name }, ctx) => {
    ctx.deps.tables.push(name);
    ctx.resourcesChanged();
    return { text: `created ${name}` };
  },
});

const dropTable = defineTool({
  name: 'drop_table',
  title: 'Drop table',
  description: 'Drops a table.',
  input: z.object({ name: z.string() }),
  kind: 'destructive', idempotent: true,
  handler: ({ name }) => ({ text: `dropped ${name}` }),
});

const tableTemplate: ResourceTemplateDefinition<Deps> = {
  uriTemplate: 'test://tables/{name}',
  name: 'table',
  title: 'A table',
  description: 'One table.',
  mimeType: 'application/json',
  list: async (deps) => deps.tables.map((t) => ({ uri: `test://tables/${t}`, name: t })),
  read: async (uri, deps) => {
    const m = /^test:\/\/tables\/(.+)$/.exec(uri);
    if (!m) return undefined;
    if (m[1] === 'locked') throw new ConnectorError('denied', 'Table locked is not readable.', 'Ask for another table.');
    if (m[1] === 'broken') throw new Error('disk I/O error at sector 7');
    if (m[1] === 'hidden') throw new ConnectorError('not_found', 'No table hidden is visible to this server.', 'Call list_tables.');
    return deps.tables.includes(m[1]!) ? JSON.stringify({ table: m[1] }) : undefined;
  },
};

const explore = definePrompt({
  name: 'explore',
  title: 'Explore',
  description: 'Explore a topic.',
  args: z.object({ topic: z.string().describe('The topic'), depth: z.string().optional() }),
  render: ({ topic, depth }) => [
    { role: 'user', text: `Explore ${topic}${depth ? ` to depth ${depth}` : ''}.` },
    { role: 'assistant', text: 'Sure.' },
  ],
});

const connector = defineConnector({
  name: 'mcp-full',
  title: 'Full',
  version: '2.0.0',
  instructions: 'Use search first.',
  options: {},
  createDeps: (): Deps => ({
    tables: ['users', 'orders'],
    closed: 0,
    close() {
      this.closed++;
    },
  }),
  tools: [search, plain, createTable, dropTable],
  resources: [{ uri: 'test://schema', name: 'schema', title: 'Schema', description: 'The schema.', mimeType: 'text/plain', read: () => 'CREATE TABLE users' }],
  resourceTemplates: [tableTemplate],
  prompts: [explore],
});

const bare = defineConnector({ name: 'mcp-bare', title: 'Bare', version: '0.0.1', options: {}, createDeps: () => ({}), tools: [plain] });

let session: TestSession<any> | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});
async function connect(argv: string[] = [], which: typeof connector | typeof bare = connector) {
  session = await connectInProcess(which, argv);
  return session;
}

async function mcpError(p: Promise<unknown>): Promise<McpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpError);
  return err as McpError;
}

describe('initialize', () => {
  it('sends server info, instructions and the capabilities the connector has', async () => {
    const s = await connect();
    expect(s.client.getServerVersion()).toMatchObject({ name: 'mcp-full', title: 'Full', version: '2.0.0' });
    expect(s.client.getInstructions()).toBe('Use search first.');
    expect(s.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: { listChanged: true }, prompts: {} });
  });

  it('leaves out resources and prompts when the connector has none', async () => {
    const s = await connect([], bare);
    const caps = s.client.getServerCapabilities()!;
    expect(caps.tools).toBeDefined();
    expect(caps.resources).toBeUndefined();
    expect(caps.prompts).toBeUndefined();
    expect(s.client.getInstructions()).toBeUndefined();
    const err = await mcpError(s.client.request({ method: 'resources/list', params: {} }, z.object({}).loose()));
    expect(err.code).toBe(-32601);
  });
});

describe('tools/list', () => {
  it('lists only enabled tools, in declaration order', async () => {
    const s = await connect();
    expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual(['search', 'plain']);
    await s.close();
    const w = await connect(['--allow-write', '--exclude-tools', 'plain']);
    expect((await w.client.listTools()).tools.map((t) => t.name)).toEqual(['search', 'create_table', 'drop_table']);
  });

  it('generates the input schema from zod', async () => {
    const s = await connect();
    const t = (await s.client.listTools()).tools.find((x) => x.name === 'search')!;
    expect(t).toMatchObject({ name: 'search', title: 'Search', description: 'Searches things. Second sentence.' });
    expect(t.inputSchema).not.toHaveProperty('$schema');
    expect(t.inputSchema).toMatchObject({
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for' },
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['query'],
    });
  });

  it('an empty input is still an object schema', async () => {
    const s = await connect();
    const t = (await s.client.listTools()).tools.find((x) => x.name === 'plain')!;
    expect(t.inputSchema.type).toBe('object');
    expect(t.inputSchema.properties ?? {}).toEqual({});
  });

  it('has an outputSchema only when the tool declares an output', async () => {
    const s = await connect();
    const { tools } = await s.client.listTools();
    const searchJson = tools.find((x) => x.name === 'search')!;
    expect(searchJson.outputSchema).toMatchObject({ type: 'object', properties: { hits: { type: 'array', items: { type: 'string' } } }, required: ['hits'] });
    expect(searchJson.outputSchema).not.toHaveProperty('$schema');
    expect(tools.find((x) => x.name === 'plain')).not.toHaveProperty('outputSchema');
  });

  it('derives the annotations from the tool kind and the declared hints', async () => {
    const s = await connect(['--allow-write']);
    const byName = Object.fromEntries((await s.client.listTools()).tools.map((t) => [t.name, t.annotations]));
    expect(byName).toEqual({
      search: { title: 'Search', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      plain: { title: 'Plain', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      create_table: { title: 'Create table', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      drop_table: { title: 'Drop table', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    });
  });

  it('the SDK client checks structuredContent against the listed outputSchema', async () => {
    const s = await connect();
    const r = await s.call('search', { query: 'q' });
    expect(r.structuredContent).toEqual({ hits: ['q'] });
    expect(dataOf(r)).toBe('q');
  });
});

describe('resources', () => {
  it('resources/list has the fixed resources and those each template lists', async () => {
    const s = await connect();
    const { resources } = await s.client.listResources();
    expect(resources).toEqual([
      { uri: 'test://schema', name: 'schema', title: 'Schema', description: 'The schema.', mimeType: 'text/plain' },
      { uri: 'test://tables/users', name: 'users', mimeType: 'application/json' },
      { uri: 'test://tables/orders', name: 'orders', mimeType: 'application/json' },
    ]);
  });

  it('resources/templates/list has the templates', async () => {
    const s = await connect();
    const { resourceTemplates } = await s.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([{ uriTemplate: 'test://tables/{name}', name: 'table', title: 'A table', description: 'One table.', mimeType: 'application/json' }]);
  });

  it('resources/read reads fixed and template resources', async () => {
    const s = await connect();
    expect((await s.client.readResource({ uri: 'test://schema' })).contents).toEqual([{ uri: 'test://schema', mimeType: 'text/plain', text: 'CREATE TABLE users' }]);
    expect((await s.client.readResource({ uri: 'test://tables/orders' })).contents).toEqual([
      { uri: 'test://tables/orders', mimeType: 'application/json', text: '{"table":"orders"}' },
    ]);
  });

  it('an unknown URI is error -32002 naming the URI', async () => {
    const s = await connect();
    for (const uri of ['test://nothing', 'test://tables/ghosts']) {
      const err = await mcpError(s.client.readResource({ uri }));
      expect(err.code).toBe(-32002);
      expect(err.message).toContain(uri);
      expect(err.message).toContain('resources/list');
      expect(err.message.match(/MCP error/g)).toHaveLength(1);
    }
  });

  it('a ConnectorError while reading is an internal error with its message; other errors are generic and logged', async () => {
    const s = await connect();
    const locked = await mcpError(s.client.readResource({ uri: 'test://tables/locked' }));
    expect(locked.code).toBe(-32603);
    // The text once, under one prefix (the client adds it; the server sends the bare message).
    expect(locked.message).toBe('MCP error -32603: Table locked is not readable. Ask for another table.');
    const hidden = await mcpError(s.client.readResource({ uri: 'test://tables/hidden' }));
    expect(hidden.code).toBe(-32002);
    expect(hidden.message).toBe('MCP error -32002: No table hidden is visible to this server. Call list_tables.');

    const broken = await mcpError(s.client.readResource({ uri: 'test://tables/broken' }));
    expect(broken.code).toBe(-32603);
    expect(broken.message).not.toContain('sector 7');
    expect(broken.message).toContain('server log');
    const record = s.logs().find((l) => l.msg === 'resource failed');
    expect((record?.error as { message: string }).message).toBe('disk I/O error at sector 7');
  });

  it('a tool calling resourcesChanged notifies the client, and the new resource is listed', async () => {
    const s = await connect(['--allow-write']);
    let changed = 0;
    s.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void changed++);
    await s.call('create_table', { name: 'items' });
    await expect.poll(() => changed, { timeout: 2000 }).toBe(1);
    expect((await s.client.listResources()).resources.map((r) => r.uri)).toContain('test://tables/items');
  });
});

describe('prompts', () => {
  it('prompts/list derives the arguments from the zod shape', async () => {
    const s = await connect();
    const { prompts } = await s.client.listPrompts();
    expect(prompts).toEqual([
      {
        name: 'explore',
        title: 'Explore',
        description: 'Explore a topic.',
        arguments: [
          { name: 'topic', description: 'The topic', required: true },
          { name: 'depth', required: false },
        ],
      },
    ]);
  });

  it('prompts/get renders the messages', async () => {
    const s = await connect();
    const r = await s.client.getPrompt({ name: 'explore', arguments: { topic: 'sales', depth: '2' } });
    expect(r).toEqual({
      description: 'Explore a topic.',
      messages: [
        { role: 'user', content: { type: 'text', text: 'Explore sales to depth 2.' } },
        { role: 'assistant', content: { type: 'text', text: 'Sure.' } },
      ],
    });
  });

  it('bad arguments and unknown prompts are InvalidParams errors', async () => {
    const s = await connect();
    const missing = await mcpError(s.client.getPrompt({ name: 'explore', arguments: {} }));
    expect(missing.code).toBe(-32602);
    expect(missing.message).toContain('Invalid arguments for prompt explore');
    expect(missing.message).toContain('topic');
    const unknown = await mcpError(s.client.getPrompt({ name: 'nope' }));
    expect(unknown.code).toBe(-32602);
    expect(unknown.message).toContain('Unknown prompt "nope"');
  });
});

describe('the runtime', () => {
  it('closes the deps once, however often it is closed', async () => {
    const s = await connect();
    const deps = s.runtime.deps as Deps;
    await Promise.all([s.runtime.close(), s.runtime.close()]);
    await s.close();
    session = undefined;
    expect(deps.closed).toBe(1);
  });
});
