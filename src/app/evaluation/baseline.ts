import { readMetrics, type Baseline, type MetricSet } from '../../core/metrics/index.js';
import { readFile, type ContentsClient } from '../github/read-file.js';
import type { RepoRef } from '../github/repo-ref.js';

/**
 * What the App compares a pull request's metrics against. This is the one place that decides
 * it: until the model registry exists, the baseline is the same card on the base branch, at
 * the commit the pull request is based on. Replace this module (same signature) to compare
 * against the registry's production model instead.
 */

/** The pull request, as far as finding a baseline goes. */
export interface BaselineTarget {
  /** The repository the PR is opened against: the base commit lives there, also for fork PRs. */
  base: RepoRef;
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

/**
 * The baseline metrics for `model`, whose card is `card`, or null when there is none (every
 * metric is then `added`). One request: the card at the base commit; none for a new card.
 * A base card without readable metrics is a baseline with no metrics (so still named).
 */
export async function findBaseline(
  octokit: ContentsClient,
  pr: BaselineTarget,
  _model: string,
  card: BaselineCard,
): Promise<FoundBaseline | null> {
  if (card.basePath === null) return null;
  const read = await readFile(octokit, pr.base, card.basePath, pr.baseSha);
  if (read.kind !== 'file') return null;
  const baseline: Baseline = { label: 'base branch', ref: pr.baseRef, sha: pr.baseSha };
  const metrics = readMetrics(card.basePath, read.bytes);
  return { metrics: metrics.ok && isCardMetricSet(metrics.value) ? metrics.value : emptyMetricSet(card.basePath), baseline };
}

/** What the comment names when there is no baseline: nothing, and why. */
export function noBaseline(pr: BaselineTarget): Baseline {
  return { label: 'none: the card is not on the base branch', ref: pr.baseRef, sha: pr.baseSha };
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
