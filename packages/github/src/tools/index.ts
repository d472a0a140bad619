import { addIssueComment } from './add-issue-comment.js';
import { createBranch } from './create-branch.js';
import { createIssue } from './create-issue.js';
import { getFileContents } from './get-file-contents.js';
import { getIssue } from './get-issue.js';
import { getRepository } from './get-repository.js';
import { listBranches } from './list-branches.js';
import { listCommits } from './list-commits.js';
import { listIssues } from './list-issues.js';
import { searchRepositories } from './search-repositories.js';
import { updateIssue } from './update-issue.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [
  searchRepositories,
  getRepository,
  listBranches,
  listCommits,
  getFileContents,
  createBranch,
  listIssues,
  getIssue,
  createIssue,
  updateIssue,
  addIssueComment,
] as const;
