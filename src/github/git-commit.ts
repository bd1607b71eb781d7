import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

export interface GitCommitClient {
  rest: { git: Pick<Rest['git'], 'createTree' | 'createCommit' | 'updateRef'>; repos: Pick<Rest['repos'], 'listCommits'> };
}

export interface FileCommit {
  branch: string;
  /** The commit the change is based on, and its tree: the new commit's parent. */
  parent: string;
  parentTree: string;
  path: string;
  content: string;
  message: string;
}

export type CommitOutcome =
  | { ok: true; sha: string; url: string }
  /** The branch moved since `parent` was read: re-read, re-apply, try again. */
  | { ok: false; reason: 'moved' }
  /** GitHub refused the push (branch protection, rulesets, an archived repository): a person must act. */
  | { ok: false; reason: 'refused'; message: string };

/**
 * One commit that changes one file, through the Git Data API: a tree (with the file's content
 * inline, so no separate blob request), a commit on `parent`, and a fast-forward of the branch
 * (`force: false`), so a concurrent change is never overwritten. Three requests.
 */
export async function commitFile(octokit: GitCommitClient, repo: RepoRef, change: FileCommit): Promise<CommitOutcome> {
  const { data: tree } = await octokit.rest.git.createTree({
    owner: repo.owner,
    repo: repo.repo,
    base_tree: change.parentTree,
    tree: [{ path: change.path, mode: '100644', type: 'blob', content: change.content }],
  });
  const { data: commit } = await octokit.rest.git.createCommit({ owner: repo.owner, repo: repo.repo, message: change.message, tree: tree.sha, parents: [change.parent] });
  try {
    await octokit.rest.git.updateRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${change.branch}`, sha: commit.sha, force: false });
  } catch (error) {
    const status = httpStatus(error);
    const said = githubMessage(error);
    // GitHub answers a non-fast-forward with 422 "Update is not a fast forward" (409 on some servers).
    if ((status === 422 || status === 409) && /fast.?forward|reference (?:does not exist|cannot be updated)|is at [0-9a-f]+ but expected/i.test(said)) return { ok: false, reason: 'moved' };
    if (status === 422 || status === 409 || status === 403) {
      return { ok: false, reason: 'refused', message: said || `HTTP ${status}` };
    }
    throw error;
  }
  return { ok: true, sha: commit.sha, url: commit.html_url };
}

/** The commit on `branch` touching `path` since `since` whose message satisfies `matches`, or null (one request). */
export async function findCommit(
  octokit: GitCommitClient,
  repo: RepoRef,
  query: { branch: string; path: string; since: string },
  matches: (message: string) => boolean,
): Promise<{ sha: string; url: string } | null> {
  const { data } = await octokit.rest.repos.listCommits({ owner: repo.owner, repo: repo.repo, sha: query.branch, path: query.path, since: query.since, per_page: 100 });
  const found = data.find((c) => matches(c.commit.message));
  return found ? { sha: found.sha, url: found.html_url } : null;
}

/** GitHub's `message` from an error response, on one line and bounded. */
export function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const message = typeof data === 'object' && data !== null && 'message' in data ? (data as { message: unknown }).message : null;
  return typeof message === 'string' ? message.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
}
