import { readMetrics, type Baseline, type MetricSet, type MetricValue } from '../../core/metrics/index.js';
import type { Evaluation, Store, StoredMetricValue } from '../../store/store.js';
import { readFile, type ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';

/**
 * What the App compares a pull request's metrics against. This is the one place that decides
 * it: the latest successful evaluation of the same model on the base branch, as the store
 * remembers it (evaluation runs on the default branch record it), else the model's card on
 * the base branch, at the commit the pull request is based on. Replace this module (same
 * signature) to compare against the registry's production model instead.
 */

/** The pull request, as far as finding a baseline goes. */
export interface BaselineTarget {
  /** The repository the PR is opened against: the base commit lives there, also for fork PRs. */
  base: RepoRef;
  /** That repository's id: the store's key. */
  repoId: number;
  baseRef: string;
  baseSha: string;
}

/** The changed card whose metrics need a baseline. */
export interface BaselineCard {
  /** Its path at the head. */
  path: string;
  /** Its path at the base (the old name for renames); null when the pull request adds it. */
  basePath: string | null;
}

export interface FoundBaseline {
  metrics: MetricSet;
  baseline: Baseline;
}

export interface BaselineSources {
  octokit: ContentsClient;
  /**
   * Where evaluations are remembered; null to compare with the card only. The pull_request
   * handler passes null: a card's `model-index` metrics (`imdb/accuracy`) and an evaluation's
   * metrics file (`eval.accuracy`) name their metrics differently, so only like is compared with like.
   */
  store: Pick<Store, 'latestEvaluation'> | null;
}

/**
 * The baseline metrics for `model`, whose card is `card` (null when unknown), or null when
 * there is none (every metric is then `added`). The store costs no request; the card at the
 * base commit costs one, none for a new card. A base card without readable metrics is a
 * baseline with no metrics (so still named).
 */
export async function findBaseline(
  { octokit, store }: BaselineSources,
  pr: BaselineTarget,
  model: string,
  card: BaselineCard | null,
): Promise<FoundBaseline | null> {
  if (store) {
    const evaluation = await store.latestEvaluation({ repoId: pr.repoId, model, status: 'success', ref: pr.baseRef });
    if (evaluation) return { metrics: evaluationMetricSet(evaluation), baseline: evaluationBaseline(evaluation) };
  }
  if (card === null || card.basePath === null) return null;
  const read = await readFile(octokit, pr.base, card.basePath, pr.baseSha);
  if (read.kind !== 'file') return null;
  const baseline: Baseline = { label: 'base branch', ref: pr.baseRef, sha: pr.baseSha };
  const metrics = readMetrics(card.basePath, read.bytes);
  return { metrics: metrics.ok && isCardMetricSet(metrics.value) ? metrics.value : emptyMetricSet(card.basePath), baseline };
}

/** A stored evaluation as a baseline: "main (evaluation run #123)", at its commit. */
export function evaluationBaseline(evaluation: Pick<Evaluation, 'ref' | 'runId' | 'sha'>): Baseline {
  // No `ref`: the label already names the branch, and the comment would repeat it.
  return { label: `${evaluation.ref} (evaluation run #${evaluation.runId})`, sha: evaluation.sha };
}

/** A stored evaluation's metrics, in the shape the diff engine compares (stored order kept). */
export function evaluationMetricSet(evaluation: Pick<Evaluation, 'metrics' | 'model' | 'runId'>): MetricSet {
  const metrics = new Map(
    Object.entries(evaluation.metrics).map(([key, value], i) => [key, { key, value: metricValue(value), line: i + 1, column: 1 }] as const),
  );
  return { file: `evaluation run #${evaluation.runId}`, format: 'json', metrics, notes: [], model: evaluation.model };
}

function metricValue(value: StoredMetricValue): MetricValue {
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'text', value };
  if (value === null) return { kind: 'invalid', raw: 'null' };
  return { kind: 'invalid', raw: value.invalid };
}

/** What the comment names when there is no baseline: nothing, and why. */
export function noBaseline(pr: Pick<BaselineTarget, 'baseRef' | 'baseSha'>, why = 'the card is not on the base branch'): Baseline {
  return { label: `none: ${why}`, ref: pr.baseRef, sha: pr.baseSha };
}

/**
 * Metrics read from a card's `model-index` (or a Model Card Toolkit card). A YAML or JSON card
 * without them would otherwise read as a plain metrics file of its metadata (license, tags, …).
 */
export function isCardMetricSet(set: MetricSet): boolean {
  return set.format === 'model-index' || set.format === 'mct';
}

export function emptyMetricSet(file: string): MetricSet {
  return { file, format: 'model-index', metrics: new Map(), notes: [], model: null };
}
