import { bootstrapMeanDifference, clampResamples, CONFIDENCE, DEFAULT_SEED, excludesZero, schemeFor, type BootstrapOptions, type Interval } from './bootstrap.js';
import { IdIndex, PAIR_BATCH } from './id-index.js';
import type { PredictionSet } from './predictions.js';

/** How many unpaired ids a report names, per side. */
const UNPAIRED_SHOWN = 5;

export interface ColumnSignificance {
  interval: Interval;
  significant: boolean;
}

export interface Significance {
  computed: boolean;
  /** One sentence: how it was computed, or why it was not. */
  reason: string;
  resamples: number;
  seed: number;
  confidence: number;
  /** Examples present on both sides. */
  paired: number;
  baseOnly: number;
  headOnly: number;
  /** A few of the unpaired ids, for the report. */
  baseOnlyIds: string[];
  headOnlyIds: string[];
  /** Per-example column → interval of head − base, for columns on both sides with ≥ 2 usable pairs. */
  columns: Map<string, ColumnSignificance>;
  /** Columns that could not be used, with why. */
  skipped: Map<string, string>;
}

/** Significance when per-example results were not given (or only for one side). */
export function notComputed(reason: string, options: BootstrapOptions = {}): Significance {
  return {
    computed: false,
    reason,
    resamples: clampResamples(options.resamples),
    seed: options.seed ?? DEFAULT_SEED,
    confidence: options.confidence ?? CONFIDENCE,
    paired: 0,
    baseOnly: 0,
    headOnly: 0,
    baseOnlyIds: [],
    headOnlyIds: [],
    columns: new Map(),
    skipped: new Map(),
  };
}

/**
 * Pairs examples by id and bootstraps the head − base difference of the mean for each
 * per-example column both sides have. Shuffling a file does not change the interval: for the
 * classical bootstrap the pairs are ordered by id (not file order); the Poisson bootstrap
 * resamples each column by its sorted values (poisson-bootstrap.ts), so there the pairs stay in
 * head's order and a million ids are not sorted. Pairs are rows of both sides in Int32Arrays,
 * found through the readers' id indexes (comparing the ids' bytes): no per-pair objects, and no
 * string of an id but for the few unpaired ones a report names.
 */
export function pairedSignificance(base: PredictionSet, head: PredictionSet, options: BootstrapOptions = {}): Significance {
  const result = notComputed('', options);
  const baseIndex = base.idIndex ?? IdIndex.over(base.ids);
  const headIndex = head.idIndex ?? IdIndex.over(head.ids);
  const matched = new Uint8Array(base.ids.length);
  let baseRows = new Int32Array(Math.min(base.ids.length, head.ids.length));
  let headRows = new Int32Array(baseRows.length);
  let paired = 0;
  const found = new Int32Array(PAIR_BATCH);
  for (let h = 0; h < head.ids.length; h++) {
    if (h % PAIR_BATCH === 0) baseIndex.findRowsOf(headIndex, h, Math.min(head.ids.length, h + PAIR_BATCH), found);
    const b = found[h % PAIR_BATCH]!;
    if (b === -1) {
      result.headOnly++;
      if (result.headOnlyIds.length < UNPAIRED_SHOWN) result.headOnlyIds.push(head.ids.at(h)!);
    } else if (matched[b] === 0) {
      matched[b] = 1;
      baseRows[paired] = b;
      headRows[paired] = h;
      paired++;
    }
  }
  for (let b = 0; b < base.ids.length; b++) {
    if (matched[b] === 1) continue;
    result.baseOnly++;
    if (result.baseOnlyIds.length < UNPAIRED_SHOWN) result.baseOnlyIds.push(base.ids.at(b)!);
  }
  result.paired = paired;
  // One scheme for every column, by the number of pairs (a column may have fewer usable ones).
  const scheme = schemeFor(paired, options);
  if (scheme === 'multinomial') {
    const order = Array.from({ length: paired }, (_, k) => k);
    // By the ids' strings: compared as bytes where that is the same order, else as strings.
    const arena = headIndex.ids;
    if (arena.bytesSortAsStrings) {
      order.sort((x, y) => arena.compareBytes(headRows[x]!, headRows[y]!));
    } else {
      const ids = Array.from(arena);
      order.sort((x, y) => {
        const a = ids[headRows[x]!]!;
        const c = ids[headRows[y]!]!;
        return a < c ? -1 : a > c ? 1 : 0;
      });
    }
    baseRows = Int32Array.from(order, (k) => baseRows[k]!);
    headRows = Int32Array.from(order, (k) => headRows[k]!);
  }

  // The columns' differences are made one at a time, just before their bootstrap, in one buffer
  // (a first pass only counts them): at a million pairs each is 8 MB, and all of them at once
  // were on the peak.
  const usable: { name: string; headValues: Float64Array; baseValues: Float64Array; used: number }[] = [];
  for (const [name, headValues] of head.columns) {
    const baseValues = base.columns.get(name);
    if (!baseValues) {
      result.skipped.set(name, `only ${head.file} has per-example values for it`);
      continue;
    }
    let used = 0;
    for (let k = 0; k < paired; k++) if (Number.isFinite(headValues[headRows[k]!]! - baseValues[baseRows[k]!]!)) used++;
    if (used < 2) {
      result.skipped.set(name, 'fewer than 2 examples have it on both sides');
      continue;
    }
    usable.push({ name, headValues, baseValues, used });
  }
  for (const name of base.columns.keys()) {
    if (!head.columns.has(name)) result.skipped.set(name, `only ${base.file} has per-example values for it`);
  }

  // The bootstrap keeps no reference to its input (it copies what it keeps).
  const buffer = new Float64Array(usable.reduce((most, u) => Math.max(most, u.used), 0));
  for (const { name, headValues, baseValues, used } of usable) {
    const d = buffer.subarray(0, used);
    for (let k = 0, j = 0; k < paired; k++) {
      const diff = headValues[headRows[k]!]! - baseValues[baseRows[k]!]!;
      if (Number.isFinite(diff)) d[j++] = diff;
    }
    const interval = bootstrapMeanDifference(d, { ...options, scheme });
    if (interval) result.columns.set(name, { interval, significant: excludesZero(interval) });
  }

  result.computed = result.columns.size > 0;
  const pct = Math.round(result.confidence * 100);
  result.reason = result.computed
    ? `paired ${scheme === 'poisson' ? 'Poisson ' : ''}bootstrap, ${pct} % CI of the head − base difference of the mean: ${result.resamples.toLocaleString('en-US')} resamples, seed ${result.seed}, ${result.paired.toLocaleString('en-US')} paired examples`
    : paired < 2
      ? `fewer than 2 examples are in both per-example results (paired by id)`
      : 'no per-example metric is in both per-example results';
  return result;
}
