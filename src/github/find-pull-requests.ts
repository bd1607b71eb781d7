import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { PullRequestLike } from './pull-request.js';
import type { RepoRef } from './repo-ref.js';

export interface PullRequestsClient {
  rest: {
    pulls: Pick<Rest['pulls'], 'get'>;
    repos: Pick<Rest['repos'], 'listPullRequestsAssociatedWithCommit'>;
  };
}

/** An open pull request by number; null when it is gone or closed (nothing left to check). */
export async function getOpenPullRequest(octokit: PullRequestsClient, repo: RepoRef, number: number): Promise<PullRequestLike | null> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
    return data.state === 'open' ? data : null;
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}

/**
 * The open pull requests whose head is exactly this commit, in one request. This is how a
 * re-run finds fork PRs, which GitHub leaves out of `check_suite.pull_requests`; the
 * endpoint also lists PRs that merely contain the commit, hence the head filter.
 */
export async function openPullRequestsWithHead(octokit: PullRequestsClient, repo: RepoRef, sha: string): Promise<PullRequestLike[]> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: repo.owner,
    repo: repo.repo,
    commit_sha: sha,
    per_page: 100,
  });
  return data.filter((pr) => pr.state === 'open' && pr.head.sha === sha);
}
