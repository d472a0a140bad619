import { z } from 'zod';
import { defineSlackTool } from '../deps.js';

const userSchema = z.object({ id: z.string(), name: z.string(), real_name: z.string(), title: z.string(), tz: z.string(), is_bot: z.boolean() });
const line = (u: z.output<typeof userSchema>) => `@${u.name} (${u.id}) ${u.real_name}${u.title ? `, ${u.title}` : ''}${u.is_bot ? ' [bot]' : ''}`;

export const listUsers = defineSlackTool({
  name: 'list_users',
  title: 'List users',
  description: 'Lists the members of the workspace (deactivated ones left out): handle, ID, name, title, time zone. Paged by offset.',
  kind: 'read',
  openWorld: true,
  input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
  output: z.object({ total: z.number(), users: z.array(userSchema) }),
  async handler({ offset, limit }, { deps, signal }) {
    const all = (await deps.users(signal)).filter((u) => !u.deleted).map(({ deleted: _d, ...u }) => u);
    const users = all.slice(offset, offset + limit);
    return { text: users.map(line).join('\n'), note: `${users.length} of ${all.length} users${offset + limit < all.length ? `; more from offset ${offset + limit}` : ''}.`, structured: { total: all.length, users }, rows: users.length };
  },
});

export const searchUsers = defineSlackTool({
  name: 'search_users',
  title: 'Search users',
  description: 'Finds workspace members whose handle, name or title contains the text (any case). Use it to turn a person\'s name into the @handle or ID other tools take.',
  kind: 'read',
  openWorld: true,
  input: z.object({ query: z.string().min(1).max(100) }),
  output: z.object({ users: z.array(userSchema) }),
  async handler({ query }, { deps, signal }) {
    const q = query.replace(/^@/, '').toLowerCase();
    const users = (await deps.users(signal)).filter((u) => !u.deleted && `${u.name} ${u.real_name} ${u.title}`.toLowerCase().includes(q)).map(({ deleted: _d, ...u }) => u);
    return { text: users.map(line).join('\n'), note: `${users.length} users match "${query}".`, structured: { users }, rows: users.length };
  },
});

export const getUserProfile = defineSlackTool({
  name: 'get_user_profile',
  title: 'Get a user profile',
  description: 'Shows one member: handle, name, title, time zone, and whether it is a bot. Takes @handle, handle or ID.',
  kind: 'read',
  openWorld: true,
  input: z.object({ user: z.string().min(1).describe('@handle, handle, or ID (U…).') }),
  output: userSchema.extend({ display_name: z.string() }),
  async handler({ user }, { deps, signal }) {
    const u = await deps.user(user, signal);
    const r = await deps.call<{ user: { profile?: { display_name?: string; title?: string } } }>('users.info', { user: u.id }, signal, `reading @${u.name}`);
    const { deleted: _d, ...base } = u;
    const out = { ...base, title: r.user.profile?.title ?? u.title, display_name: r.user.profile?.display_name ?? u.name };
    return { text: line(out), structured: out };
  },
});
