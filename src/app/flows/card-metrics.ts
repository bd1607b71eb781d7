import type { CardReport } from '../../core/cards/index.js';
import type { Config } from '../../core/config/index.js';
import { cardsWithMetrics, emptyMetricSet, noBaseline, type ModelResult } from '../../core/evaluation/index.js';
import { compareMetrics } from '../../core/metrics/index.js';
import { metricsDiffMarker } from '../../github/markers.js';
import type { ContentsClient } from '../../github/read-file.js';
import { findBaseline, type BaselineTarget } from './baseline.js';
import type { SnapshotCard } from './snapshot.js';

/**
 * The metric diff of every changed card that has metrics (`model-index` results), against
 * its baseline, under the config's metric rules. Cards are the ones the card check already
 * read; only the baselines cost requests. No card with metrics → no results.
 */
export async function cardMetricResults(
  octokit: ContentsClient,
  pr: BaselineTarget,
  config: Config,
  cards: readonly SnapshotCard[],
  reports: readonly CardReport[],
): Promise<ModelResult[]> {
  const results: ModelResult[] = [];
  const headCards = cards.map((card) => ({ path: card.path, basePath: card.basePath, bytes: card.read.kind === 'file' ? card.read.bytes : null }));
  // Models whose markers coincide would share one sticky comment, so the marker decides what "same name" is.
  for (const { card, model, head } of cardsWithMetrics(headCards, reports, metricsDiffMarker)) {
    // Card metrics are compared with the card on the base branch (see BaselineSources.store).
    const found = await findBaseline({ octokit, store: null }, pr, model, card);
    const diff = compareMetrics(found?.metrics ?? emptyMetricSet(card.basePath ?? card.path), head, { rules: config.metrics });
    results.push({ model, diff, baseline: found?.baseline ?? noBaseline(pr), runUrl: null, source: card.path });
  }
  return results;
}
