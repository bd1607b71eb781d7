/**
 * Paired bootstrap confidence intervals for a difference of means.
 *
 * Given per-example differences d_i = head_i − base_i, each resample draws n indices with
 * replacement and takes the mean of d over them; the interval is the percentile interval of
 * those means (linear interpolation between order statistics). The random source is
 * xoshiro128+, its state derived from the seed by a splitmix-style hash, so the same inputs
 * and seed always give the same interval. An index is one 32-bit draw scaled to [0, n)
 * (bias under n / 2^32). The hot loop keeps the generator state in locals and writes into a
 * preallocated typed array: nothing is allocated per resample.
 *
 * That is the classical (multinomial) bootstrap, used up to POISSON_ABOVE examples, where its
 * intervals are the ones modelgate has always given. Above, the draws at random places in
 * arrays larger than the cache cost more than the arithmetic, and the Poisson bootstrap
 * (poisson-bootstrap.ts, with its references) gives the same intervals in one ordered pass,
 * and in O(1) per resample for 0/1 metrics.
 */
import { blockCount, blockMeans, BLOCK_RESAMPLES, prepareColumn, type PreparedColumn } from './poisson-bootstrap.js';
import { seedState } from './seed.js';

export { createRandom, seedState } from './seed.js';

export const DEFAULT_SEED = 42;
export const DEFAULT_RESAMPLES = 2_000;
export const MAX_RESAMPLES = 100_000;
export const CONFIDENCE = 0.95;
/** Above this many examples the Poisson bootstrap is used (unless a scheme is given). */
export const POISSON_ABOVE = 100_000;

export type BootstrapScheme = 'multinomial' | 'poisson';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence?: number;
  /** By default multinomial up to POISSON_ABOVE examples, Poisson above. */
  scheme?: BootstrapScheme;
  /**
   * Computes a Poisson bootstrap's resample means elsewhere, e.g. on worker threads (the node
   * adapter's parallelBlocks): it must return what poissonMeans would, block for block, or null
   * to leave the work to this thread. The core itself stays single-threaded.
   */
  runBlocks?: (job: PoissonJob) => Float64Array | null;
}

/** One column's Poisson bootstrap: its resamples' means are blockMeans over blocks 0 … blockCount − 1. */
export interface PoissonJob {
  column: PreparedColumn;
  sampleMean: number;
  seed: number;
  resamples: number;
}

/** The scheme used for n examples. */
export function schemeFor(n: number, options: BootstrapOptions = {}): BootstrapScheme {
  return options.scheme ?? (n > POISSON_ABOVE ? 'poisson' : 'multinomial');
}

export interface Interval {
  /** Mean of the differences in the sample itself. */
  mean: number;
  lo: number;
  hi: number;
  /** Examples the interval is based on. */
  n: number;
}

/**
 * Intervals for several columns of differences over the same examples (equal lengths). Every
 * column is resampled with the same seed, so all of them see the same resampled indices (a
 * shared index buffer was measured slower than regenerating the draws). Null for n < 2.
 */
export function bootstrapMeanDifferences(columns: readonly Float64Array[], options: BootstrapOptions = {}): (Interval | null)[] {
  const n = columns[0]?.length ?? 0;
  for (const c of columns) if (c.length !== n) throw new RangeError('bootstrap columns must have equal lengths');
  return columns.map((column) => bootstrapMeanDifference(column, options));
}

/** The interval of the mean of `differences`; null for fewer than two examples. */
export function bootstrapMeanDifference(differences: Float64Array, options: BootstrapOptions = {}): Interval | null {
  const n = differences.length;
  if (n < 2) return null;
  if (schemeFor(n, options) === 'poisson') {
    const sampleMean = mean(differences);
    const column = prepareColumn(differences);
    const job: PoissonJob = { column, sampleMean, seed: options.seed ?? DEFAULT_SEED, resamples: clampResamples(options.resamples) };
    const means = options.runBlocks?.(job) ?? poissonMeans(column, sampleMean, options);
    return intervalOfMeans(means, sampleMean, n, options);
  }
  const resamples = clampResamples(options.resamples);
  const means = new Float64Array(resamples);
  const [a, b, c, d] = seedState(options.seed ?? DEFAULT_SEED);
  let s0 = a!;
  let s1 = b!;
  let s2 = c!;
  let s3 = d!;
  const scale = n / 4294967296;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const draw = (s0 + s3) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      sum += differences[(draw * scale) | 0]!;
    }
    means[r] = sum / n;
  }
  return intervalOfMeans(means, mean(differences), n, options);
}

/** Every Poisson resample's mean, block after block, in one thread (the node adapter spreads blocks over workers). */
export function poissonMeans(column: PreparedColumn, sampleMean: number, options: BootstrapOptions = {}): Float64Array {
  const resamples = clampResamples(options.resamples);
  const seed = options.seed ?? DEFAULT_SEED;
  const means = new Float64Array(resamples);
  for (let block = 0; block < blockCount(resamples); block++) {
    blockMeans(column, seed, block, resamples, sampleMean, means.subarray(block * BLOCK_RESAMPLES));
  }
  return means;
}

/** The percentile interval of the resampled means (sorted in place). */
export function intervalOfMeans(means: Float64Array, sampleMean: number, n: number, options: BootstrapOptions = {}): Interval {
  const tail = (1 - (options.confidence ?? CONFIDENCE)) / 2;
  means.sort();
  return { mean: sampleMean, lo: quantile(means, tail), hi: quantile(means, 1 - tail), n };
}

export function clampResamples(resamples: number | undefined): number {
  return Math.max(1, Math.min(MAX_RESAMPLES, Math.floor(resamples ?? DEFAULT_RESAMPLES)));
}

/** Whether an interval excludes zero. */
export function excludesZero(interval: Pick<Interval, 'lo' | 'hi'>): boolean {
  return interval.lo > 0 || interval.hi < 0;
}

export function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Quantile of sorted values by linear interpolation (R's type 7, NumPy's default). */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
