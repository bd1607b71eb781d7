import { MetricTable, readMetrics, type Baseline, type MetricSet, type MetricValue } from '../metrics/index.js';
import type { Evaluation, StoredMetricValue } from './evaluation.js';

/**
 * What a pull request's metrics are compared against, decided in one place: the version the
 * registry has in the baseline stage (what the change would replace), else the latest successful
 * evaluation of the same model on the base branch (evaluation runs on the default branch record
 * it), else the model's card on the base branch at the commit the pull request is based on, else
 * nothing (every metric is then `added`). The flows fetch the sources; this decides.
 */

export interface FoundBaseline {
  metrics: MetricSet;
  baseline: Baseline;
}

/** Where the base branch is: what a card baseline is read at, and what "no baseline" names. */
export interface BaseCommit {
  baseRef: string;
  baseSha: string;
}

/** The registry's version in the baseline stage, with metrics of the same kind as the head's. */
export interface StageBaseline {
  stage: string;
  version: string;
  sha: string;
  metrics: MetricSet;
}

export interface BaselineSources {
  /**
   * The version the registry has in the baseline stage (production, by default) and its metrics,
   * when there is one: what the change will replace, so it comes first.
   */
  stage?: StageBaseline | null;
  /** The latest successful evaluation of the model on the base branch; null when none is recorded (or not looked up). */
  evaluation: Evaluation | null;
  /** The card at the base commit, by its base path; null when the PR adds the card or it could not be read. */
  card: { path: string; bytes: Uint8Array } | null;
}

/** Whether the card must be read at all: only when neither the stage's version nor an evaluation gives a baseline (a read costs an API call). */
export function needsCardBaseline(evaluation: Evaluation | null, stage: BaselineSources['stage'] = null): boolean {
  return evaluation === null && !stage;
}

/**
 * The baseline from what was found, or null when there is none. A base card without readable
 * metrics is a baseline with no metrics (so still named).
 */
export function chooseBaseline(base: BaseCommit, sources: BaselineSources): FoundBaseline | null {
  if (sources.stage) {
    const { stage, version, sha, metrics } = sources.stage;
    return { metrics, baseline: { label: `${stage} (${version})`, sha, version } };
  }
  if (sources.evaluation) return { metrics: evaluationMetricSet(sources.evaluation), baseline: evaluationBaseline(sources.evaluation) };
  if (sources.card === null) return null;
  const { path, bytes } = sources.card;
  const metrics = readMetrics(path, bytes);
  return {
    metrics: metrics.ok && isCardMetricSet(metrics.value) ? metrics.value : emptyMetricSet(path),
    baseline: { label: 'base branch', ref: base.baseRef, sha: base.baseSha },
  };
}

/** A stored evaluation as a baseline: "main (evaluation run #123)", at its commit. */
export function evaluationBaseline(evaluation: Pick<Evaluation, 'ref' | 'runId' | 'sha'>): Baseline {
  // No `ref`: the label already names the branch, and the comment would repeat it.
  return { label: `${evaluation.ref} (evaluation run #${evaluation.runId})`, sha: evaluation.sha };
}

/** A stored evaluation's metrics, in the shape the diff engine compares (stored order kept). */
export function evaluationMetricSet(evaluation: Pick<Evaluation, 'metrics' | 'model' | 'runId'>): MetricSet {
  const metrics = MetricTable.of(Object.entries(evaluation.metrics).map(([key, value], i) => ({ key, value: metricValue(value), line: i + 1, column: 1 })));
  return { file: `evaluation run #${evaluation.runId}`, format: 'json', metrics, notes: [], model: evaluation.model };
}

function metricValue(value: StoredMetricValue): MetricValue {
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'text', value };
  if (value === null) return { kind: 'invalid', raw: 'null' };
  return { kind: 'invalid', raw: value.invalid };
}

/** What the comment names when there is no baseline: nothing, and why. */
export function noBaseline(base: BaseCommit, why = 'the card is not on the base branch'): Baseline {
  return { label: `none: ${why}`, ref: base.baseRef, sha: base.baseSha };
}

/**
 * Metrics read from a card's `model-index` (or a Model Card Toolkit card). A YAML or JSON card
 * without them would otherwise read as a plain metrics file of its metadata (license, tags, …).
 */
export function isCardMetricSet(set: MetricSet): boolean {
  return set.format === 'model-index' || set.format === 'mct';
}

export function emptyMetricSet(file: string): MetricSet {
  return { file, format: 'model-index', metrics: new MetricTable(), notes: [], model: null };
}
