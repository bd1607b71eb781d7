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
 * - A column with many distinct values, each held by several examples (scores rounded to a few
 *   decimals), is resampled by its counts too when one Poisson(count) draw per distinct value
 *   costs less than one Poisson(1) weight per example (LEVEL_COST).
 *
 * Poisson(1) weights are drawn by inversion of a 32-bit uniform u: the weight is the smallest k
 * with u < 2^32·P(X ≤ k). The top 8 bits of u decide it in 251 of the 256 cells (a cell that no
 * CDF boundary crosses has one weight), so one 32-bit draw gives four weights, one per byte; only
 * a byte in one of the 5 cells a boundary crosses takes 24 more bits from the next draw, and is
 * then decided from its full 32 bits. Each weight is thus the inversion of a uniform 32-bit
 * integer, the same distribution (to 2^-32) as a whole draw per weight: only fewer bits are spent
 * on the weights the top bits already decide (the lazy-bits inversion of Knuth & Yao 1976, "The
 * complexity of nonuniform random number generation", here at byte granularity). Because every
 * byte is used, the generator is xoshiro128++ (Blackman & Vigna 2021, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4)): unlike xoshiro128+, whose low bits are weak
 * and which its authors recommend for floating-point use only, all 32 bits of its output pass
 * the tests. Poisson(λ) for larger λ by Hörmann's PTRS (W. Hörmann 1993, "The transformed
 * rejection method for generating Poisson random variables", Insurance: Mathematics and
 * Economics 12(1)), as NumPy does, and by multiplication of uniforms below 10; their constants
 * are computed once per distinct count, not once per draw.
 */
import { seedState } from './seed.js';

/** Resamples per block: each block has its own generator. Its sums stay in the L1 cache. */
export const BLOCK_RESAMPLES = 100;
/** Columns with at most this many distinct values are always resampled by their counts. */
export const MAX_LEVELS = 64;
/**
 * A Poisson(count) draw per distinct value costs about this many Poisson(1) weights per example
 * (measured with bench/bootstrap.mjs: a generator step, a guide-table read and a comparison or
 * two, against a quarter of a generator step, a table read and a multiply-add): a column is
 * resampled by its counts when its distinct values times this are at most its non-zero examples.
 */
export const LEVEL_COST = 4;

/** A column made ready for resampling: by distinct values, or the non-zero values in order. */
export type PreparedColumn =
  | { kind: 'levels'; n: number; values: Float64Array; counts: Float64Array }
  | { kind: 'values'; n: number; nonZero: Float64Array; zeros: number };

export function prepareColumn(differences: Float64Array): PreparedColumn {
  const n = differences.length;
  let zeros = 0;
  for (let i = 0; i < n; i++) if (differences[i] === 0) zeros++;
  const nonZero = new Float64Array(n - zeros);
  for (let i = 0, j = 0; i < n; i++) if (differences[i] !== 0) nonZero[j++] = differences[i]!;
  // Sorted: the interval does not depend on the order of the examples (the weights are
  // independent and identically distributed, so any fixed order gives the same distribution),
  // and equal values are runs, counted without a Map (which at a million distinct values was
  // tens of MB at the peak).
  nonZero.sort();
  let distinct = zeros > 0 ? 1 : 0;
  for (let i = 0; i < nonZero.length; i++) if (i === 0 || nonZero[i] !== nonZero[i - 1]) distinct++;
  if (distinct > Math.max(MAX_LEVELS, Math.floor((n - zeros) / LEVEL_COST))) return { kind: 'values', n, nonZero, zeros };
  // By counts: the distinct values in ascending order (0 among them when there are zeros).
  const values = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  let k = -1;
  let zeroPlaced = zeros === 0;
  for (let i = 0; i < nonZero.length; i++) {
    const v = nonZero[i]!;
    if (!zeroPlaced && v > 0) {
      values[++k] = 0;
      counts[k] = zeros;
      zeroPlaced = true;
    }
    if (k >= 0 && values[k] === v) counts[k]!++;
    else {
      values[++k] = v;
      counts[k] = 1;
    }
  }
  if (!zeroPlaced) {
    values[++k] = 0;
    counts[k] = zeros;
  }
  return { kind: 'levels', n, values, counts };
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
    levelSums(column.values, levelPlan(column.counts), random, sums, weights);
  } else {
    weightedSums(column.nonZero, random, sums, weights);
    if (column.zeros > 0) {
      const zeros = new PoissonSampler(column.zeros);
      for (let r = 0; r < count; r++) weights[r] = weights[r]! + zeros.draw(random);
    }
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

/** Marks a cell of POISSON1_TABLE that a CDF boundary crosses (weights are at most 13). */
const UNDECIDED = 255;

/** The weight for each of the 256 cells of a draw's top 8 bits, or UNDECIDED where a cell spans two weights. */
export const POISSON1_TABLE = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    const lo = i * 16777216;
    const a = poisson1Slow(lo);
    table[i] = a === poisson1Slow(lo + 16777215) ? a : UNDECIDED;
  }
  return table;
})();

/** The Poisson(1) weight of the 32-bit draw u (0 ≤ u < 2^32), by search of the CDF. */
export function poisson1Slow(u: number): number {
  let k = 0;
  while (u >= POISSON1_CDF[k]!) k++;
  return k;
}

/**
 * sums[r] = Σ w·v and weights[r] = Σ w over the distinct values v, w a Poisson(count) draw per
 * value and resample. Inversion draws take the generator inlined, its state in locals; PTRS
 * (counts above INVERSION_MAX) is called with the state handed over.
 */
export function levelSums(values: Float64Array, plan: LevelPlan, random: Generator, sums: Float64Array, weights: Float64Array): void {
  const { sampler, base, cdf, guide, ptrs } = plan;
  let s0 = random.s0 | 0;
  let s1 = random.s1 | 0;
  let s2 = random.s2 | 0;
  let s3 = random.s3 | 0;
  for (let r = 0; r < sums.length; r++) {
    let sum = 0;
    let weight = 0;
    for (let k = 0; k < values.length; k++) {
      const o = sampler[k]!;
      let w: number;
      if (o >= 0) {
        const x = (s0 + s3) | 0;
        const u = ((((x << 7) | (x >>> 25)) + s0) | 0) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        // The guide says where the search for the draw's weight starts, by its top 8 bits.
        let j = guide[o * 256 + (u >>> 24)]!;
        while (u >= cdf[j]!) j++;
        w = j - base[o]!;
      } else {
        random.s0 = s0;
        random.s1 = s1;
        random.s2 = s2;
        random.s3 = s3;
        w = ptrs[k]!.draw(random);
        s0 = random.s0 | 0;
        s1 = random.s1 | 0;
        s2 = random.s2 | 0;
        s3 = random.s3 | 0;
      }
      sum += w * values[k]!;
      weight += w;
    }
    sums[r] = sum;
    weights[r] = weight;
  }
  random.s0 = s0;
  random.s1 = s1;
  random.s2 = s2;
  random.s3 = s3;
}

/** Examples per tile of weightedSums: 32 KB of values, which stay in the L1 cache. */
const TILE = 4096;

/**
 * sums[r] += w·v and weights[r] += w over every value v, with a fresh Poisson(1) weight w per
 * value and resample. The values are taken a tile at a time, and each resample's pass over a
 * tile keeps its two sums in registers: the data is read from memory once per block, not once
 * per resample, and never at random places. One draw gives the weights of four values (its
 * bytes, most significant first; see the file comment), an undecided byte taking 24 bits of the
 * next draw. The generator (xoshiro128++) is inlined, its state in locals; nothing is allocated.
 */
export function weightedSums(values: Float64Array, random: Generator, sums: Float64Array, weights: Float64Array): void {
  const count = sums.length;
  const table = POISSON1_TABLE;
  const decided = new Int32Array(4);
  let s0 = random.s0 | 0;
  let s1 = random.s1 | 0;
  let s2 = random.s2 | 0;
  let s3 = random.s3 | 0;
  for (let start = 0; start < values.length; start += TILE) {
    const end = Math.min(values.length, start + TILE);
    // Whole groups of four; the last, partial group of the last tile is taken after them.
    const whole = start + ((end - start) & ~3);
    for (let r = 0; r < count; r++) {
      let sum = 0;
      let weight = 0;
      for (let i = start; i < whole; i += 4) {
        const x = (s0 + s3) | 0;
        const u = (((x << 7) | (x >>> 25)) + s0) | 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        let w0 = table[u >>> 24]!;
        let w1 = table[(u >>> 16) & 255]!;
        let w2 = table[(u >>> 8) & 255]!;
        let w3 = table[u & 255]!;
        if (((w0 | w1 | w2 | w3) & 128) !== 0) {
          // Rare (7.6 % of draws), so out of line, with the generator's state handed over.
          random.s0 = s0;
          random.s1 = s1;
          random.s2 = s2;
          random.s3 = s3;
          decide(u, random, decided);
          s0 = random.s0 | 0;
          s1 = random.s1 | 0;
          s2 = random.s2 | 0;
          s3 = random.s3 | 0;
          w0 = decided[0]!;
          w1 = decided[1]!;
          w2 = decided[2]!;
          w3 = decided[3]!;
        }
        sum += w0 * values[i]! + w1 * values[i + 1]! + w2 * values[i + 2]! + w3 * values[i + 3]!;
        weight = (weight + w0 + w1 + w2 + w3) | 0;
      }
      if (whole < end) {
        random.s0 = s0;
        random.s1 = s1;
        random.s2 = s2;
        random.s3 = s3;
        decide(random.next() | 0, random, decided);
        s0 = random.s0 | 0;
        s1 = random.s1 | 0;
        s2 = random.s2 | 0;
        s3 = random.s3 | 0;
        for (let i = whole; i < end; i++) {
          sum += decided[i - whole]! * values[i]!;
          weight += decided[i - whole]!;
        }
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

/**
 * The four weights of the draw u (its bytes, most significant first) into `out`: each byte's
 * from the table, or, for a byte in an undecided cell, from that byte and the top 24 bits of the
 * next draw, in byte order.
 */
function decide(u: number, random: Generator, out: Int32Array): void {
  for (let j = 0; j < 4; j++) {
    const cell = (u >>> (24 - 8 * j)) & 255;
    const w = POISSON1_TABLE[cell]!;
    out[j] = w === UNDECIDED ? poisson1Slow(cell * 16777216 + (random.next() >>> 8)) : w;
  }
}

/** xoshiro128++ (see the file comment), with uniform draws. */
export class Generator {
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  constructor(seed: number) {
    const state = seedState(seed);
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
  }

  /** A uniform 32-bit integer, 0 ≤ result < 2^32. */
  next(): number {
    const x = (this.s0 + this.s3) | 0;
    const result = (((x << 7) | (x >>> 25)) + this.s0) >>> 0;
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
}

/**
 * Draws of Poisson(λ) for one λ ≥ 0, its constants computed once. λ = 1 by inversion of one
 * draw; below 10 by multiplication of uniforms until their product falls below e^-λ; above by
 * PTRS, transcribed from Hörmann (1993), as in NumPy's random_poisson_ptrs.
 */
export class PoissonSampler {
  private readonly limit: number;
  private readonly slam: number;
  private readonly loglam: number;
  private readonly b: number;
  private readonly a: number;
  private readonly logInvalpha: number;
  private readonly vr: number;

  constructor(private readonly lambda: number) {
    this.limit = Math.exp(-lambda);
    this.slam = Math.sqrt(lambda);
    this.loglam = Math.log(lambda);
    this.b = 0.931 + 2.53 * this.slam;
    this.a = -0.059 + 0.02483 * this.b;
    this.logInvalpha = Math.log(1.1239 + 1.1328 / (this.b - 3.4));
    this.vr = 0.9277 - 3.6224 / (this.b - 2);
  }

  draw(random: Generator): number {
    const lambda = this.lambda;
    if (lambda === 0) return 0;
    if (lambda === 1) return poisson1Slow(random.next());
    if (lambda < 10) {
      let k = 0;
      let product = random.uniform();
      while (product > this.limit) {
        k++;
        product *= random.uniform();
      }
      return k;
    }
    const { a, b, vr } = this;
    for (;;) {
      const U = random.uniform() - 0.5;
      const V = random.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + this.logInvalpha - Math.log(a / (us * us) + b) <= -lambda + k * this.loglam - logGamma(k + 1)) return k;
    }
  }
}

/** Up to this count, Poisson(count) is drawn by inversion (e^-count stays a normal double). */
export const INVERSION_MAX = 700;

/**
 * How a block draws each level's Poisson(count) weight. A count up to INVERSION_MAX has an
 * inversion sampler, shared by every level with that count: its CDF scaled to 2^32 and rounded
 * (as POISSON1_CDF, so its weights are exact to 2^-32 like the Poisson(1) ones), the last entry
 * 2^32, at cdf[base[o]…]; and a guide table (Chen & Asau 1974, "On generating random variates
 * from an empirical distribution", AIIE Transactions 6(2)) giving, for each value of a draw's
 * top 8 bits, the first entry the search can stop at, so that a draw costs one generator step
 * and one or two comparisons. Larger counts (few levels: n / INVERSION_MAX at most) use PTRS.
 */
export interface LevelPlan {
  /** Per level: its inversion sampler's number, or −1 for PTRS. */
  sampler: Int32Array;
  base: Int32Array;
  cdf: Float64Array;
  guide: Int32Array;
  /** Per level: its PTRS sampler where sampler[k] is −1. */
  ptrs: (PoissonSampler | null)[];
}

export function levelPlan(counts: Float64Array): LevelPlan {
  const numbers = new Map<number, number>();
  const tables: Float64Array[] = [];
  const sampler = new Int32Array(counts.length);
  const ptrs: (PoissonSampler | null)[] = [];
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c > INVERSION_MAX) {
      sampler[k] = -1;
      ptrs.push(new PoissonSampler(c));
      continue;
    }
    let o = numbers.get(c);
    if (o === undefined) {
      o = tables.length;
      numbers.set(c, o);
      tables.push(poissonCdf(c));
    }
    sampler[k] = o;
    ptrs.push(null);
  }
  const base = new Int32Array(tables.length);
  let length = 0;
  for (let o = 0; o < tables.length; o++) {
    base[o] = length;
    length += tables[o]!.length;
  }
  const cdf = new Float64Array(length);
  const guide = new Int32Array(tables.length * 256);
  for (let o = 0; o < tables.length; o++) {
    const table = tables[o]!;
    cdf.set(table, base[o]);
    let j = 0;
    for (let cell = 0; cell < 256; cell++) {
      // The smallest weight a draw in this cell can have: the first entry above the cell's lowest draw.
      while (cell * 16777216 >= table[j]!) j++;
      guide[o * 256 + cell] = base[o]! + j;
    }
  }
  return { sampler, base, cdf, guide, ptrs };
}

/** 2^32·P(X ≤ k) for X ~ Poisson(lambda), rounded, for k = 0 up to the first entry that reaches 2^32 (then set to it exactly). */
export function poissonCdf(lambda: number): Float64Array {
  const cdf: number[] = [];
  let p = Math.exp(-lambda);
  let total = 0;
  for (let k = 0; ; k++) {
    total += p;
    const scaled = Math.round(total * 4294967296);
    // Past the mean the remaining mass falls below 2^-33 before the rounded sum reaches 2^32 only through rounding error: stop there.
    if (scaled >= 4294967296 || (k > lambda && p * 4294967296 < 1e-3)) {
      cdf.push(4294967296);
      break;
    }
    cdf.push(scaled);
    p *= lambda / (k + 1);
  }
  return Float64Array.from(cdf);
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
