import { z } from 'zod';
import { githubError } from '../github/client.js';
import { defineGithubTool } from '../deps.js';

const input = z.object({
  name: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'a repository name'),
  org: z.string().regex(/^[A-Za-z0-9-]+$/).optional().describe('Organization to create it in (default: the authenticated user).'),
  description: z.string().max(350).optional(),
  private: z.boolean().default(true).describe('Private (the default) or public.'),
  auto_init: z.boolean().default(false).describe('Start with a README commit.'),
});

export const createRepository = defineGithubTool({
  name: 'create_repository',
  title: 'Create a repository',
  description: 'Creates a repository for the authenticated user or in an organization; private unless private is false. Only with --allow-write.',
  toolset: 'repos',
  kind: 'write',
  confirm: true,
  openWorld: true,
  input,
  output: z.object({ full_name: z.string(), private: z.boolean(), url: z.string() }),
  // The new repository's visibility is known from the input: a public one after a private read
  // goes through the cross-visibility guard like any public write.
  confirmIf: async (i, ctx) => {
    const owner = i.org ?? (await ctx.deps.login(ctx.signal));
    ctx.deps.check({ owner, repo: i.name });
    if (i.private) return undefined;
    ctx.deps.notePrivacy({ owner, repo: i.name }, false);
    return ctx.deps.crossVisibility(ctx.principal, { owner, repo: i.name }, ctx.signal);
  },
  async handler({ name, org, description, private: isPrivate, auto_init }, ctx) {
    // The allowlist and the guard ran in confirmIf, before this.
    const owner = org ?? (await ctx.deps.login(ctx.signal));
    const gh = await ctx.deps.github();
    const params = { name, private: isPrivate, auto_init, ...(description === undefined ? {} : { description }), request: { signal: ctx.signal } };
    const { data } = await (org ? gh.repos.createInOrg({ org, ...params }) : gh.repos.createForAuthenticatedUser(params)).catch((e: unknown) => githubError(e, `creating ${owner}/${name}`));
    ctx.deps.notePrivacy({ owner, repo: name }, data.private);
    return { note: `Created ${data.full_name} (${data.private ? 'private' : 'public'}): ${data.html_url}`, structured: { full_name: data.full_name, private: data.private, url: data.html_url } };
  },
});
