import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

/** What we use of an entry of GET /repos/{owner}/{repo}/pulls/{pull_number}/files. */
export interface PullRequestFile {
  /** The path at the head of the pull request (the new name for renames). */
  filename: string;
  /** added, removed, modified, renamed, copied, changed or unchanged. */
  status: string;
  previous_filename?: string | undefined;
}

export interface PullFilesClient {
  rest: { pulls: Pick<Rest['pulls'], 'listFiles'> };
}

/** GitHub lists at most this many files of a pull request, however many it changes. */
export const MAX_LISTED_FILES = 3000;
const PER_PAGE = 100;

/**
 * Lists every file a pull request changes, one request per 100 files. It follows the
 * `Link: rel="next"` header, so a PR with exactly 100 files costs one request, not two.
 */
export async function listPullRequestFiles(octokit: PullFilesClient, repo: RepoRef, pullNumber: number): Promise<PullRequestFile[]> {
  const files: PullRequestFile[] = [];
  for (let page = 1; ; page++) {
    const { data, headers } = await octokit.rest.pulls.listFiles({
      owner: repo.owner,
      repo: repo.repo,
      pull_number: pullNumber,
      per_page: PER_PAGE,
      page,
    });
    files.push(...data);
    if (!hasNextPage(headers.link) || data.length === 0 || files.length >= MAX_LISTED_FILES) return files;
  }
}

function hasNextPage(link: string | undefined): boolean {
  return link !== undefined && /rel="next"/.test(link);
}
