/** The toolsets tools are grouped in (--toolsets), as GitHub's own server groups them. */
export const TOOLSETS = {
  repos: 'Repositories, branches, commits and files.',
  issues: 'Issues and their comments.',
  pull_requests: 'Pull requests: diffs, files, reviews, checks, merging.',
  search: 'Search code, issues and pull requests, repositories and users.',
  actions: 'GitHub Actions workflow runs and job logs (read-only).',
} as const;
