import type { ResourceDefinition } from '@org/mcp-core';
import type { SlackDeps } from './deps.js';

/** The channel and user directories, as JSON (the allowlisted channels only). */
export const directoryResources: ResourceDefinition<SlackDeps>[] = [
  {
    uri: 'slack://channels',
    name: 'channels',
    title: 'Channel directory',
    description: 'The channels this server may use: id, name, private, member.',
    mimeType: 'application/json',
    read: async (deps, signal) => JSON.stringify((await deps.channels(signal)).filter((c) => deps.allowed(c)).map(({ id, name, is_private, is_member }) => ({ id, name, is_private, is_member }))),
  },
  {
    uri: 'slack://users',
    name: 'users',
    title: 'User directory',
    description: 'The members of the workspace: id, handle, name, title.',
    mimeType: 'application/json',
    read: async (deps, signal) => JSON.stringify((await deps.users(signal)).filter((u) => !u.deleted).map(({ id, name, real_name, title }) => ({ id, name, real_name, title }))),
  },
];
