import type { CardReport } from '../../core/cards/types.js';
import type { Config } from '../../core/config/schema.js';
import { compareMetrics, metricsDiffMarker, readMetrics, type MetricSet } from '../../core/metrics/index.js';
import type { ContentsClient } from '../../github/read-file.js';
import type { SnapshotCard } from './snapshot.js';
import { emptyMetricSet, findBaseline, isCardMetricSet, noBaseline, type BaselineTarget } from './baseline.js';
import type { ModelResult } from './publish.js';

/** A changed card that has metrics to compare. */
interface CardWithMetrics {
  card: SnapshotCard;
  model: string;
  head: MetricSet;
}

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
  for (const { card, model, head } of cardsWithMetrics(cards, reports)) {
    // Card metrics are compared with the card on the base branch (see BaselineSources.store).
    const found = await findBaseline({ octokit, store: null }, pr, model, card);
    const diff = compareMetrics(found?.metrics ?? emptyMetricSet(card.basePath ?? card.path), head, { rules: config.metrics });
    results.push({ model, diff, baseline: found?.baseline ?? noBaseline(pr), runUrl: null, source: card.path });
  }
  return results;
}

/**
 * The cards with at least one metric, each with the model it is about: the card's identity,
 * else the `model-index` name, else its path. Two cards that would share a name (and so one
 * comment) are told apart by path.
 */
export function cardsWithMetrics(cards: readonly SnapshotCard[], reports: readonly CardReport[]): CardWithMetrics[] {
  const reportFor = new Map(reports.map((r) => [r.path, r]));
  const markers = new Set<string>();
  const found: CardWithMetrics[] = [];
  for (const card of cards) {
    if (card.read.kind !== 'file') continue;
    const read = readMetrics(card.path, card.read.bytes);
    if (!read.ok || !isCardMetricSet(read.value) || read.value.metrics.size === 0) continue;
    let model = reportFor.get(card.path)?.model?.name ?? read.value.model ?? card.path;
    if (markers.has(metricsDiffMarker(model))) model = card.path;
    markers.add(metricsDiffMarker(model));
    found.push({ card, model, head: read.value });
  }
  return found;
}
