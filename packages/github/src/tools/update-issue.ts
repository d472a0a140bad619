import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';
import { guardedWrite, repoInput } from './common.js';
import { issueSummary, summarize } from './issues-shared.js';

const input = z.object({
  ...repoInput,
  issue_number: z.number().int().min(1),
  title: z.string().min(1).max(256).optional(),
  body: z.string().max(65_536).optional().describe('Replaces the whole body.'),
  state: z.enum(['open', 'closed']).optional(),
  state_reason: z.enum(['completed', 'not_planned', 'reopened']).optional(),
  labels: z.array(z.string()).optional().describe('Replaces all labels.'),
  assignees: z.array(z.string()).optional().describe('Replaces all assignees.'),
});

export const updateIssue = defineGithubTool({
  name: 'update_issue',
  title: 'Update an issue',
  description: 'Changes an issue: title, body, state (close or reopen), labels, assignees. Replaces what it is given, so the user confirms each call. Only with --allow-write.',
  toolset: 'issues',
  kind: 'destructive',
  openWorld: true,
  input,
  output: issueSummary,
  ...guardedWrite<z.output<typeof input>>(),
  async handler({ owner, repo, issue_number, ...changes }, ctx) {
    const gh = await ctx.deps.github();
    const fields = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const { data } = await gh.issues.update({ owner, repo, issue_number, ...fields, request: { signal: ctx.signal } }).catch((e: unknown) => githubError(e, `updating issue #${issue_number} of ${owner}/${repo}`));
    const s = summarize(data);
    return { note: `Updated issue #${s.number} (${s.state}): ${s.url}`, structured: s };
  },
});
