import type { ArtifactEvaluation } from './artifact.js';

/**
 * Where a completed evaluation run's results belong, decided from facts the flow fetched: the
 * run (from the webhook), its evaluations (from its artifacts) and, when needed, the pull
 * requests it ran for. The manifests inside artifacts are untrusted (fork PRs write them), so
 * everything they claim is checked against what GitHub says about the run.
 */

/** What the decision needs of a `workflow_run` payload's run. */
export interface RunFacts {
  event: string;
  headSha: string;
  headBranch: string | null;
  /** The repository the run's commit lives in (a fork's, for fork PRs); null when deleted. */
  headRepoId: number | null;
}

/** A pull request the run's commit is the head of. */
export interface EvaluatedPull {
  number: number;
  headSha: string;
  /** The head repository's id: the fork's, for fork PRs. */
  headRepoId: number;
  /** The branch the PR merges into and its commit, as GitHub reported them (the metric baseline). */
  baseRef: string;
  baseSha: string;
}

/** An open pull request as read back by number (what a dispatched run's manifest names). */
export interface OpenPull {
  number: number;
  headSha: string;
  headRepoId: number | null;
  baseRef: string | null;
  baseSha: string | null;
}

export type RunDestination =
  /** Pull request heads: stored under `refs/pull/<n>/head` and published on each PR. */
  | { kind: 'pulls'; pulls: EvaluatedPull[] }
  /** A branch of this repository (a push to main): stored as that branch's baseline, published nowhere. */
  | { kind: 'branch'; ref: string }
  | { kind: 'none'; reason: string };

/** What must be looked up to know the destination. */
export type DestinationLookup =
  /** The open PRs headed by the run's commit; `checkNamed`: each manifest's PR must be among them. */
  | { kind: 'run-pulls'; checkNamed: boolean }
  /** The one PR the manifests name (a dispatched run knows its PR only from them). */
  | { kind: 'pull'; number: number }
  | { kind: 'known'; destination: RunDestination };

/** Manifests must be about the commit the run evaluated; one line per manifest that is not. */
export function commitProblems(run: Pick<RunFacts, 'headSha'>, evaluations: readonly ArtifactEvaluation[]): string[] {
  return evaluations
    .filter((e) => e.manifest.commit !== run.headSha)
    .map(
      (e) =>
        `${e.artifact}: the manifest is for commit ${e.manifest.commit}, but the run evaluated ${run.headSha}. Upload only the evaluation of the commit the workflow checked out.`,
    );
}

/**
 * The first step. A `pull_request` run's PR is the one headed by its commit in its head
 * repository (forks included). A `workflow_dispatch` run (the App's) names its PR only in the
 * manifest, so that PR is read back. Other runs of this repository's branches are that branch's.
 */
export function planDestination(run: RunFacts, evaluations: readonly ArtifactEvaluation[], repoId: number): { lookup: DestinationLookup; problems: string[] } {
  const named = [...new Set(evaluations.map((e) => e.manifest.pull_request))];
  if (run.event === 'pull_request') return { lookup: { kind: 'run-pulls', checkNamed: true }, problems: [] };
  if (run.event === 'workflow_dispatch' && named.some((n) => n !== null)) {
    if (named.length > 1) {
      const list = named.map((n) => (n === null ? 'none' : `#${n}`)).join(', ');
      return { lookup: { kind: 'run-pulls', checkNamed: false }, problems: [`The run's manifests name different pull requests (${list}); one run evaluates one pull request.`] };
    }
    return { lookup: { kind: 'pull', number: named[0]! }, problems: [] };
  }
  if (run.event === 'workflow_dispatch' && evaluations.length === 0) return { lookup: { kind: 'run-pulls', checkNamed: false }, problems: [] };
  if (run.headRepoId !== repoId || !run.headBranch) return { lookup: { kind: 'known', destination: { kind: 'none', reason: 'the run is not for a branch of this repository' } }, problems: [] };
  return { lookup: { kind: 'known', destination: { kind: 'branch', ref: run.headBranch } }, problems: [] };
}

/** Whether a run is about a pull request at all (only then are its PRs looked up): `pull_request` runs and the App's dispatches. */
export function runHasPulls(run: Pick<RunFacts, 'event'>): boolean {
  return run.event === 'pull_request' || run.event === 'workflow_dispatch';
}

/** The destination from the PRs headed by the run's commit; with `checkNamed`, a manifest naming another PR is a problem. */
export function destinationFromRunPulls(
  run: Pick<RunFacts, 'event' | 'headSha'>,
  pulls: readonly EvaluatedPull[] | null,
  evaluations: readonly ArtifactEvaluation[],
  checkNamed: boolean,
): { destination: RunDestination; problems: string[] } {
  if (pulls === null) return { destination: { kind: 'none', reason: `a ${run.event} run is not for a pull request` }, problems: [] };
  if (pulls.length === 0) return { destination: { kind: 'none', reason: `no open pull request is headed by ${run.headSha}` }, problems: [] };
  const problems: string[] = [];
  if (checkNamed) {
    const numbers = new Set(pulls.map((p) => p.number));
    for (const e of evaluations) {
      const pr = e.manifest.pull_request;
      if (pr !== null && !numbers.has(pr)) {
        problems.push(`${e.artifact}: the manifest names pull request #${pr}, but the run is for ${[...numbers].map((n) => `#${n}`).join(', ')}.`);
      }
    }
  }
  return { destination: { kind: 'pulls', pulls: [...pulls] }, problems };
}

/** The destination of a dispatched run from the PR its manifest names: it must be open, from this repository, and headed by the run's commit. */
export function destinationFromPull(run: Pick<RunFacts, 'headSha'>, repoId: number, number: number, pull: OpenPull | null): RunDestination {
  if (pull === null) return { kind: 'none', reason: `pull request #${number} is not open` };
  if (pull.headRepoId !== repoId) return { kind: 'none', reason: `pull request #${number} is not from a branch of this repository` };
  if (pull.headSha !== run.headSha) return { kind: 'none', reason: `pull request #${number} is now at ${pull.headSha}, not the evaluated ${run.headSha}` };
  if (pull.baseRef === null || pull.baseSha === null) return { kind: 'none', reason: `GitHub did not name the base of pull request #${number}` };
  return { kind: 'pulls', pulls: [{ number, headSha: pull.headSha, headRepoId: repoId, baseRef: pull.baseRef, baseSha: pull.baseSha }] };
}
