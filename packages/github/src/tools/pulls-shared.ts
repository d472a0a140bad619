import { z } from 'zod';
import { repoInput } from './common.js';

export const pullInput = { ...repoInput, pull_number: z.number().int().min(1) };

export const pullSummary = z.object({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  draft: z.boolean(),
  merged: z.boolean(),
  author: z.string(),
  head: z.string(),
  base: z.string(),
  url: z.string(),
  updated_at: z.string(),
});

interface RawPull {
  number: number;
  title: string;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at?: string | null;
  user?: { login?: string } | null;
  head: { ref: string };
  base: { ref: string };
  html_url: string;
  updated_at: string;
}

export function summarizePull(p: RawPull): z.output<typeof pullSummary> {
  return { number: p.number, title: p.title, state: p.state, draft: p.draft ?? false, merged: p.merged ?? Boolean(p.merged_at), author: p.user?.login ?? 'ghost', head: p.head.ref, base: p.base.ref, url: p.html_url, updated_at: p.updated_at };
}

export const pullLine = (p: z.output<typeof pullSummary>) => `#${p.number} [${p.merged ? 'merged' : p.state}${p.draft ? ', draft' : ''}] ${p.title} — ${p.author} (${p.head} → ${p.base})`;
