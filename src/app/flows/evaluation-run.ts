/**
 * A completed evaluation workflow run: fetch what it produced, let the core decide where it
 * belongs, then act (store, publish, report). Successful runs with `modelgate-eval-*` artifacts
 * are read, stored and published on their pull request as a metric diff against the baseline;
 * runs on a branch are stored as that branch's baseline. A failed run with such artifacts, or
 * of the configured evaluation workflow, is reported on the pull request's evaluation check.
 * Anything else costs one request (the artifact listing).
 */
import type { Config } from '../../core/config/index.js';
import {
  commitProblems,
  destinationFromPull,
  destinationFromRunPulls,
  emptyMetricSet,
  evaluationsThatCount,
  failedRun,
  newEvaluation,
  noBaseline,
  planDestination,
  pullRequestRef,
  runHasPulls,
  type ArtifactEvaluation,
  type DestinationLookup,
  type EvaluatedPull,
  type ModelResult,
  type RecordedRun,
  type RunDestination,
  type RunFacts,
} from '../../core/evaluation/index.js';
import { compareMetrics } from '../../core/metrics/index.js';
import { listRunArtifacts, type ArtifactsClient, type RunArtifact } from '../../github/artifacts.js';
import { EVALUATION_CHECK_NAME, reportCheckRun, rereportCheckRun, type CheckConclusion } from '../../github/check-runs.js';
import { findPullRequestsForRun, type RunPullsClient, type WorkflowRunLike } from '../../github/find-pull-for-run.js';
import { getOpenPullRequest, type PullRequestsClient } from '../../github/find-pull-requests.js';
import { readConfig } from '../../github/read-config.js';
import type { ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';
import { isWorkflowFile } from '../../github/workflow-path.js';
import { failedRunMarkdown, refusedArtifactsMarkdown, type CheckText, type RunLike } from '../../render/markdown/evaluation-run.js';
import type { Evaluations } from '../../store/index.js';
import { freshJournal, type Journal } from '../journal.js';
import type { Log } from '../log.js';
import { createCheckRunOnce } from './check-run-once.js';
import { findBaseline, stageHolders, type BaselineTarget, type StageHolder } from './baseline.js';
import { headMovedPast } from './head.js';
import { publishEvaluation, type PublishClient, type PublishStore } from './publish.js';
import { readRunEvaluations } from './run-artifacts.js';

export type EvaluationRunClient = PublishClient & ArtifactsClient & RunPullsClient & PullRequestsClient & ContentsClient;
export type EvaluationRunStore = PublishStore & Pick<Evaluations, 'recordEvaluation' | 'latestEvaluation' | 'getEvaluation'>;

/** The run, as the `workflow_run` payload gives it. */
export type CompletedRun = RecordedRun &
  RunLike &
  WorkflowRunLike & {
    event: string;
    conclusion: string | null;
    /** The workflow file, e.g. `.github/workflows/evaluate.yml`. */
    path: string;
  };

/** The repository the run ran in, as the payload gives it. */
export interface RunRepository {
  id: number;
  full_name: string;
  name: string;
  owner: { login: string };
  default_branch: string;
}

export async function handleCompletedRun(
  octokit: EvaluationRunClient,
  store: EvaluationRunStore,
  repository: RunRepository,
  run: CompletedRun,
  log: Log,
  journal: Journal = freshJournal(),
): Promise<void> {
  const repo = { owner: repository.owner.login, repo: repository.name };
  const succeeded = run.conclusion === 'success';
  const failed = failedRun(run.conclusion);
  if (!succeeded && failed === null) {
    log.info({ run: run.id, conclusion: run.conclusion }, 'The workflow run neither succeeded nor failed; nothing to report.');
    return;
  }
  const artifacts = await listRunArtifacts(octokit, repo, run.id);
  if (succeeded) {
    if (artifacts.length > 0) await recordAndPublish(octokit, store, repository, run, artifacts, log, journal);
    return;
  }
  if (artifacts.length > 0) await recordBranchBaselines(octokit, store, repository, run, artifacts, log);
  if (artifacts.length === 0 && !(await isEvaluationWorkflow(octokit, repo, repository.default_branch, run.path))) return;
  const { destination } = await resolveDestination(octokit, repo, repository.id, run, { kind: 'run-pulls', checkNamed: false }, []);
  if (destination.kind !== 'pulls') {
    log.info({ run: run.id, conclusion: run.conclusion }, 'The evaluation run failed, and it was not for an open pull request; nothing to report.');
    return;
  }
  await reportOnPulls(octokit, store, repo, repository.id, run, destination.pulls, { conclusion: failed!.conclusion, ...failedRunMarkdown(run, failed!) }, log, journal);
}

async function recordAndPublish(
  octokit: EvaluationRunClient,
  store: EvaluationRunStore,
  repository: RunRepository,
  run: CompletedRun,
  artifacts: readonly RunArtifact[],
  log: Log,
  journal: Journal,
): Promise<void> {
  const repo = { owner: repository.owner.login, repo: repository.name };
  // Fetch what the run produced, then decide where it belongs (fetching the PR when the decision needs it).
  const { evaluations, problems } = await readRunEvaluations(octokit, repo, artifacts);
  const facts = runFacts(run);
  problems.push(...commitProblems(facts, evaluations));
  const plan = planDestination(facts, evaluations, repository.id);
  problems.push(...plan.problems);
  const resolved = await resolveDestination(octokit, repo, repository.id, run, plan.lookup, evaluations);
  problems.push(...resolved.problems);
  const { destination } = resolved;

  if (destination.kind === 'none') {
    log.info({ run: run.id }, `Evaluation run not stored or published: ${destination.reason}.`);
    return;
  }
  if (problems.length > 0) {
    if (destination.kind === 'pulls') {
      await reportOnPulls(octokit, store, repo, repository.id, run, destination.pulls, { conclusion: 'failure', ...refusedArtifactsMarkdown(run, problems) }, log, journal);
    } else {
      log.warn({ run: run.id, problems }, 'The evaluation artifacts were refused; nothing stored.');
    }
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
    await reportOnPulls(octokit, store, repo, repository.id, run, destination.pulls, { conclusion: 'failure', ...refusedArtifactsMarkdown(run, [error]) }, log, journal);
    return;
  }
  const holders = await stageHolders(octokit, repo, repository.default_branch, loaded.config);
  for (const pull of destination.pulls) {
    const target: BaselineTarget = { base: repo, repoId: repository.id, baseRef: pull.baseRef, baseSha: pull.baseSha };
    const results: ModelResult[] = [];
    for (const evaluation of evaluations) {
      const result = await compareWithBaseline(octokit, store, target, evaluation, loaded.config.metrics, run.html_url, holders(evaluation.manifest.model.name));
      results.push(result);
      await store.recordEvaluation(newEvaluation(run, repository, evaluation, { ref: pullRequestRef(pull.number), pr: pull.number, diff: result.diff }));
    }
    const outcome = await publishEvaluation(octokit, store, { base: repo, repoId: repository.id, number: pull.number, headSha: run.head_sha }, results, journal);
    if (outcome.published) log.info({ run: run.id, pull: pull.number, conclusion: outcome.conclusion }, outcome.title);
    else log.info({ run: run.id, pull: pull.number, currentHead: outcome.currentHead }, `No metric diff published: ${outcome.reason}.`);
  }
}

/**
 * A failed run on a branch (one model's job failed): the models whose evaluations succeeded are
 * still that branch's baselines. Fetch the artifacts, keep those that count, record them.
 */
async function recordBranchBaselines(
  octokit: EvaluationRunClient,
  store: EvaluationRunStore,
  repository: RunRepository,
  run: CompletedRun,
  artifacts: readonly RunArtifact[],
  log: Log,
): Promise<void> {
  const facts = runFacts(run);
  const plan = planDestination(facts, [], repository.id);
  if (plan.lookup.kind !== 'known' || plan.lookup.destination.kind !== 'branch') return;
  const ref = plan.lookup.destination.ref;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const { evaluations, problems } = await readRunEvaluations(octokit, repo, artifacts);
  const counted = evaluationsThatCount(evaluations);
  problems.push(...commitProblems(facts, counted));
  if (problems.length > 0) {
    log.warn({ run: run.id, problems }, 'The evaluation artifacts of the failed run were refused; nothing stored.');
    return;
  }
  for (const evaluation of counted) await store.recordEvaluation(newEvaluation(run, repository, evaluation, { ref, pr: null, diff: null }));
  if (counted.length > 0) {
    log.info({ run: run.id, ref, models: counted.map((e) => e.manifest.model.name) }, 'The run failed, but these models were evaluated: stored as the branch baseline.');
  }
}

function runFacts(run: CompletedRun): RunFacts {
  return { event: run.event, headSha: run.head_sha, headBranch: run.head_branch, headRepoId: run.head_repository?.id ?? null };
}

/** Fetches what the lookup asks for (nothing, the run's PRs, or the one PR a manifest names) and lets the core decide. */
async function resolveDestination(
  octokit: EvaluationRunClient,
  repo: RepoRef,
  repoId: number,
  run: CompletedRun,
  lookup: DestinationLookup,
  evaluations: readonly ArtifactEvaluation[],
): Promise<{ destination: RunDestination; problems: string[] }> {
  const facts = runFacts(run);
  switch (lookup.kind) {
    case 'known':
      return { destination: lookup.destination, problems: [] };
    case 'run-pulls': {
      const pulls = runHasPulls(facts) ? await findPullRequestsForRun(octokit, repo, run) : null;
      return destinationFromRunPulls(facts, pulls, evaluations, lookup.checkNamed);
    }
    case 'pull': {
      const pr = await getOpenPullRequest(octokit, repo, lookup.number);
      const open =
        pr === null
          ? null
          : { number: pr.number, headSha: pr.head.sha, headRepoId: (pr.head.repo as { id?: number } | null)?.id ?? null, baseRef: pr.base?.ref ?? null, baseSha: pr.base?.sha ?? null };
      return { destination: destinationFromPull(facts, repoId, lookup.number, open), problems: [] };
    }
  }
}

async function compareWithBaseline(
  octokit: ContentsClient,
  store: Pick<Evaluations, 'latestEvaluation' | 'getEvaluation'>,
  target: BaselineTarget,
  evaluation: ArtifactEvaluation,
  rules: Config['metrics'],
  runUrl: string,
  holder: StageHolder | null,
): Promise<ModelResult> {
  const { manifest, metrics } = evaluation;
  const model = manifest.model.name;
  const card = manifest.card ? { path: manifest.card.path, basePath: manifest.card.path } : null;
  const found = await findBaseline({ octokit, store, holder }, target, model, card);
  const diff = compareMetrics(found?.metrics ?? emptyMetricSet(metrics.file), metrics, { rules });
  const baseline = found?.baseline ?? noBaseline(target, `no evaluation of this model on ${target.baseRef} yet`);
  return { model, diff, baseline, runUrl, source: evaluation.artifact };
}

/** Reports a run's outcome on each PR's evaluation check, unless the PR has moved on to another commit. */
async function reportOnPulls(
  octokit: EvaluationRunClient,
  store: PublishStore,
  repo: RepoRef,
  repoId: number,
  run: CompletedRun,
  pulls: readonly EvaluatedPull[],
  result: CheckText & { conclusion: CheckConclusion },
  log: Log,
  journal: Journal,
): Promise<void> {
  for (const pull of pulls) {
    const moved = await headMovedPast(store, { repoId, number: pull.number }, run.head_sha);
    if (moved !== null) {
      log.info({ run: run.id, pull: pull.number, currentHead: moved }, 'The pull request has moved on; the run is not reported.');
      continue;
    }
    const report = { status: 'completed' as const, ...result };
    const check = await createCheckRunOnce(octokit, journal, repo, { name: EVALUATION_CHECK_NAME, headSha: run.head_sha, pull: pull.number, purpose: 'run' }, (externalId) =>
      reportCheckRun(octokit, repo, { name: EVALUATION_CHECK_NAME, headSha: run.head_sha, externalId, detailsUrl: run.html_url }, report),
    );
    if (check.again) await rereportCheckRun(octokit, repo, check.id, { detailsUrl: run.html_url }, report);
    log.info({ run: run.id, pull: pull.number, conclusion: result.conclusion }, result.title);
  }
}

/** Whether the run is of the configured evaluation workflow (`evaluation.workflow`, a file name). */
async function isEvaluationWorkflow(octokit: ContentsClient, repo: RepoRef, defaultBranch: string, path: string): Promise<boolean> {
  const loaded = await readConfig(octokit, repo, defaultBranch);
  const workflow = loaded.ok ? loaded.config.evaluation.workflow : null;
  return workflow !== null && isWorkflowFile(path, workflow);
}
