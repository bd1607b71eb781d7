import type { CardReport } from '../../core/cards/index.js';
import type { Config } from '../../core/config/index.js';
import { cardsWithMetrics, emptyMetricSet, noBaseline, type ModelResult } from '../../core/evaluation/index.js';
import { compareMetrics } from '../../core/metrics/index.js';
import { metricsDiffMarker } from '../../github/markers.js';
import type { ContentsClient } from '../../github/read-file.js';
import { findBaseline, stageHolders, type BaselineTarget } from './baseline.js';
import type { SnapshotCard } from './snapshot.js';

/**
 * The metric diff of every changed card that has metrics (`model-index` results), against
 * its baseline, under the config's metric rules. Cards are the ones the card check already
 * read; only the baselines cost requests. No card with metrics → no results.
 */
export async function cardMetricResults(
  octokit: ContentsClient,
  pr: BaselineTarget & { defaultBranch: string },
  config: Config,
  cards: readonly SnapshotCard[],
  reports: readonly CardReport[],
): Promise<ModelResult[]> {
  const results: ModelResult[] = [];
  const found = cardsWithMetrics(
    cards.map((card) => ({ path: card.path, basePath: card.basePath, bytes: card.read.kind === 'file' ? card.read.bytes : null })),
    reports,
    metricsDiffMarker,
  );
  if (found.length === 0) return results;
  const holders = await stageHolders(octokit, pr.base, pr.defaultBranch, config);
  // Models whose markers coincide would share one sticky comment, so the marker decides what "same name" is.
  for (const { card, model, head } of found) {
    // Card metrics are compared with cards: the stage holder's, else the one on the base branch (see BaselineSources.store).
    const baseline = await findBaseline({ octokit, store: null, holder: holders(model) }, pr, model, card);
    const diff = compareMetrics(baseline?.metrics ?? emptyMetricSet(card.basePath ?? card.path), head, { rules: config.metrics });
    results.push({ model, diff, baseline: baseline?.baseline ?? noBaseline(pr), runUrl: null, source: card.path });
  }
  return results;
}
