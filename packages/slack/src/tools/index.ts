import { getChannelHistory } from './get-channel-history.js';
import { getThreadReplies } from './get-thread-replies.js';
import { listChannels } from './list-channels.js';
import { searchMessages } from './search-messages.js';
import { getUserProfile, listUsers, searchUsers } from './users.js';
import { addReaction, postMessage, replyInThread } from './writes.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [listChannels, getChannelHistory, getThreadReplies, searchMessages, listUsers, searchUsers, getUserProfile, postMessage, replyInThread, addReaction] as const;
