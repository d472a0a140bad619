import { z } from 'zod';

export const issueSummary = z.object({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  author: z.string(),
  labels: z.array(z.string()),
  comments: z.number(),
  is_pull_request: z.boolean(),
  url: z.string(),
  updated_at: z.string(),
});

interface RawIssue {
  number: number;
  title: string;
  state: string;
  user?: { login?: string } | null;
  labels?: Array<string | { name?: string }>;
  comments?: number;
  pull_request?: unknown;
  html_url: string;
  updated_at: string;
}

export function summarize(i: RawIssue): z.output<typeof issueSummary> {
  return {
    number: i.number,
    title: i.title,
    state: i.state,
    author: i.user?.login ?? 'ghost',
    labels: (i.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    comments: i.comments ?? 0,
    is_pull_request: Boolean(i.pull_request),
    url: i.html_url,
    updated_at: i.updated_at,
  };
}

export const issueLine = (i: z.output<typeof issueSummary>) =>
  `#${i.number} [${i.state}]${i.is_pull_request ? ' (PR)' : ''} ${i.title} — ${i.author}${i.labels.length ? ` {${i.labels.join(', ')}}` : ''}${i.comments ? `, ${i.comments} comments` : ''}`;
