import type { Context, Logger } from 'probot';
import type { Config } from '../../core/config/schema.js';
import { compareMetrics } from '../../core/metrics/index.js';
import type { Store } from '../../store/store.js';
import { emptyMetricSet, findBaseline, noBaseline, type BaselineTarget } from '../flows/baseline.js';
import { publishEvaluation, type ModelResult, type PublishClient } from '../flows/publish.js';
import type { ArtifactEvaluation } from '../../core/evaluation/artifact.js';
import { newEvaluation, pullRequestRef } from '../../core/evaluation/record.js';
import { readRunEvaluations } from '../flows/run-artifacts.js';
import { failedRunOutput, isFailedRun, refusedArtifactsOutput, type RunCheckResult } from '../../render/markdown/evaluation-run.js';
import { listRunArtifacts, type ArtifactsClient, type RunArtifact } from '../../github/artifacts.js';
import { EVALUATION_CHECK_NAME, externalIdFor, reportCheckRun } from '../../github/check-runs.js';
import { findPullRequestsForRun, type RunPullRequest, type RunPullsClient } from '../../github/find-pull-for-run.js';
import { getOpenPullRequest, type PullRequestsClient } from '../../github/find-pull-requests.js';
import { readConfig } from '../../github/read-config.js';
import type { ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';

type RunContext = Context<'workflow_run.completed'>;
type WorkflowRun = RunContext['payload']['workflow_run'];
type Repository = RunContext['payload']['repository'];
type Client = PublishClient & ArtifactsClient & RunPullsClient & PullRequestsClient & ContentsClient;

/** Where a run's evaluations belong. */
type Destination =
  /** A pull request's head: stored under `refs/pull/<n>/head` and published on the PR. */
  | { kind: 'pulls'; pulls: RunPullRequest[] }
  /** A branch of this repository (a push to main): stored as that branch's baseline, published nowhere. */
  | { kind: 'branch'; ref: string }
  | { kind: 'none'; reason: string };

/**
 * An evaluation workflow run completed. Successful runs with `modelgate-eval-*` artifacts are
 * read, stored and published on their pull request (as a metric diff against the baseline);
 * runs on a branch are stored as that branch's baseline. A failed run with such artifacts, or
 * of the configured evaluation workflow, is reported on the pull request's evaluation check.
 * Anything else costs one request (the artifact listing).
 */
export async function onWorkflowRunCompleted(context: RunContext, store: Store): Promise<void> {
  const { workflow_run: run, repository } = context.payload;
  const octokit: Client = context.octokit;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const succeeded = run.conclusion === 'success';
  if (!succeeded && !isFailedRun(run.conclusion)) {
    context.log.info({ run: run.id, conclusion: run.conclusion }, 'The workflow run neither succeeded nor failed; nothing to report.');
    return;
  }
  const artifacts = await listRunArtifacts(octokit, repo, run.id);
  if (succeeded) {
    if (artifacts.length > 0) await evaluateRun(octokit, store, repository, run, artifacts, context.log);
    return;
  }
  if (artifacts.length === 0 && !(await isEvaluationWorkflow(octokit, repo, repository.default_branch, run.path))) return;
  const destination = await pullRequestsOfRun(octokit, repo, run);
  if (destination.kind !== 'pulls') {
    context.log.info({ run: run.id, conclusion: run.conclusion }, 'The evaluation run failed, and it was not for an open pull request; nothing to report.');
    return;
  }
  await reportOnPulls(octokit, store, repo, repository.id, run, destination.pulls, failedRunOutput(run), context.log);
}

async function evaluateRun(
  octokit: Client,
  store: Store,
  repository: Repository,
  run: WorkflowRun,
  artifacts: readonly RunArtifact[],
  log: Logger,
): Promise<void> {
  const repo = { owner: repository.owner.login, repo: repository.name };
  const { evaluations, problems } = await readRunEvaluations(octokit, repo, artifacts);
  // The manifest is untrusted: it must be about this run's commit.
  for (const { artifact, manifest } of evaluations) {
    if (manifest.commit !== run.head_sha) {
      problems.push(`${artifact}: the manifest is for commit ${manifest.commit}, but the run evaluated ${run.head_sha}. Upload only the evaluation of the commit the workflow checked out.`);
    }
  }
  const destination = await destinationOf(octokit, repo, repository.id, run, evaluations, problems);
  if (destination.kind === 'none') {
    log.info({ run: run.id }, `Evaluation run not stored or published: ${destination.reason}.`);
    return;
  }
  if (problems.length > 0) {
    if (destination.kind === 'pulls') await reportOnPulls(octokit, store, repo, repository.id, run, destination.pulls, refusedArtifactsOutput(run, problems), log);
    else log.warn({ run: run.id, problems }, 'The evaluation artifacts were refused; nothing stored.');
    return;
  }

  if (destination.kind === 'branch') {
    for (const evaluation of evaluations) {
      await store.recordEvaluation(newEvaluation(run, repository, evaluation, { ref: destination.ref, pr: null, diff: null }));
    }
    log.info({ run: run.id, ref: destination.ref, models: evaluations.map((e) => e.manifest.model.name) }, 'Stored the evaluation as the branch baseline.');
    return;
  }

  const loaded = await readConfig(octokit, repo, repository.default_branch);
  if (!loaded.ok) {
    const error = `.github/modelgate.yml on ${repository.default_branch} is invalid, so the metric gates are unknown; the "modelgate / model cards" check lists its errors.`;
    await reportOnPulls(octokit, store, repo, repository.id, run, destination.pulls, refusedArtifactsOutput(run, [error]), log);
    return;
  }
  for (const pull of destination.pulls) {
    const target: BaselineTarget = { base: repo, repoId: repository.id, baseRef: pull.baseRef, baseSha: pull.baseSha };
    const results: ModelResult[] = [];
    for (const evaluation of evaluations) {
      const result = await compareWithBaseline(octokit, store, target, evaluation, loaded.config.metrics, run.html_url);
      results.push(result);
      await store.recordEvaluation(newEvaluation(run, repository, evaluation, { ref: pullRequestRef(pull.number), pr: pull.number, diff: result.diff }));
    }
    const outcome = await publishEvaluation(octokit, store, { base: repo, repoId: repository.id, number: pull.number, headSha: run.head_sha }, results);
    if (outcome.published) log.info({ run: run.id, pull: pull.number, conclusion: outcome.conclusion }, outcome.title);
    else log.info({ run: run.id, pull: pull.number, currentHead: outcome.currentHead }, `No metric diff published: ${outcome.reason}.`);
  }
}

async function compareWithBaseline(
  octokit: ContentsClient,
  store: Store,
  target: BaselineTarget,
  evaluation: ArtifactEvaluation,
  rules: Config['metrics'],
  runUrl: string,
): Promise<ModelResult> {
  const { manifest, metrics } = evaluation;
  const model = manifest.model.name;
  const card = manifest.card ? { path: manifest.card.path, basePath: manifest.card.path } : null;
  const found = await findBaseline({ octokit, store }, target, model, card);
  const diff = compareMetrics(found?.metrics ?? emptyMetricSet(metrics.file), metrics, { rules });
  const baseline = found?.baseline ?? noBaseline(target, `no evaluation of this model on ${target.baseRef} yet`);
  return { model, diff, baseline, runUrl, source: evaluation.artifact };
}

/**
 * Where a successful run's evaluations go. A `pull_request` run's PR is the one headed by the
 * run's commit in the run's head repository (forks included); a manifest naming another PR
 * is a problem. A `workflow_dispatch` run (the App's) names its PR only in the manifest, so
 * the PR is read back and must be open, from this repository, and headed by the run's commit.
 * Other runs of this repository's branches are stored as the branch's evaluation.
 */
async function destinationOf(
  octokit: Client,
  repo: RepoRef,
  repoId: number,
  run: WorkflowRun,
  evaluations: readonly ArtifactEvaluation[],
  problems: string[],
): Promise<Destination> {
  const named = [...new Set(evaluations.map((e) => e.manifest.pull_request))];
  if (run.event === 'pull_request') {
    const destination = await pullRequestsOfRun(octokit, repo, run);
    if (destination.kind !== 'pulls') return destination;
    const numbers = new Set(destination.pulls.map((p) => p.number));
    for (const e of evaluations) {
      const pr = e.manifest.pull_request;
      if (pr !== null && !numbers.has(pr)) {
        problems.push(`${e.artifact}: the manifest names pull request #${pr}, but the run is for ${[...numbers].map((n) => `#${n}`).join(', ')}.`);
      }
    }
    return destination;
  }
  if (run.event === 'workflow_dispatch' && named.some((n) => n !== null)) {
    if (named.length > 1) {
      problems.push(`The run's manifests name different pull requests (${named.map((n) => (n === null ? 'none' : `#${n}`)).join(', ')}); one run evaluates one pull request.`);
      return pullRequestsOfRun(octokit, repo, run);
    }
    return dispatchedPullRequest(octokit, repo, repoId, run, named[0]!);
  }
  if (run.event === 'workflow_dispatch' && evaluations.length === 0) return pullRequestsOfRun(octokit, repo, run);
  if (run.head_repository?.id !== repoId || !run.head_branch) return { kind: 'none', reason: 'the run is not for a branch of this repository' };
  return { kind: 'branch', ref: run.head_branch };
}

async function dispatchedPullRequest(octokit: Client, repo: RepoRef, repoId: number, run: WorkflowRun, number: number): Promise<Destination> {
  const pr = await getOpenPullRequest(octokit, repo, number);
  if (pr === null) return { kind: 'none', reason: `pull request #${number} is not open` };
  const headRepoId = (pr.head.repo as { id?: number } | null)?.id;
  if (headRepoId !== repoId) return { kind: 'none', reason: `pull request #${number} is not from a branch of this repository` };
  if (pr.head.sha !== run.head_sha) return { kind: 'none', reason: `pull request #${number} is now at ${pr.head.sha}, not the evaluated ${run.head_sha}` };
  if (!pr.base) return { kind: 'none', reason: `GitHub did not name the base of pull request #${number}` };
  return { kind: 'pulls', pulls: [{ number, headSha: pr.head.sha, headRepoId, baseRef: pr.base.ref, baseSha: pr.base.sha }] };
}

/**
 * The open pull requests headed by the run's commit, for runs that are about one:
 * `pull_request` runs, and the App's `workflow_dispatch` runs (on the PR's own branch).
 */
async function pullRequestsOfRun(octokit: RunPullsClient, repo: RepoRef, run: WorkflowRun): Promise<Destination> {
  if (run.event !== 'pull_request' && run.event !== 'workflow_dispatch') return { kind: 'none', reason: `a ${run.event} run is not for a pull request` };
  const pulls = await findPullRequestsForRun(octokit, repo, run);
  return pulls.length > 0 ? { kind: 'pulls', pulls } : { kind: 'none', reason: `no open pull request is headed by ${run.head_sha}` };
}

/** Reports a run's failure on each PR's evaluation check, unless the PR has moved on to another commit. */
async function reportOnPulls(
  octokit: Client,
  store: Store,
  repo: RepoRef,
  repoId: number,
  run: WorkflowRun,
  pulls: readonly RunPullRequest[],
  result: RunCheckResult,
  log: Logger,
): Promise<void> {
  for (const pull of pulls) {
    const head = await store.getHeadSha({ repoId, pr: pull.number });
    if (head !== null && head.sha !== run.head_sha) {
      log.info({ run: run.id, pull: pull.number, currentHead: head.sha }, 'The pull request has moved on; the run is not reported.');
      continue;
    }
    await reportCheckRun(
      octokit,
      repo,
      { name: EVALUATION_CHECK_NAME, headSha: run.head_sha, externalId: externalIdFor(pull.number), detailsUrl: run.html_url },
      result,
    );
    log.info({ run: run.id, pull: pull.number, conclusion: result.conclusion }, result.title);
  }
}

/** Whether the run is of the configured evaluation workflow (`evaluation.workflow`, a file name). */
async function isEvaluationWorkflow(octokit: ContentsClient, repo: RepoRef, defaultBranch: string, path: string): Promise<boolean> {
  const loaded = await readConfig(octokit, repo, defaultBranch);
  const workflow = loaded.ok ? loaded.config.evaluation.workflow : null;
  return workflow !== null && workflowFileName(path) === workflow;
}

/** `.github/workflows/evaluate.yml` (or `…@refs/heads/main`) → `evaluate.yml`. */
export function workflowFileName(path: string): string {
  return path.split('@')[0]!.split('/').pop() ?? '';
}
