import type { CardReport } from '../cards/index.js';
import { readMetrics, type MetricSet } from '../metrics/index.js';
import { isCardMetricSet } from './baseline.js';

/** A changed card as read at the head commit; `bytes` null when it is not a file there. */
export interface HeadCard {
  path: string;
  /** Its path at the base (the old name for renames); null when the pull request adds it. */
  basePath: string | null;
  bytes: Uint8Array | null;
}

/** A changed card that has metrics to compare, and the model it is about. */
export interface CardWithMetrics<C extends HeadCard = HeadCard> {
  card: C;
  model: string;
  head: MetricSet;
}

/**
 * The cards with at least one metric, each with the model it is about: the card's identity,
 * else the `model-index` name, else its path. Two cards that would share a name are told apart
 * by path. `slot` says which names share a place (the App's sticky comment per model, whose
 * marker squashes some characters); by default, equal names.
 */
export function cardsWithMetrics<C extends HeadCard>(
  cards: readonly C[],
  reports: readonly CardReport[],
  slot: (model: string) => string = (model) => model,
): Array<CardWithMetrics<C>> {
  const reportFor = new Map(reports.map((r) => [r.path, r]));
  const taken = new Set<string>();
  const found: Array<CardWithMetrics<C>> = [];
  for (const card of cards) {
    if (card.bytes === null) continue;
    const read = readMetrics(card.path, card.bytes);
    if (!read.ok || !isCardMetricSet(read.value) || read.value.metrics.size === 0) continue;
    let model = reportFor.get(card.path)?.model?.name ?? read.value.model ?? card.path;
    if (taken.has(slot(model))) model = card.path;
    taken.add(slot(model));
    found.push({ card, model, head: read.value });
  }
  return found;
}
