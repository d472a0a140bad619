// A local fake of the GitHub REST API over real HTTP. Every request is routed and validated
// against GitHub's own OpenAPI description (@octokit/openapi, api.github.com.json) by
// openapi-backend: an unknown path, a wrong method, a missing or mistyped parameter or body
// field is recorded as a violation and answered 404/422 the way GitHub would, so a test can
// assert that the connector made no request GitHub would refuse. Answers use GitHub's shapes:
// pagination Link headers, `{ message, documentation_url }` errors, 401 for bad credentials,
// 403 primary rate limits with x-ratelimit-* headers, and secondary rate limits with retry-after.
import { verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { OpenAPIBackend, type Context, type Request as ApiRequest } from 'openapi-backend';

const require = createRequire(import.meta.url);
let definition: unknown;

/** GitHub's description, parsed once per process, with `nullable` without `type` dropped (ajv refuses it). */
function githubDefinition(): unknown {
  if (definition) return definition;
  const d = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'));
  (function fix(x: unknown): void {
    if (Array.isArray(x)) x.forEach(fix);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.nullable === true && o.type === undefined) delete o.nullable;
      for (const v of Object.values(o)) fix(v);
    }
  })(d);
  return (definition = d);
}

export interface FakeRepo {
  owner: string;
  name: string;
  private: boolean;
  description?: string;
  default_branch?: string;
  branches?: Record<string, string>;
  /** path -> text content (files only, on the default branch) */
  files?: Record<string, string>;
  commits?: Array<{ sha: string; message: string; author: string; date: string }>;
  issues?: FakeIssue[];
  pulls?: FakePull[];
  /** ref (branch or sha) -> commit statuses and check runs */
  checks?: Record<string, { statuses: Array<{ context: string; state: string; description?: string }>; runs: Array<{ name: string; status: string; conclusion: string | null }> }>;
  runs?: FakeRun[];
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  state?: 'open' | 'closed';
  user?: string;
  head: string;
  base: string;
  merged?: boolean;
  draft?: boolean;
  files?: Array<{ filename: string; status: string; additions: number; deletions: number; patch?: string }>;
  reviews?: Array<{ id: number; user: string; state: string; body: string }>;
  review_comments?: Array<{ id: number; user: string; body: string; path: string; line: number }>;
  /** behind its base: update-branch has work to do */
  behind?: boolean;
}

export interface FakeRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  head_branch: string;
  event: string;
  jobs: Array<{ id: number; name: string; status: string; conclusion: string | null; steps: Array<{ number: number; name: string; conclusion: string | null }>; log: string }>;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state?: 'open' | 'closed';
  user?: string;
  labels?: string[];
  comments?: Array<{ id: number; body: string; user: string }>;
  pull_request?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  query: Record<string, string>;
  body?: unknown;
  authorization?: string;
}

export interface FakeGitHub {
  /** Base URL to give the connector (--github-api-url). */
  url: string;
  repos: Map<string, FakeRepo>;
  requests: RecordedRequest[];
  /** Requests GitHub's description does not allow (wrong path, method, parameter or body). */
  violations: Array<{ request: RecordedRequest; errors: unknown }>;
  /** Requests to operations the fake does not implement. */
  unimplemented: RecordedRequest[];
  /** Answers of the fake that do not match GitHub's response schema (a fault of the fake). */
  responseViolations: Array<{ operationId: string; status: number; errors: unknown }>;
  /** The next `n` requests get a primary rate-limit 403 (remaining 0, reset in `resetSeconds`). */
  rateLimitNext(n: number, resetSeconds?: number): void;
  /** The next `n` requests get a secondary rate-limit 403 with retry-after. */
  secondaryLimitNext(n: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/** A response that knows its operation: its body is completed from GitHub's example for it. */
type Shaped = ServerResponse & { shape?: (status: number, body: unknown) => unknown };

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const shaped = status < 300 ? ((res as Shaped).shape?.(status, body) ?? body) : body;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(shaped));
};

/** `ours` laid over GitHub's example: every field GitHub sends is there, ours win. Arrays of objects item by item. */
function overlay(example: unknown, ours: unknown): unknown {
  if (Array.isArray(ours)) {
    const item = Array.isArray(example) ? example[0] : undefined;
    return item && typeof item === 'object' ? ours.map((o) => overlay(item, o)) : ours;
  }
  if (ours && typeof ours === 'object' && example && typeof example === 'object' && !Array.isArray(example)) {
    const out: Record<string, unknown> = { ...(example as Record<string, unknown>) };
    for (const [k, v] of Object.entries(ours)) out[k] = v && typeof v === 'object' ? overlay((example as Record<string, unknown>)[k], v) : v;
    return out;
  }
  return ours;
}
const DOCS = 'https://docs.github.com/rest';

/** Starts the fake on a free port. `token` is the one credential it accepts. */
export async function startFakeGitHub(options: { token: string; repos?: FakeRepo[]; app?: { id: string; installationId: number; publicKey: KeyObject } }): Promise<FakeGitHub> {
  const repos = new Map<string, FakeRepo>((options.repos ?? []).map((r) => [`${r.owner}/${r.name}`.toLowerCase(), { default_branch: 'main', branches: { main: sha('main') }, files: {}, commits: [], issues: [], pulls: [], checks: {}, runs: [], ...r }]));
  /** Git objects made through the git data API: trees (with their files) and commits. */
  const trees = new Map<string, { base?: string; entries: Array<{ path: string; content?: string; sha?: string | null }> }>();
  const gitCommits = new Map<string, { tree: string; parents: string[]; message: string }>();
  const users = ['octocat', 'ada', 'grace', 'linus'];
  const requests: RecordedRequest[] = [];
  const violations: FakeGitHub['violations'] = [];
  const unimplemented: RecordedRequest[] = [];
  let primaryLimited = 0;
  let primaryReset = 60;
  let secondaryLimited = 0;
  let secondaryRetry = 1;
  let remaining = 5000;
  let nextId = 1000;
  let baseUrl = '';

  const responseViolations: FakeGitHub['responseViolations'] = [];
  const examples = new Map<string, unknown>();
  const exampleFor = (id: string, status: number) => {
    const key = `${id} ${status}`;
    if (!examples.has(key)) {
      let mock: unknown;
      try {
        mock = api.mockResponseForOperation(id, { code: status }).mock;
      } catch {
        mock = undefined;
      }
      examples.set(key, mock === undefined ? undefined : repairExample(id, status, mock));
    }
    return examples.get(key);
  };
  /**
   * GitHub's own examples lag its schemas here and there (a required field added later): fill
   * each missing required field with a value of its type, so the example is a valid answer.
   */
  const fillRequired = (id: string, status: number, body: unknown): unknown => repairExample(id, status, body, true);
  const repairExample = (id: string, status: number, example: unknown, requiredOnly = false): unknown => {
    const fixed = structuredClone(example);
    for (let round = 0; round < 50; round++) {
      const errors = (api.validateResponse(fixed, id, status).errors ?? []) as Array<{ instancePath: string; keyword: string; params: { missingProperty?: string; type?: string | string[] } }>;
      if (!errors.length) break;
      for (const e of errors) {
        const path = e.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
        const parent = path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], fixed) as Record<string, unknown> | undefined;
        if (e.keyword === 'required' && parent && e.params.missingProperty) parent[e.params.missingProperty] = null;
        else if (requiredOnly && !(e.keyword === 'type' && path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], fixed) === null)) continue;
        else if (e.keyword === 'enum' && path.length) {
          const holder = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], fixed) as Record<string, unknown>;
          holder[path.at(-1)!] = (e.params as { allowedValues?: unknown[] }).allowedValues?.[0] ?? null;
        } else if (e.keyword === 'type' && path.length) {
          const holder = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], fixed) as Record<string, unknown>;
          const t = Array.isArray(e.params.type) ? e.params.type[0] : e.params.type;
          holder[path.at(-1)!] = t === 'string' ? '' : t === 'integer' || t === 'number' ? 0 : t === 'boolean' ? false : t === 'array' ? [] : t === 'object' ? {} : null;
        }
      }
    }
    return fixed;
  };
  const api = new OpenAPIBackend({ definition: githubDefinition() as never, quick: true, validate: true, strict: false, ajvOpts: { strict: false, validateFormats: false } as never });

  const repoOf = (c: Context): FakeRepo | undefined => repos.get(`${c.request.params.owner}/${c.request.params.repo}`.toLowerCase());
  const notFound = (res: ServerResponse) => json(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

  type Handler = (c: Context, res: ServerResponse, r: RecordedRequest) => void;
  const handlers: Record<string, Handler> = {
    'repos/get': (c, res) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      json(res, 200, repoJson(r, baseUrl));
    },
    'search/repos': (c, res) => {
      const q = String(c.request.query.q ?? '').toLowerCase();
      const words = q.split(/\s+/).filter((w) => w && !w.includes(':'));
      const hits = [...repos.values()].filter((r) => words.every((w) => `${r.owner}/${r.name} ${r.description ?? ''}`.toLowerCase().includes(w)));
      paginate(c, res, hits.map((r) => repoJson(r, baseUrl)), (items, total) => ({ total_count: total, incomplete_results: false, items }));
    },
    'repos/list-branches': (c, res) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      paginate(c, res, Object.entries(r.branches!).map(([name, s]) => ({ name, commit: { sha: s, url: `${baseUrl}/repos/${r.owner}/${r.name}/commits/${s}` }, protected: name === r.default_branch })));
    },
    'repos/list-commits': (c, res) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      paginate(c, res, r.commits!.map((k) => ({ sha: k.sha, html_url: `https://github.com/${r.owner}/${r.name}/commit/${k.sha}`, commit: { message: k.message, author: { name: k.author, email: `${k.author}@users.noreply.github.com`, date: k.date } }, author: { login: k.author } })));
    },
    'git/get-ref': (c, res) => {
      const r = repoOf(c);
      const branch = String(c.request.params.ref).replace(/^heads\//, '');
      const s = r?.branches?.[branch];
      if (!r || !s) return notFound(res);
      json(res, 200, { ref: `refs/heads/${branch}`, object: { sha: s, type: 'commit' } });
    },
    'git/create-ref': (c, res) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const { ref, sha: s } = c.request.requestBody as { ref: string; sha: string };
      const name = ref.replace(/^refs\/heads\//, '');
      if (r.branches![name]) return json(res, 422, { message: 'Reference already exists', documentation_url: DOCS, status: '422' });
      r.branches![name] = s;
      json(res, 201, { ref, object: { sha: s, type: 'commit' } });
    },
    'repos/get-content': (c, res) => {
      const r = repoOf(c);
      const path = decodeURIComponent(String(c.request.params.path));
      if (!r) return notFound(res);
      const text = r.files![path];
      if (text !== undefined) {
        // Over 1 MB GitHub sends the metadata with no content (encoding "none").
        const big = Buffer.byteLength(text) > 1024 * 1024;
        return json(res, 200, { type: 'file', name: path.split('/').at(-1), path, size: Buffer.byteLength(text), sha: sha(text), encoding: big ? 'none' : 'base64', content: big ? '' : Buffer.from(text).toString('base64').replace(/(.{60})/g, '$1\n'), html_url: `https://github.com/${r.owner}/${r.name}/blob/main/${path}` });
      }
      const prefix = path ? `${path}/` : '';
      const entries = new Map<string, 'file' | 'dir'>();
      for (const p of Object.keys(r.files!)) if (p.startsWith(prefix)) {
        const rest = p.slice(prefix.length);
        entries.set(rest.split('/')[0]!, rest.includes('/') ? 'dir' : 'file');
      }
      if (!entries.size) return notFound(res);
      json(res, 200, [...entries].map(([name, type]) => ({ type, name, path: `${prefix}${name}`, size: type === 'file' ? Buffer.byteLength(r.files![`${prefix}${name}`]!) : 0, sha: sha(name) })));
    },
    'issues/list-for-repo': (c, res) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const state = String(c.request.query.state ?? 'open');
      const list = r.issues!.filter((i) => state === 'all' || (i.state ?? 'open') === state);
      paginate(c, res, list.map((i) => issueJson(r, i)));
    },
    'issues/get': (c, res) => {
      const r = repoOf(c);
      const i = r?.issues!.find((x) => x.number === Number(c.request.params.issue_number));
      if (!r || !i) return notFound(res);
      json(res, 200, issueJson(r, i));
    },
    'issues/list-comments': (c, res) => {
      const r = repoOf(c);
      const i = r?.issues!.find((x) => x.number === Number(c.request.params.issue_number));
      if (!r || !i) return notFound(res);
      paginate(c, res, (i.comments ?? []).map((k) => ({ id: k.id, body: k.body, user: { login: k.user }, created_at: '2026-01-02T03:04:05Z', html_url: `https://github.com/${r.owner}/${r.name}/issues/${i.number}#issuecomment-${k.id}` })));
    },
    'issues/create': (c, res) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const b = c.request.requestBody as { title: string; body?: string; labels?: string[] };
      const issue: FakeIssue = { number: 1 + Math.max(0, ...r.issues!.map((i) => i.number)), title: b.title, body: b.body ?? '', labels: b.labels ?? [], user: 'connector-bot' };
      r.issues!.push(issue);
      json(res, 201, issueJson(r, issue));
    },
    'issues/update': (c, res) => {
      const r = repoOf(c);
      const i = r?.issues!.find((x) => x.number === Number(c.request.params.issue_number));
      if (!r || !i) return notFound(res);
      Object.assign(i, c.request.requestBody as object);
      json(res, 200, issueJson(r, i));
    },
    'issues/create-comment': (c, res) => {
      const r = repoOf(c);
      const i = r?.issues!.find((x) => x.number === Number(c.request.params.issue_number));
      if (!r || !i) return notFound(res);
      const comment = { id: nextId++, body: (c.request.requestBody as { body: string }).body, user: 'connector-bot' };
      (i.comments ??= []).push(comment);
      json(res, 201, { ...comment, user: { login: comment.user }, html_url: `https://github.com/${r.owner}/${r.name}/issues/${i.number}#issuecomment-${comment.id}` });
    },
  };

  const pullOf = (c: Context) => repoOf(c)?.pulls!.find((x) => x.number === Number(c.request.params.pull_number));
  const pullJson = (r: FakeRepo, p: FakePull) => ({
    id: 20_000 + p.number,
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state ?? 'open',
    draft: p.draft ?? false,
    merged: p.merged ?? false,
    mergeable: !(p.merged ?? false),
    user: { login: p.user ?? 'octocat' },
    head: { ref: p.head, sha: r.branches![p.head] ?? sha(p.head), label: `${r.owner}:${p.head}` },
    base: { ref: p.base, sha: r.branches![p.base] ?? sha(p.base), label: `${r.owner}:${p.base}` },
    html_url: `https://github.com/${r.owner}/${r.name}/pull/${p.number}`,
    additions: (p.files ?? []).reduce((a, f) => a + f.additions, 0),
    deletions: (p.files ?? []).reduce((a, f) => a + f.deletions, 0),
    changed_files: (p.files ?? []).length,
    comments: 0,
    review_comments: (p.review_comments ?? []).length,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-02T00:00:00Z',
  });
  const diffOf = (p: FakePull) => (p.files ?? []).map((f) => `diff --git a/${f.filename} b/${f.filename}\n--- a/${f.filename}\n+++ b/${f.filename}\n${f.patch ?? ''}`).join('\n');
  Object.assign(handlers, {
    'repos/create-or-update-file-contents': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const path = decodeURIComponent(String(c.request.params.path));
      const b = c.request.requestBody as { message: string; content: string; sha?: string; branch?: string };
      const existing = r.files![path];
      if (existing !== undefined && b.sha !== sha(existing)) return json(res, existing !== undefined && !b.sha ? 422 : 409, { message: b.sha ? `${path} does not match ${b.sha}` : 'Invalid request.\n\n"sha" wasn\'t supplied.', documentation_url: DOCS, status: b.sha ? '409' : '422' });
      const text = Buffer.from(b.content, 'base64').toString('utf8');
      r.files![path] = text;
      const commit = sha(`${path}:${text}:${b.message}`);
      r.commits!.unshift({ sha: commit, message: b.message, author: 'connector-bot', date: '2026-12-01T00:00:00Z' });
      json(res, existing === undefined ? 201 : 200, { content: { name: path.split('/').at(-1), path, sha: sha(text) }, commit: { sha: commit, message: b.message, html_url: `https://github.com/${r.owner}/${r.name}/commit/${commit}` } });
    },
    'git/get-commit': (c: Context, res: ServerResponse) => {
      const s2 = String(c.request.params.commit_sha);
      const known = gitCommits.get(s2);
      json(res, 200, { sha: s2, tree: { sha: known?.tree ?? `tree-${s2}` }, parents: (known?.parents ?? []).map((p) => ({ sha: p })), message: known?.message ?? 'commit' });
    },
    'git/create-tree': (c: Context, res: ServerResponse) => {
      const b = c.request.requestBody as { base_tree?: string; tree: Array<{ path: string; content?: string; sha?: string | null }> };
      const t = sha(JSON.stringify(b));
      trees.set(t, { ...(b.base_tree ? { base: b.base_tree } : {}), entries: b.tree });
      json(res, 201, { sha: t, tree: b.tree.map((e) => ({ path: e.path, mode: '100644', type: 'blob', sha: sha(e.content ?? '') })), truncated: false });
    },
    'git/create-commit': (c: Context, res: ServerResponse) => {
      const b = c.request.requestBody as { message: string; tree: string; parents: string[] };
      const s2 = sha(`${b.tree}:${b.message}:${b.parents.join()}`);
      gitCommits.set(s2, { tree: b.tree, parents: b.parents, message: b.message });
      json(res, 201, { sha: s2, tree: { sha: b.tree }, message: b.message, parents: b.parents.map((p) => ({ sha: p })), html_url: `https://github.com/commit/${s2}` });
    },
    'git/update-ref': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      const branch = String(c.request.params.ref).replace(/^heads\//, '');
      if (!r || !r.branches![branch]) return notFound(res);
      const b = c.request.requestBody as { sha: string; force?: boolean };
      const commit = gitCommits.get(b.sha);
      if (!commit || !commit.parents.includes(r.branches![branch]!)) return json(res, 422, { message: 'Update is not a fast forward', documentation_url: DOCS, status: '422' });
      r.branches![branch] = b.sha;
      if (branch === r.default_branch) for (const e of trees.get(commit.tree)?.entries ?? []) if (e.content !== undefined) r.files![e.path] = e.content;
      r.commits!.unshift({ sha: b.sha, message: commit.message, author: 'connector-bot', date: '2026-12-01T00:00:00Z' });
      json(res, 200, { ref: `refs/heads/${branch}`, object: { sha: b.sha, type: 'commit' } });
    },
    'pulls/list': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const state = String(c.request.query.state ?? 'open');
      paginate(c, res, r.pulls!.filter((p) => state === 'all' || (p.state ?? 'open') === state).map((p) => pullJson(r, p)));
    },
    'pulls/get': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      const p = pullOf(c);
      if (!r || !p) return notFound(res);
      if (String(c.request.headers.accept ?? '').includes('diff')) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(diffOf(p));
        return;
      }
      json(res, 200, pullJson(r, p));
    },
    'pulls/list-files': (c: Context, res: ServerResponse) => {
      const p = pullOf(c);
      if (!p) return notFound(res);
      paginate(c, res, (p.files ?? []).map((f) => ({ sha: sha(f.filename), ...f, changes: f.additions + f.deletions })));
    },
    'pulls/list-reviews': (c: Context, res: ServerResponse) => {
      const p = pullOf(c);
      if (!p) return notFound(res);
      paginate(c, res, (p.reviews ?? []).map((v) => ({ id: v.id, user: { login: v.user }, state: v.state, body: v.body, submitted_at: '2026-11-03T00:00:00Z' })));
    },
    'pulls/list-review-comments': (c: Context, res: ServerResponse) => {
      const p = pullOf(c);
      if (!p) return notFound(res);
      paginate(c, res, (p.review_comments ?? []).map((k) => ({ id: k.id, user: { login: k.user }, body: k.body, path: k.path, line: k.line, created_at: '2026-11-03T00:00:00Z' })));
    },
    'pulls/create': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const b = c.request.requestBody as { title: string; head: string; base: string; body?: string; draft?: boolean };
      if (!r.branches![b.head] || !r.branches![b.base]) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }], documentation_url: DOCS, status: '422' });
      const p: FakePull = { number: 1 + Math.max(0, ...r.pulls!.map((x) => x.number), ...r.issues!.map((x) => x.number)), title: b.title, body: b.body ?? '', head: b.head, base: b.base, user: 'connector-bot', draft: b.draft ?? false };
      r.pulls!.push(p);
      json(res, 201, pullJson(r, p));
    },
    'pulls/create-review': (c: Context, res: ServerResponse) => {
      const p = pullOf(c);
      if (!p) return notFound(res);
      const b = c.request.requestBody as { body?: string; event?: string };
      const review = { id: nextId++, user: 'connector-bot', state: b.event === 'APPROVE' ? 'APPROVED' : b.event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED', body: b.body ?? '' };
      (p.reviews ??= []).push(review);
      json(res, 200, { ...review, user: { login: review.user }, html_url: 'https://github.com/review' });
    },
    'pulls/merge': (c: Context, res: ServerResponse) => {
      const p = pullOf(c);
      if (!p) return notFound(res);
      if (p.merged || p.state === 'closed') return json(res, 405, { message: 'Pull Request is not mergeable', documentation_url: DOCS, status: '405' });
      p.merged = true;
      p.state = 'closed';
      json(res, 200, { sha: sha(`merge-${p.number}`), merged: true, message: 'Pull Request successfully merged' });
    },
    'pulls/update-branch': (c: Context, res: ServerResponse) => {
      const p = pullOf(c);
      if (!p) return notFound(res);
      if (!p.behind) return json(res, 422, { message: 'There are no new commits on the base branch.', documentation_url: DOCS, status: '422' });
      p.behind = false;
      json(res, 202, { message: 'Updating pull request branch.', url: 'https://github.com' });
    },
    'repos/get-combined-status-for-ref': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const statuses = r.checks![String(c.request.params.ref)]?.statuses ?? [];
      const state = statuses.some((x) => x.state === 'failure' || x.state === 'error') ? 'failure' : statuses.some((x) => x.state === 'pending') ? 'pending' : 'success';
      json(res, 200, { state, total_count: statuses.length, statuses, sha: String(c.request.params.ref) });
    },
    'checks/list-for-ref': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const runs = r.checks![String(c.request.params.ref)]?.runs ?? [];
      json(res, 200, { total_count: runs.length, check_runs: runs.map((x, i) => ({ id: i + 1, ...x, html_url: `https://github.com/checks/${i + 1}` })) });
    },
    'actions/list-workflow-runs-for-repo': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const list = r.runs!.filter((x) => !c.request.query.branch || x.head_branch === c.request.query.branch).map((x) => ({ id: x.id, name: x.name, status: x.status, conclusion: x.conclusion, head_branch: x.head_branch, event: x.event, run_number: x.id % 1000, html_url: `https://github.com/${r.owner}/${r.name}/actions/runs/${x.id}`, created_at: '2026-11-04T00:00:00Z' }));
      paginate(c, res, list, (items, total) => ({ total_count: total, workflow_runs: items }));
    },
    'actions/list-jobs-for-workflow-run': (c: Context, res: ServerResponse) => {
      const run = repoOf(c)?.runs!.find((x) => x.id === Number(c.request.params.run_id));
      if (!run) return notFound(res);
      paginate(c, res, run.jobs.map(({ log: _l, ...j }) => ({ ...j, run_id: run.id, html_url: `https://github.com/job/${j.id}` })), (items, total) => ({ total_count: total, jobs: items }));
    },
    'actions/download-job-logs-for-workflow-run': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      const job = r?.runs!.flatMap((x) => x.jobs).find((j) => j.id === Number(c.request.params.job_id));
      if (!r || !job) return notFound(res);
      // GitHub answers with a redirect to a short-lived URL that serves the plain-text log.
      res.writeHead(302, { location: `${baseUrl}/_logs/${r.owner}/${r.name}/${job.id}` }).end();
    },
    'search/code': (c: Context, res: ServerResponse) => {
      const { terms, scope } = parseQuery(String(c.request.query.q ?? ''));
      const hits = [...repos.values()].filter((r) => inScope(r, scope)).flatMap((r) => Object.entries(r.files!).filter(([, text]) => terms.every((t) => text.toLowerCase().includes(t))).map(([path]) => ({ name: path.split('/').at(-1), path, sha: sha(path), html_url: `https://github.com/${r.owner}/${r.name}/blob/main/${path}`, repository: { name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private, owner: { login: r.owner } }, score: 1 })));
      paginate(c, res, hits, (items, total) => ({ total_count: total, incomplete_results: false, items }));
    },
    'search/issues-and-pull-requests': (c: Context, res: ServerResponse) => {
      const { terms, scope, is } = parseQuery(String(c.request.query.q ?? ''));
      const hits = [...repos.values()].filter((r) => inScope(r, scope)).flatMap((r) => [...r.issues!.map((i) => ({ r, i, pr: Boolean(i.pull_request) })), ...r.pulls!.map((p) => ({ r, i: { number: p.number, title: p.title, body: p.body, state: p.state, user: p.user, pull_request: true } as FakeIssue, pr: true }))]).filter(({ i, pr }) => (!is.has('pr') || pr) && (!is.has('issue') || !pr) && terms.every((t) => `${i.title} ${i.body}`.toLowerCase().includes(t)));
      paginate(c, res, hits.map(({ r, i }) => ({ ...issueJson(r, i), repository_url: `${baseUrl}/repos/${r.owner}/${r.name}` })), (items, total) => ({ total_count: total, incomplete_results: false, items }));
    },
    'rate-limit/get': (_c: Context, res: ServerResponse) => {
      const core = { limit: 5000, remaining, reset: Math.floor(Date.now() / 1000) + primaryReset, used: 5000 - remaining };
      json(res, 200, { resources: { core, search: { limit: 30, remaining: 30, reset: core.reset, used: 0 } }, rate: core });
    },
    'users/get-authenticated': (_c: Context, res: ServerResponse) => json(res, 200, { login: 'connector-bot', id: 99, type: 'User' }),
    'repos/create-for-authenticated-user': (c: Context, res: ServerResponse) => createRepo(c, res, 'connector-bot'),
    'repos/create-in-org': (c: Context, res: ServerResponse) => createRepo(c, res, String(c.request.params.org)),
    'repos/create-fork': (c: Context, res: ServerResponse) => {
      const r = repoOf(c);
      if (!r) return notFound(res);
      const b = (c.request.requestBody ?? {}) as { organization?: string; name?: string };
      const fork: FakeRepo = { ...structuredClone(r), owner: b.organization ?? 'connector-bot', name: b.name ?? r.name, issues: [], pulls: [], runs: [] };
      repos.set(`${fork.owner}/${fork.name}`.toLowerCase(), fork);
      json(res, 202, repoJson(fork, baseUrl));
    },
    'search/users': (c: Context, res: ServerResponse) => {
      const { terms } = parseQuery(String(c.request.query.q ?? ''));
      const hits = users.filter((u) => terms.every((t) => u.includes(t))).map((login, i) => ({ login, id: i + 1, type: 'User', html_url: `https://github.com/${login}`, score: 1 }));
      paginate(c, res, hits, (items, total) => ({ total_count: total, incomplete_results: false, items }));
    },
  } satisfies Record<string, Handler>);

  function createRepo(c: Context, res: ServerResponse, owner: string) {
    const b = c.request.requestBody as { name: string; description?: string; private?: boolean; auto_init?: boolean };
    const key = `${owner}/${b.name}`.toLowerCase();
    if (repos.has(key)) return json(res, 422, { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }], documentation_url: DOCS, status: '422' });
    const repo: FakeRepo = { owner, name: b.name, private: b.private ?? false, description: b.description ?? '', default_branch: 'main', branches: { main: sha(key) }, files: b.auto_init ? { 'README.md': `# ${b.name}\n` } : {}, commits: [], issues: [], pulls: [], checks: {}, runs: [] };
    repos.set(key, repo);
    json(res, 201, repoJson(repo, baseUrl));
  }

  /** Free-text terms, repo:/user:/org: scope and is: qualifiers of a search query. */
  function parseQuery(q: string) {
    const terms: string[] = [];
    const scope: string[] = [];
    const is = new Set<string>();
    for (const w of q.toLowerCase().split(/\s+/).filter(Boolean)) {
      const m = /^(repo|user|org|is):(.+)$/.exec(w);
      if (!m) terms.push(w);
      else if (m[1] === 'is') is.add(m[2]!);
      else scope.push(m[1] === 'repo' ? m[2]! : `${m[2]}/*`);
    }
    return { terms, scope, is };
  }
  const inScope = (r: FakeRepo, scope: string[]) => !scope.length || scope.some((s2) => s2 === `${r.owner}/${r.name}`.toLowerCase() || s2 === `${r.owner.toLowerCase()}/*`);

  /** Answers a list with GitHub's page/per_page and Link header. */
  function paginate(c: Context, res: ServerResponse, all: unknown[], wrap?: (items: unknown[], total: number) => unknown) {
    const perPage = Math.min(100, Number(c.request.query.per_page ?? 30));
    const page = Number(c.request.query.page ?? 1);
    const items = all.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number, rel: string) => {
      const u = new URL(`${baseUrl}${c.request.path}`);
      for (const [k, v] of Object.entries(c.request.query)) u.searchParams.set(k, String(v));
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return `<${u}>; rel="${rel}"`;
    };
    const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
    json(res, 200, wrap ? wrap(items, all.length) : items, links.length ? { link: links.join(', ') } : {});
  }

  api.register({
    validationFail: (c: Context, res: ServerResponse, rec: RecordedRequest) => {
      violations.push({ request: rec, errors: c.validation.errors });
      json(res, 422, { message: 'Validation Failed', errors: c.validation.errors, documentation_url: DOCS, status: '422' });
    },
    notFound: (_c: Context, res: ServerResponse, rec: RecordedRequest) => {
      violations.push({ request: rec, errors: 'no such path in the GitHub REST API' });
      notFound(res);
    },
    methodNotAllowed: (_c: Context, res: ServerResponse, rec: RecordedRequest) => {
      violations.push({ request: rec, errors: 'method not allowed on this path' });
      notFound(res);
    },
    notImplemented: (c: Context, res: ServerResponse, rec: RecordedRequest) => {
      rec.operationId = c.operation?.operationId;
      unimplemented.push(rec);
      json(res, 501, { message: `fake GitHub: ${c.operation?.operationId} is not implemented` });
    },
  });
  for (const [id, h] of Object.entries(handlers)) {
    api.register(id, (c: Context, res: ServerResponse, rec: RecordedRequest) => {
      rec.operationId = id;
      (res as Shaped).shape = (status, body) => {
        // Fields the fake leaves out of a nested object are filled like the examples' gaps; what
        // it does send must match GitHub's schema (types, enums), or the answer is recorded.
        const shaped = fillRequired(id, status, overlay(exampleFor(id, status), body));
        const check = api.validateResponse(shaped, id, status);
        if (check.errors?.length) responseViolations.push({ operationId: id, status, errors: check.errors });
        return shaped;
      };
      h(c, res, rec);
    });
  }
  await api.init();

  const server: Server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), ...(raw ? { body: JSON.parse(raw) } : {}), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    requests.push(rec);
    const rateHeaders = () => ({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-used': String(5000 - remaining), 'x-ratelimit-resource': 'core', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + primaryReset) });
    const logs = /^\/_logs\/([^/]+)\/([^/]+)\/(\d+)$/.exec(url.pathname);
    if (logs) {
      // The short-lived log URL GitHub redirects to: no Authorization header needed.
      const job = repos.get(`${logs[1]}/${logs[2]}`.toLowerCase())?.runs!.flatMap((x) => x.jobs).find((j) => j.id === Number(logs[3]));
      if (!job) return notFound(res);
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(job.log);
      return;
    }
    // A GitHub App: its JWT (RS256, iss = app id) buys an installation token, which then
    // authenticates like a personal token.
    const install = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (install && rec.method === 'POST') {
      const jwt = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const [h, p, sig] = jwt.split('.');
      const claims = p ? (JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string | number; exp?: number }) : {};
      const valid = Boolean(options.app && h && sig && verify('RSA-SHA256', Buffer.from(`${h}.${p}`), options.app.publicKey, Buffer.from(sig, 'base64url')) && String(claims.iss) === options.app.id && (claims.exp ?? 0) * 1000 > Date.now());
      if (!valid) return json(res, 401, { message: 'A JSON web token could not be decoded', documentation_url: DOCS, status: '401' });
      if (Number(install[1]) !== options.app!.installationId) return notFound(res);
      rec.operationId = 'apps/create-installation-access-token';
      return json(res, 201, { token: options.token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { contents: 'read', issues: 'write' }, repository_selection: 'all' });
    }
    if (!/^(token|Bearer) /.test(req.headers.authorization ?? '') || req.headers.authorization!.split(' ')[1] !== options.token) {
      return json(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
    }
    if (primaryLimited > 0) {
      primaryLimited--;
      remaining = 0;
      return json(res, 403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: '403' }, rateHeaders());
    }
    if (secondaryLimited > 0) {
      secondaryLimited--;
      return json(res, 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`, status: '403' }, { 'retry-after': String(secondaryRetry) });
    }
    remaining = Math.max(0, remaining - 1);
    for (const [k, v] of Object.entries(rateHeaders())) res.setHeader(k, v);
    // GitHub answers GET …/contents/ (an empty path) with the repository root, although its
    // description marks {path} as required; Octokit sends exactly that for path ''.
    const root = /^\/repos\/([^/]+)\/([^/]+)\/contents\/?$/.exec(url.pathname);
    if (root && rec.method === 'GET') {
      rec.operationId = 'repos/get-content';
      return handlers['repos/get-content']!({ request: { params: { owner: root[1]!, repo: root[2]!, path: '' }, query: rec.query } } as unknown as Context, res, rec);
    }
    const request: ApiRequest = { method: rec.method, path: url.pathname, query: rec.query, headers: req.headers as Record<string, string>, body: rec.body };
    await api.handleRequest(request, res, rec);
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    repos,
    requests,
    violations,
    unimplemented,
    responseViolations,
    rateLimitNext(n, resetSeconds = 60) {
      primaryLimited = n;
      primaryReset = resetSeconds;
    },
    secondaryLimitNext(n, retryAfterSeconds = 1) {
      secondaryLimited = n;
      secondaryRetry = retryAfterSeconds;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function sha(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(5);
}

function repoJson(r: FakeRepo, base: string) {
  return {
    id: Math.abs(Number.parseInt(sha(r.name).slice(0, 7), 16)),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner, type: 'Organization' },
    private: r.private,
    visibility: r.private ? 'private' : 'public',
    description: r.description ?? null,
    default_branch: r.default_branch,
    html_url: `https://github.com/${r.owner}/${r.name}`,
    url: `${base}/repos/${r.owner}/${r.name}`,
    stargazers_count: 7,
    forks_count: 1,
    open_issues_count: r.issues!.filter((i) => (i.state ?? 'open') === 'open').length,
    language: 'TypeScript',
    topics: [],
    archived: false,
    pushed_at: '2026-11-30T12:00:00Z',
    updated_at: '2026-11-30T12:00:00Z',
  };
}

function issueJson(r: FakeRepo, i: FakeIssue) {
  return {
    id: 10_000 + i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state ?? 'open',
    user: { login: i.user ?? 'octocat' },
    labels: (i.labels ?? []).map((name) => ({ name })),
    comments: (i.comments ?? []).length,
    html_url: `https://github.com/${r.owner}/${r.name}/issues/${i.number}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-02T00:00:00Z',
    ...(i.pull_request ? { pull_request: { url: `https://api.github.com/repos/${r.owner}/${r.name}/pulls/${i.number}` } } : {}),
  };
}
