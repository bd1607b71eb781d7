import { bootstrapMeanDifference, clampResamples, CONFIDENCE, DEFAULT_SEED, excludesZero, schemeFor, type BootstrapOptions, type Interval } from './bootstrap.js';
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
 * per-example column both sides have. Pairs are ordered by id (not file order), so shuffling a
 * file does not change the interval.
 */
export function pairedSignificance(base: PredictionSet, head: PredictionSet, options: BootstrapOptions = {}): Significance {
  const result = notComputed('', options);
  const baseIndex = new Map<string, number>();
  base.ids.forEach((id, i) => baseIndex.set(id, i));
  const pairs: [id: string, b: number, h: number][] = [];
  const headIds = new Set<string>();
  head.ids.forEach((id, h) => {
    headIds.add(id);
    const b = baseIndex.get(id);
    if (b === undefined) {
      result.headOnly++;
      if (result.headOnlyIds.length < UNPAIRED_SHOWN) result.headOnlyIds.push(id);
    } else {
      pairs.push([id, b, h]);
    }
  });
  for (const id of base.ids) {
    if (headIds.has(id)) continue;
    result.baseOnly++;
    if (result.baseOnlyIds.length < UNPAIRED_SHOWN) result.baseOnlyIds.push(id);
  }
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  result.paired = pairs.length;

  const usable: { name: string; d: Float64Array }[] = [];
  for (const [name, headValues] of head.columns) {
    const baseValues = base.columns.get(name);
    if (!baseValues) {
      result.skipped.set(name, `only ${head.file} has per-example values for it`);
      continue;
    }
    const d = new Float64Array(pairs.length);
    let used = 0;
    for (const [, b, h] of pairs) {
      const diff = headValues[h]! - baseValues[b]!;
      if (Number.isFinite(diff)) d[used++] = diff;
    }
    if (used < 2) {
      result.skipped.set(name, 'fewer than 2 examples have it on both sides');
      continue;
    }
    usable.push({ name, d: d.subarray(0, used) });
  }
  for (const name of base.columns.keys()) {
    if (!head.columns.has(name)) result.skipped.set(name, `only ${base.file} has per-example values for it`);
  }

  // One scheme for every column, by the number of pairs (a column may have fewer usable ones).
  const scheme = schemeFor(pairs.length, options);
  for (const { name, d } of usable) {
    const interval = bootstrapMeanDifference(d, { ...options, scheme });
    if (interval) result.columns.set(name, { interval, significant: excludesZero(interval) });
  }

  result.computed = result.columns.size > 0;
  const pct = Math.round(result.confidence * 100);
  result.reason = result.computed
    ? `paired ${scheme === 'poisson' ? 'Poisson ' : ''}bootstrap, ${pct} % CI of the head − base difference of the mean: ${result.resamples.toLocaleString('en-US')} resamples, seed ${result.seed}, ${result.paired.toLocaleString('en-US')} paired examples`
    : pairs.length < 2
      ? `fewer than 2 examples are in both per-example results (paired by id)`
      : 'no per-example metric is in both per-example results';
  return result;
}
