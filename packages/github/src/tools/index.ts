import { addIssueComment } from './add-issue-comment.js';
import { createBranch } from './create-branch.js';
import { createIssue } from './create-issue.js';
import { createOrUpdateFile } from './create-or-update-file.js';
import { createPullRequest } from './create-pull-request.js';
import { createPullRequestReview } from './create-pull-request-review.js';
import { createRepository } from './create-repository.js';
import { forkRepository } from './fork-repository.js';
import { getFileContents } from './get-file-contents.js';
import { getIssue } from './get-issue.js';
import { getJobLogs } from './get-job-logs.js';
import { getPullRequest } from './get-pull-request.js';
import { getPullRequestDiff } from './get-pull-request-diff.js';
import { getPullRequestFiles } from './get-pull-request-files.js';
import { getPullRequestReviews } from './get-pull-request-reviews.js';
import { getPullRequestStatus } from './get-pull-request-status.js';
import { getRepository } from './get-repository.js';
import { listBranches } from './list-branches.js';
import { listCommits } from './list-commits.js';
import { listIssues } from './list-issues.js';
import { listPullRequests } from './list-pull-requests.js';
import { listWorkflowRuns } from './list-workflow-runs.js';
import { mergePullRequest } from './merge-pull-request.js';
import { pushFiles } from './push-files.js';
import { searchCode } from './search-code.js';
import { searchIssues } from './search-issues.js';
import { searchRepositories } from './search-repositories.js';
import { searchUsers } from './search-users.js';
import { updateIssue } from './update-issue.js';
import { updatePullRequestBranch } from './update-pull-request-branch.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [
  // repos
  searchRepositories,
  getRepository,
  listBranches,
  listCommits,
  getFileContents,
  createBranch,
  createOrUpdateFile,
  pushFiles,
  createRepository,
  forkRepository,
  // issues
  listIssues,
  getIssue,
  createIssue,
  updateIssue,
  addIssueComment,
  // pull_requests
  listPullRequests,
  getPullRequest,
  getPullRequestDiff,
  getPullRequestFiles,
  getPullRequestReviews,
  getPullRequestStatus,
  createPullRequest,
  createPullRequestReview,
  mergePullRequest,
  updatePullRequestBranch,
  // search
  searchCode,
  searchIssues,
  searchUsers,
  // actions
  listWorkflowRuns,
  getJobLogs,
] as const;
