import { z } from 'zod';
import type { ToolContext } from '@org/mcp-core';
import type { GithubConfig } from '../config.js';
import type { GithubDeps, RepoRef } from '../deps.js';

type Ctx = ToolContext<GithubDeps, GithubConfig>;

export const repoInput = {
  owner: z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, 'a user or organization login').describe('Repository owner (user or organization login).'),
  repo: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'a repository name').describe('Repository name.'),
};

export const pageInput = {
  page: z.number().int().min(1).default(1).describe('Page number, from 1.'),
  per_page: z.number().int().min(1).max(100).default(30).describe('Items per page (at most 100).'),
};

/** `next_page` from a response's Link header, when there is a next page. */
export function nextPage(headers: { link?: string }, page: number): number | undefined {
  return /rel="next"/.test(headers.link ?? '') ? page + 1 : undefined;
}

/** After a read of a repository's content: the guard remembers a private one. */
export async function afterRead(ctx: Ctx, ref: RepoRef): Promise<void> {
  await ctx.deps.noteRead(ctx.principal, ref, ctx.signal);
}

/**
 * For write tools: each call is confirmed by the user, and the cross-visibility guard's reason,
 * when it has one, heads the preview. The pipeline runs confirmIf before every call (with
 * --confirm off too), so the allowlist and the guard need nothing in the handler; the allowlist
 * comes first, so a refused repository is never previewed.
 */
export function guardedWrite<In extends RepoRef>() {
  return {
    // Everything a GitHub write does is visible to others at once: the user confirms each one.
    confirm: true,
    confirmIf: async (input: In, ctx: Ctx) => {
      ctx.deps.check(input);
      return ctx.deps.crossVisibility(ctx.principal, input, ctx.signal);
    },
  };
}
