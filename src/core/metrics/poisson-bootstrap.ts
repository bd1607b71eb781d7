/**
 * The Poisson bootstrap, for large samples: each resample gives every example an independent
 * Poisson(1) weight w_i instead of drawing n indices with replacement, and its statistic is the
 * weighted mean Σ w_i d_i / Σ w_i. As n grows the multinomial counts of the classical bootstrap
 * become independent Poisson(1) variables, so the two give the same intervals (Hanley &
 * MacGibbon 2006, "Creating non-parametric bootstrap samples using Poisson frequencies",
 * Computer Methods and Programs in Biomedicine 83(1); Chamandy, Muralidharan, Najmi & Naidu
 * 2012, "Estimating uncertainty for massive data streams", Google; Kleiner et al. 2014 use the
 * same weights). What it buys here:
 *
 * - The data is read in order, in tiles that stay in the L1 cache, instead of at n random places
 *   per resample: at a million examples the random reads missed the cache on most draws.
 * - A column with few distinct values (the differences of 0/1 metrics: −1, 0, 1) needs no
 *   per-example work at all: the total weight of the c examples holding one value is a sum of
 *   c independent Poisson(1) variables, that is Poisson(c), so a resample is one Poisson draw
 *   per distinct value. This is the same distribution, not an approximation of it.
 * - Likewise the examples whose difference is 0 only add weight: one Poisson(count) draw.
 * - Resamples come in fixed blocks, each with its own generator derived from the seed and the
 *   block's number, so the interval depends on the seed only, whatever order or thread the
 *   blocks are computed in.
 *
 * Poisson(1) weights are drawn by inversion of one 32-bit draw (a 4,096-entry table decides all
 * but 0.3 % of them); Poisson(λ) for larger λ by Hörmann's PTRS (W. Hörmann 1993, "The
 * transformed rejection method for generating Poisson random variables", Insurance:
 * Mathematics and Economics 12(1)), as NumPy does, and by multiplication of uniforms below 10.
 */
import { seedState } from './seed.js';

/** Resamples per block: each block has its own generator. Its sums stay in the L1 cache. */
export const BLOCK_RESAMPLES = 100;
/** Columns with at most this many distinct values are resampled by their counts. */
export const MAX_LEVELS = 64;

/** A column made ready for resampling: by distinct values, or the non-zero values in order. */
export type PreparedColumn =
  | { kind: 'levels'; n: number; values: Float64Array; counts: Float64Array }
  | { kind: 'values'; n: number; nonZero: Float64Array; zeros: number };

export function prepareColumn(differences: Float64Array): PreparedColumn {
  const n = differences.length;
  const levels = new Map<number, number>();
  for (let i = 0; i < n && levels.size <= MAX_LEVELS; i++) {
    const d = differences[i]!;
    levels.set(d, (levels.get(d) ?? 0) + 1);
  }
  if (levels.size <= MAX_LEVELS) {
    // Sorted, so that the draws do not depend on the order of the examples.
    const values = Float64Array.from(levels.keys()).sort();
    return { kind: 'levels', n, values, counts: Float64Array.from(values, (v) => levels.get(v)!) };
  }
  let zeros = 0;
  for (let i = 0; i < n; i++) if (differences[i] === 0) zeros++;
  const nonZero = new Float64Array(n - zeros);
  for (let i = 0, j = 0; i < n; i++) if (differences[i] !== 0) nonZero[j++] = differences[i]!;
  return { kind: 'values', n, nonZero, zeros };
}

export function blockCount(resamples: number): number {
  return Math.ceil(resamples / BLOCK_RESAMPLES);
}

/**
 * The means of block `block`'s resamples (resamples block × BLOCK_RESAMPLES onwards, at most
 * `resamples` in all) written to `out` from index 0. `sample` is the mean of the data itself,
 * used in the (for n ≥ 2, vanishingly rare) resample whose weights are all zero.
 */
export function blockMeans(column: PreparedColumn, seed: number, block: number, resamples: number, sample: number, out: Float64Array): number {
  const count = Math.min(BLOCK_RESAMPLES, resamples - block * BLOCK_RESAMPLES);
  const random = new Generator(blockSeed(seed, block));
  const sums = new Float64Array(count);
  const weights = new Float64Array(count);
  if (column.kind === 'levels') {
    for (let r = 0; r < count; r++) {
      for (let k = 0; k < column.values.length; k++) {
        const w = random.poisson(column.counts[k]!);
        sums[r] = sums[r]! + w * column.values[k]!;
        weights[r] = weights[r]! + w;
      }
    }
  } else {
    weightedSums(column.nonZero, random, sums, weights);
    if (column.zeros > 0) for (let r = 0; r < count; r++) weights[r] = weights[r]! + random.poisson(column.zeros);
  }
  for (let r = 0; r < count; r++) out[r] = weights[r]! > 0 ? sums[r]! / weights[r]! : sample;
  return count;
}

/** The generator's seed for one block: the seed and the block's number, hashed together. */
function blockSeed(seed: number, block: number): number {
  return (Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(block + 1, 0x85ebca6b)) >>> 0;
}

/**
 * P(X ≤ k) for X ~ Poisson(1), scaled to 2^32: a draw u gives weight k for the smallest k with
 * u < POISSON1_CDF[k]. The last entry is 2^32, so every draw has a weight (P(X > 13) < 2^-32).
 */
const POISSON1_CDF = (() => {
  const cdf: number[] = [];
  let p = Math.exp(-1);
  let total = 0;
  for (let k = 0; k < 13; k++) {
    total += p;
    cdf.push(Math.min(4294967296, Math.round(total * 4294967296)));
    p /= k + 1;
  }
  cdf.push(4294967296);
  return Float64Array.from(cdf);
})();

/** The weight for each of the 4,096 ranges of a draw's top 12 bits, or 255 where a range spans two weights. */
const POISSON1_TABLE = (() => {
  const table = new Uint8Array(4096);
  for (let i = 0; i < 4096; i++) {
    const lo = i * 1048576;
    const hi = lo + 1048575;
    const a = poisson1Slow(lo);
    table[i] = a === poisson1Slow(hi) ? a : 255;
  }
  return table;
})();

function poisson1Slow(u: number): number {
  let k = 0;
  while (u >= POISSON1_CDF[k]!) k++;
  return k;
}

/** Examples per tile of weightedSums: 32 KB of values, which stay in the L1 cache. */
const TILE = 4096;

/**
 * sums[r] += w·v and weights[r] += w over every value v, with a fresh Poisson(1) weight w per
 * value and resample. The values are taken a tile at a time, and each resample's pass over a
 * tile keeps its two sums in registers: the data is read from memory once per block, not once
 * per resample, and never at random places. The generator (xoshiro128+) is inlined, its state
 * in locals; nothing is allocated.
 */
function weightedSums(values: Float64Array, random: Generator, sums: Float64Array, weights: Float64Array): void {
  const count = sums.length;
  const table = POISSON1_TABLE;
  let s0 = random.s0;
  let s1 = random.s1;
  let s2 = random.s2;
  let s3 = random.s3;
  for (let start = 0; start < values.length; start += TILE) {
    const end = Math.min(values.length, start + TILE);
    for (let r = 0; r < count; r++) {
      let sum = 0;
      let weight = 0;
      for (let i = start; i < end; i++) {
        const u = (s0 + s3) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        let w = table[u >>> 20]!;
        if (w === 255) w = poisson1Slow(u);
        sum += w * values[i]!;
        weight += w;
      }
      sums[r] = sums[r]! + sum;
      weights[r] = weights[r]! + weight;
    }
  }
  random.s0 = s0;
  random.s1 = s1;
  random.s2 = s2;
  random.s3 = s3;
}

/** xoshiro128+ (the classical bootstrap's generator), with uniform and Poisson draws. */
class Generator {
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  constructor(seed: number) {
    const state = seedState(seed);
    this.s0 = state[0]!;
    this.s1 = state[1]!;
    this.s2 = state[2]!;
    this.s3 = state[3]!;
  }

  next(): number {
    const result = (this.s0 + this.s3) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in (0, 1), never 0 or 1 (the logarithms below need that). */
  uniform(): number {
    return (this.next() + 0.5) / 4294967296;
  }

  /** One draw of Poisson(lambda), lambda ≥ 0. */
  poisson(lambda: number): number {
    if (lambda === 0) return 0;
    if (lambda === 1) return poisson1Slow(this.next());
    if (lambda < 10) {
      // Multiplication of uniforms until their product falls below e^-λ.
      const limit = Math.exp(-lambda);
      let k = 0;
      let product = this.uniform();
      while (product > limit) {
        k++;
        product *= this.uniform();
      }
      return k;
    }
    // PTRS, transcribed from Hörmann (1993), as in NumPy's random_poisson_ptrs.
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.uniform() - 0.5;
      const V = this.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
    }
  }
}

const LOG_GAMMA_SERIES = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4, -1.917526917526918e-3, 6.410256410256410e-3,
  -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];

/** ln Γ(x) for x > 0 by Stirling's series, shifted up to x ≥ 7 (NumPy's random_loggam). */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  let x0 = x;
  let shift = 0;
  if (x <= 7) {
    shift = Math.floor(7 - x);
    x0 = x + shift;
  }
  const x2 = 1 / (x0 * x0);
  let series = LOG_GAMMA_SERIES[9]!;
  for (let k = 8; k >= 0; k--) series = series * x2 + LOG_GAMMA_SERIES[k]!;
  let result = series / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= shift; k++) {
    x0 -= 1;
    result -= Math.log(x0);
  }
  return result;
}
