import { ConnectorError, toolsFor, type DepsContext, type Logger } from '@org/mcp-core';
import { apiBaseUrl, githubAuth, type GithubConfig } from './config.js';
import { createClient, githubError, type GithubClient } from './github/client.js';

/** A repository the tools act on. */
export interface RepoRef {
  owner: string;
  repo: string;
}

const VISIBILITY_TTL_MS = 5 * 60_000;

/**
 * What the tools share: the GitHub client (made on first use), the repository allowlist, and
 * the cross-visibility guard's memory of which private repositories were read, per principal.
 */
export class GithubDeps {
  private client: Promise<GithubClient> | undefined;
  private readonly allow: { repos: Set<string>; owners: Set<string> } | undefined;
  private readonly visibility = new Map<string, { private: boolean; at: number }>();
  /** Per principal: the private repositories whose content this server returned to it. */
  private readonly readPrivate = new Map<string, Set<string>>();
  readonly log: Logger;

  constructor(
    private readonly config: GithubConfig,
    context: DepsContext,
    private readonly version: string,
  ) {
    this.log = context.log;
    if (config.repos?.length) {
      const repos = new Set<string>();
      const owners = new Set<string>();
      for (const entry of config.repos) {
        const [owner, name] = entry.toLowerCase().split('/') as [string, string];
        if (name === '*') owners.add(owner);
        else repos.add(`${owner}/${name}`);
      }
      this.allow = { repos, owners };
    }
  }

  github(): Promise<GithubClient> {
    return (this.client ??= createClient({ auth: githubAuth(this.config), baseUrl: apiBaseUrl(this.config), userAgent: `mcp-github/${this.version}`, log: this.log }).catch((err: unknown) => {
      this.client = undefined;
      throw err;
    }));
  }

  private me: Promise<string> | undefined;

  /** The login the credential acts as (for a user's own new repositories). */
  login(signal: AbortSignal): Promise<string> {
    return (this.me ??= (async () => {
      const gh = await this.github();
      const { data } = await gh.users.getAuthenticated({ request: { signal } }).catch((e: unknown) => githubError(e, 'reading the authenticated user'));
      return data.login;
    })().catch((err: unknown) => {
      this.me = undefined;
      throw err;
    }));
  }

  /** True when --repos lets the connector touch owner/repo. */
  allowed({ owner, repo }: RepoRef): boolean {
    if (!this.allow) return true;
    const o = owner.toLowerCase();
    return this.allow.owners.has(o) || this.allow.repos.has(`${o}/${repo.toLowerCase()}`);
  }

  /** Refuses a repository outside --repos, before any request is made. */
  check(ref: RepoRef): void {
    if (!this.allowed(ref)) {
      throw new ConnectorError('denied', `${ref.owner}/${ref.repo} is not in this server's repository allowlist (--repos ${this.config.repos!.join(',')}).`, 'Work within the listed repositories, or ask the user to add this one to --repos.');
    }
  }

  /** The allowlist as search qualifiers (`repo:a/b org:c`), or undefined when there is none. */
  searchScope(): string[] | undefined {
    if (!this.allow) return undefined;
    return [...[...this.allow.repos].map((r) => `repo:${r}`), ...[...this.allow.owners].map((o) => `user:${o}`)];
  }

  /** Whether a repository is private (cached for 5 minutes). */
  async isPrivate(ref: RepoRef, signal: AbortSignal): Promise<boolean> {
    const key = `${ref.owner}/${ref.repo}`.toLowerCase();
    const hit = this.visibility.get(key);
    if (hit && Date.now() - hit.at < VISIBILITY_TTL_MS) return hit.private;
    const gh = await this.github();
    const { data } = await gh.repos.get({ owner: ref.owner, repo: ref.repo, request: { signal } }).catch((e: unknown) => githubError(e, `reading ${ref.owner}/${ref.repo}`));
    this.notePrivacy(ref, data.private);
    return data.private;
  }

  notePrivacy(ref: RepoRef, isPrivate: boolean): void {
    this.visibility.set(`${ref.owner}/${ref.repo}`.toLowerCase(), { private: isPrivate, at: Date.now() });
  }

  /** Records that content of `ref` went to `principal` (only private repositories are remembered). */
  async noteRead(principal: string, ref: RepoRef, signal: AbortSignal): Promise<void> {
    if (this.config.crossVisibility === 'off') return;
    if (!(await this.isPrivate(ref, signal))) return;
    let set = this.readPrivate.get(principal);
    if (!set) this.readPrivate.set(principal, (set = new Set()));
    set.add(`${ref.owner}/${ref.repo}`);
  }

  /**
   * The cross-visibility guard, for a write to `ref`: undefined when it may go ahead, else the
   * reason the user must confirm it; throws when --cross-visibility refuse.
   */
  async crossVisibility(principal: string, ref: RepoRef, signal: AbortSignal): Promise<string | undefined> {
    if (this.config.crossVisibility === 'off') return undefined;
    const read = this.readPrivate.get(principal);
    if (!read?.size) return undefined;
    const others = [...read].filter((r) => r.toLowerCase() !== `${ref.owner}/${ref.repo}`.toLowerCase());
    if (!others.length || (await this.isPrivate(ref, signal))) return undefined;
    const why = `${ref.owner}/${ref.repo} is public, and this session has read the private repositor${others.length === 1 ? 'y' : 'ies'} ${others.join(', ')}: this write could publish private content (a prompt injection in what was read could ask for exactly that).`;
    if (this.config.crossVisibility === 'refuse' || this.config.confirm === 'off') {
      throw new ConnectorError('denied', `Refused: ${why}`, 'Writes to public repositories are refused after private ones were read (--cross-visibility refuse); start a new session for public work.');
    }
    return `Check this before you agree: ${why}`;
  }

  close(): void {}
}

/** `defineTool` for this connector: handlers get GithubDeps and GithubConfig in their context. */
export const defineGithubTool = toolsFor<GithubDeps, GithubConfig>();
