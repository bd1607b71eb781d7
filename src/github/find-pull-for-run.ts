import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

/** What we use of a `workflow_run` webhook payload's run. */
export interface WorkflowRunLike {
  head_sha: string;
  head_branch: string | null;
  /** Where the run's commit lives: the fork for fork PRs; null when the fork was deleted. */
  head_repository: { id: number; owner: { login: string } | null } | null;
  /** The repository the run ran in (the PR's base). */
  repository: { id: number };
  /** GitHub fills this for same-repository PRs only; it is empty for forks. */
  pull_requests: ReadonlyArray<PayloadPull | null>;
}

interface PayloadPull {
  number: number;
  head: { sha: string; repo: { id: number } };
  base: { ref: string; sha: string; repo: { id: number } };
}

/** A pull request the run's commit is the head of. */
export interface RunPullRequest {
  number: number;
  headSha: string;
  /** The head repository's id: the fork's, for fork PRs. */
  headRepoId: number;
  /** The branch the PR merges into and its commit as GitHub reported them (the metric baseline). */
  baseRef: string;
  baseSha: string;
}


export interface RunPullsClient {
  rest: { pulls: Pick<Rest['pulls'], 'list'> };
}

/**
 * The pull requests a `workflow_run` ran for: those whose head is the run's commit, in the
 * run's head repository, opened against the run's repository. Same-repository PRs come from
 * the payload, without a request. Fork PRs are missing there, and `commits/{sha}/pulls` on
 * the base repository does not list them either, so they cost one request: the open PRs
 * whose head is `<fork owner>:<branch>`. Matching the head repository's id as well as the SHA
 * means a fork that pushes the same commit under the same branch name cannot claim another
 * fork's PR. Sorted by number; empty when nothing matches.
 */
export async function findPullRequestsForRun(octokit: RunPullsClient, repo: RepoRef, run: WorkflowRunLike): Promise<RunPullRequest[]> {
  const headRepo = run.head_repository;
  if (headRepo === null) return [];
  const matches = (head: { sha: string; repo: { id: number } | null }, baseRepoId: number) =>
    head.sha === run.head_sha && head.repo?.id === headRepo.id && baseRepoId === run.repository.id;

  // The payload can also list PRs of other repositories that share the branch; only ours count.
  const listed = run.pull_requests.filter((pr): pr is PayloadPull => pr !== null && pr.base.repo.id === run.repository.id);
  if (listed.length > 0) {
    // The payload is the whole truth for same-repository PRs: a head that moved on is not a match.
    return sorted(listed.filter((pr) => matches(pr.head, pr.base.repo.id)).map((pr) => runPull(pr, headRepo.id)));
  }
  if (!run.head_branch || !headRepo.owner) return [];

  const { data } = await octokit.rest.pulls.list({
    owner: repo.owner,
    repo: repo.repo,
    state: 'open',
    head: `${headRepo.owner.login}:${run.head_branch}`,
    per_page: 100,
  });
  return sorted(
    data.filter((pr) => pr.state === 'open' && matches(pr.head, pr.base.repo.id)).map((pr) => runPull(pr, headRepo.id)),
  );
}

function runPull(pr: { number: number; head: { sha: string }; base: { ref: string; sha: string } }, headRepoId: number): RunPullRequest {
  return { number: pr.number, headSha: pr.head.sha, headRepoId, baseRef: pr.base.ref, baseSha: pr.base.sha };
}

function sorted(pulls: RunPullRequest[]): RunPullRequest[] {
  return pulls.sort((a, b) => a.number - b.number);
}
