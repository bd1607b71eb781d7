import type { PullRequestLike, RepositoryLike } from '../../github/pull-request.js';
import type { RepoRef } from '../../github/repo-ref.js';

/** The pull request a check run is about: everything the card check and the metric diff need, from any event. */
export interface PullTarget {
  /** The repository the pull request is opened against (where the check run lives). */
  base: RepoRef;
  /** That repository's id: what the store keys comments and heads by (it survives renames). */
  repoId: number;
  /** Its default branch: the config is read from there. */
  defaultBranch: string;
  number: number;
  headSha: string;
  /** Where the head commit lives (a fork for fork PRs); null when unknown or deleted. */
  headRepo: RepoRef | null;
  /** The PR's changed-file count when the event carries it; null when unknown. */
  changedFiles: number | null;
  /** The branch the PR merges into and its commit, when the event carries them (the metric baseline). */
  baseRef: string | null;
  baseSha: string | null;
}

export function pullTarget(repository: RepositoryLike, pr: PullRequestLike): PullTarget {
  return {
    base: { owner: repository.owner.login, repo: repository.name },
    repoId: repository.id,
    defaultBranch: repository.default_branch,
    number: pr.number,
    headSha: pr.head.sha,
    headRepo: pr.head.repo?.owner ? { owner: pr.head.repo.owner.login, repo: pr.head.repo.name } : null,
    changedFiles: typeof pr.changed_files === 'number' ? pr.changed_files : null,
    baseRef: pr.base?.ref ?? null,
    baseSha: pr.base?.sha ?? null,
  };
}
