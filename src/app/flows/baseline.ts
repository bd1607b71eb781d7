import type { Config } from '../../core/config/index.js';
import { chooseBaseline, evaluationMetricSet, isCardMetricSet, needsCardBaseline, type BaseCommit, type FoundBaseline, type StageBaseline } from '../../core/evaluation/index.js';
import { readMetrics } from '../../core/metrics/index.js';
import { modelRecord, readRegistry } from '../../core/promotion/index.js';
import { readFile, type ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';
import type { Evaluations } from '../../store/index.js';

/** The pull request, as far as finding a baseline goes. */
export interface BaselineTarget extends BaseCommit {
  /** The repository the PR is opened against: the base commit lives there, also for fork PRs. */
  base: RepoRef;
  /** That repository's id: the store's key. */
  repoId: number;
}

/** The changed card whose metrics need a baseline. */
export interface BaselineCard {
  /** Its path at the head. */
  path: string;
  /** Its path at the base (the old name for renames); null when the pull request adds it. */
  basePath: string | null;
}

/** The version the registry has in the baseline stage, and its evidence. */
export interface StageHolder {
  stage: string;
  version: string;
  commit: string;
  card: string;
  evaluation: number | null;
}

export interface BaselineSources {
  octokit: ContentsClient;
  /**
   * Where evaluations are remembered; null to compare with cards only. The pull_request
   * flow passes null: a card's `model-index` metrics (`imdb/accuracy`) and an evaluation's
   * metrics file (`eval.accuracy`) name their metrics differently, so only like is compared with like.
   */
  store: Pick<Evaluations, 'latestEvaluation' | 'getEvaluation'> | null;
  /** The registry's holder of the baseline stage for this model, when the repository promotes models. */
  holder?: StageHolder | null;
}

/**
 * Fetches what the core's baseline rule (chooseBaseline) decides between, in its order and only
 * as far as needed: the baseline stage's version (its evaluation, or its card at its commit: one
 * request), the latest successful evaluation of `model` on the base branch (no request), the
 * card at the base commit (one request; none for a new card).
 */
export async function findBaseline({ octokit, store, holder = null }: BaselineSources, pr: BaselineTarget, model: string, card: BaselineCard | null): Promise<FoundBaseline | null> {
  const stage = holder ? await holderMetrics(octokit, store, pr, model, holder) : null;
  const evaluation = stage === null && store ? await store.latestEvaluation({ repoId: pr.repoId, model, status: 'success', ref: pr.baseRef }) : null;
  let baseCard: { path: string; bytes: Uint8Array } | null = null;
  if (needsCardBaseline(evaluation, stage) && card?.basePath) {
    const read = await readFile(octokit, pr.base, card.basePath, pr.baseSha);
    if (read.kind === 'file') baseCard = { path: card.basePath, bytes: read.bytes };
  }
  return chooseBaseline(pr, { stage, evaluation, card: baseCard });
}

/** The stage holder's metrics of the same kind as the head's: its evaluation (evaluation diffs) or its card (card diffs). */
async function holderMetrics(octokit: ContentsClient, store: BaselineSources['store'], pr: BaselineTarget, model: string, holder: StageHolder): Promise<StageBaseline | null> {
  if (store) {
    const evaluation =
      (holder.evaluation !== null ? await store.getEvaluation(holder.evaluation) : null) ??
      (await store.latestEvaluation({ repoId: pr.repoId, model, modelVersion: holder.version, status: 'success' }));
    return evaluation && evaluation.repoId === pr.repoId ? { stage: holder.stage, version: holder.version, sha: evaluation.sha, metrics: evaluationMetricSet(evaluation) } : null;
  }
  const read = await readFile(octokit, pr.base, holder.card, holder.commit);
  if (read.kind !== 'file') return null;
  const metrics = readMetrics(holder.card, read.bytes);
  return metrics.ok && isCardMetricSet(metrics.value) ? { stage: holder.stage, version: holder.version, sha: holder.commit, metrics: metrics.value } : null;
}

/**
 * The registry's holders of the baseline stage (`promotion.baseline_stage`, by default the last
 * stage), read once per event from the default branch: one request, none without a promotion
 * policy. A registry that does not read gives no holders (the card check reports it).
 */
export async function stageHolders(octokit: ContentsClient, repo: RepoRef, branch: string, config: Config): Promise<(model: string) => StageHolder | null> {
  const policy = config.promotion;
  if (policy === null) return () => null;
  const read = await readFile(octokit, repo, policy.registry, branch);
  const registry = read.kind === 'file' ? readRegistry(new TextDecoder().decode(read.bytes)) : null;
  if (!registry?.ok) return () => null;
  return (model) => {
    const record = modelRecord(registry.file.registry, model);
    const version = record.stages[policy.baselineStage];
    const entry = version === undefined ? undefined : record.versions[version];
    if (version === undefined || entry === undefined) return null;
    return { stage: policy.baselineStage, version, commit: entry.commit, card: entry.card, evaluation: entry.evaluation?.id ?? null };
  };
}
