import { describe, expect, it } from '@jest/globals';
import { bootstrapMeanDifference, createRandom, POISSON_ABOVE, schemeFor, seedState } from '../../../src/core/metrics/bootstrap.js';
import { Generator, INVERSION_MAX, LEVEL_COST, levelPlan, levelSums, logGamma, poisson1Slow, POISSON1_TABLE, poissonCdf, prepareColumn, weightedSums } from '../../../src/core/metrics/poisson-bootstrap.js';
import type { PredictionSet } from '../../../src/core/metrics/predictions.js';
import { pairedSignificance } from '../../../src/core/metrics/significance.js';

function uniform(seed: number): () => number {
  const next = createRandom(seed);
  return () => next() / 4294967296;
}

/** head − base of a 0/1 metric: +1 with probability p, −1 with probability q (true difference p − q). */
function ternary(n: number, p: number, q: number, random: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = random();
    return u < p ? 1 : u < p + q ? -1 : 0;
  });
}

/** A continuous per-example difference (an F1-like score): uniform noise around `truth`, some exact zeros. */
function continuous(n: number, truth: number, random: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => (random() < 0.2 ? 0 : (random() - 0.5) * 0.8 + truth / 0.8));
}

/**
 * Coverage of the 95 % interval over independent seeded data sets: within a binomial tolerance
 * of 95 % (three standard errors of `trials` Bernoulli(0.95) trials; the percentile interval
 * undercovers a little at small n, so the band is not centred tighter than that).
 */
function coverage(trials: number, make: (t: number) => { d: Float64Array; truth: number }): number {
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const { d, truth } = make(t);
    const { lo, hi } = bootstrapMeanDifference(d, { resamples: 500, seed: 1000 + t, scheme: 'poisson' })!;
    if (lo <= truth && truth <= hi) covered++;
  }
  return covered / trials;
}

const TRIALS = 200;
const TOLERANCE = 3 * Math.sqrt((0.95 * 0.05) / TRIALS);

describe('the Poisson bootstrap', () => {
  it('is used above POISSON_ABOVE examples, the classical bootstrap up to it', () => {
    expect(schemeFor(POISSON_ABOVE)).toBe('multinomial');
    expect(schemeFor(POISSON_ABOVE + 1)).toBe('poisson');
    expect(schemeFor(10, { scheme: 'poisson' })).toBe('poisson');
  });

  it('resamples 0/1 differences by their counts, and other columns by their non-zero values', () => {
    const random = uniform(1);
    const byLevels = prepareColumn(ternary(1000, 0.3, 0.2, random));
    expect(byLevels.kind).toBe('levels');
    if (byLevels.kind === 'levels') {
      expect(Array.from(byLevels.values)).toEqual([-1, 0, 1]);
      expect(byLevels.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    }
    const byValues = prepareColumn(Float64Array.from([0, 0, ...Array.from({ length: 100 }, (_, i) => i / 7)]));
    expect(byValues.kind).toBe('values');
    if (byValues.kind === 'values') expect([byValues.zeros, byValues.nonZero.length]).toEqual([3, 99]);
  });

  it('is deterministic for a seed, and another seed gives another interval', () => {
    for (const d of [ternary(5000, 0.3, 0.25, uniform(2)), continuous(5000, 0.01, uniform(3))]) {
      const first = bootstrapMeanDifference(d, { seed: 7, scheme: 'poisson' })!;
      expect(bootstrapMeanDifference(Float64Array.from(d), { seed: 7, scheme: 'poisson' })).toEqual(first);
      expect(bootstrapMeanDifference(d, { seed: 8, scheme: 'poisson' })!.lo).not.toBe(first.lo);
    }
  });

  it('does not depend on the order of the examples for 0/1 metrics', () => {
    const d = ternary(3000, 0.3, 0.25, uniform(4));
    const reversed = Float64Array.from(d).reverse();
    expect(bootstrapMeanDifference(reversed, { scheme: 'poisson' })).toEqual(bootstrapMeanDifference(d, { scheme: 'poisson' }));
  });

  it(`covers the true difference about 95 % of the time for 0/1 metrics (${TRIALS} seeded data sets of 200)`, () => {
    const random = uniform(5);
    const rate = coverage(TRIALS, () => ({ d: ternary(200, 0.2, 0.1, random), truth: 0.1 }));
    expect(Math.abs(rate - 0.95)).toBeLessThanOrEqual(TOLERANCE);
  });

  it(`covers the true difference about 95 % of the time for continuous metrics (${TRIALS} seeded data sets of 300)`, () => {
    const random = uniform(6);
    // E[d] = 0.8 · truth / 0.8 = truth (a fifth of the examples are exactly 0).
    const rate = coverage(TRIALS, () => ({ d: continuous(300, 0.05, random), truth: 0.05 }));
    expect(Math.abs(rate - 0.95)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('gives the classical bootstrap’s interval, within Monte Carlo error, on the same data', () => {
    const d = continuous(20_000, 0.01, uniform(7));
    const classical = bootstrapMeanDifference(d, { scheme: 'multinomial' })!;
    const poisson = bootstrapMeanDifference(d, { scheme: 'poisson' })!;
    const width = classical.hi - classical.lo;
    expect(Math.abs(poisson.lo - classical.lo)).toBeLessThan(0.1 * width);
    expect(Math.abs(poisson.hi - classical.hi)).toBeLessThan(0.1 * width);
  });

  it('contains the true difference at a million paired examples of a 0/1 metric, by default', () => {
    const d = ternary(1_000_000, 0.21, 0.19, uniform(8)); // true difference 0.02
    const interval = bootstrapMeanDifference(d, { seed: 42 })!;
    expect(interval.n).toBe(1_000_000);
    expect(interval.lo).toBeLessThan(0.02);
    expect(interval.hi).toBeGreaterThan(0.02);
    // The standard error of the mean is sqrt(0.4 / 1e6) ≈ 0.00063: the 95 % interval is ≈ 0.0025 wide.
    expect(interval.hi - interval.lo).toBeGreaterThan(0.002);
    expect(interval.hi - interval.lo).toBeLessThan(0.003);
  });

  it('says which bootstrap it used', () => {
    const n = POISSON_ABOVE + 1;
    const ids = Array.from({ length: n }, (_, i) => `ex${i}`);
    const random = uniform(9);
    const set = (file: string, p: number): PredictionSet => ({ file, ids, columns: new Map([['accuracy', Float64Array.from(ids, () => (random() < p ? 1 : 0))]]), notes: [] });
    const s = pairedSignificance(set('b', 0.7), set('h', 0.72), { resamples: 200 });
    expect(s.reason).toBe(`paired Poisson bootstrap, 95 % CI of the head − base difference of the mean: 200 resamples, seed 42, ${n.toLocaleString('en-US')} paired examples`);
  });

  it.each([
    ['negatives, zeros and positives', [-2, -1, 0, -0, 1, 1, 2, 0, -1]],
    ['no zeros', [-3, -3, 5, 5, 5]],
    ['only negatives and zeros', [-1, 0, -1, 0, 0]],
    ['only positives and zeros', [0, 4, 4, 0]],
    ['zeros first and last', [0, 0, 0, 1, -1]],
  ])('counts the distinct values of a column in ascending order (%s)', (_, list) => {
    const d = Float64Array.from({ length: 40 }, (_, i) => list[i % list.length]!);
    const column = prepareColumn(d);
    expect(column.kind).toBe('levels');
    const expected = new Map<number, number>();
    for (const v of d) expected.set(v === 0 ? 0 : v, (expected.get(v === 0 ? 0 : v) ?? 0) + 1);
    const keys = [...expected.keys()].sort((a, b) => a - b);
    if (column.kind === 'levels') {
      expect(Array.from(column.values, (v) => (v === 0 ? 0 : v))).toEqual(keys);
      expect(Array.from(column.counts)).toEqual(keys.map((k) => expected.get(k)));
    }
  });

  it('decides a Poisson(1) weight from a draw’s top byte exactly where no CDF boundary crosses that byte’s cell', () => {
    let undecided = 0;
    for (let cell = 0; cell < 256; cell++) {
      const lo = cell * 2 ** 24;
      const hi = lo + 2 ** 24 - 1;
      // The inversion is monotone in u, so equal weights at both ends of a cell mean one weight for all of it.
      if (POISSON1_TABLE[cell] === 255) {
        undecided++;
        expect(poisson1Slow(lo)).not.toBe(poisson1Slow(hi));
      } else {
        expect([poisson1Slow(lo), poisson1Slow(hi)]).toEqual([POISSON1_TABLE[cell], POISSON1_TABLE[cell]]);
      }
    }
    expect(undecided).toBe(5);
  });

  it('gives every value its own Poisson(1) weight with the probabilities of the 32-bit inversion (chi-squared)', () => {
    // Values 16^j: a weight is at most 13, so each sum spells the weights of the 7 values in base 16
    // (7: the last group of four is partial). 30,000 resamples give 210,000 weights.
    const values = Float64Array.from({ length: 7 }, (_, j) => 16 ** j);
    const resamples = 30_000;
    const sums = new Float64Array(resamples);
    const weights = new Float64Array(resamples);
    weightedSums(values, new Generator(21), sums, weights);
    const counts = new Array<number>(7).fill(0);
    for (let r = 0; r < resamples; r++) {
      let total = 0;
      for (let j = 0, rest = sums[r]!; j < 7; j++, rest = Math.floor(rest / 16)) {
        const w = rest % 16;
        counts[Math.min(w, 6)]!++;
        total += w;
      }
      expect(weights[r]).toBe(total);
    }
    const cdf = poissonCdf(1);
    const p = Array.from({ length: 7 }, (_, k) => (k === 6 ? 2 ** 32 - cdf[5]! : cdf[k]! - (k > 0 ? cdf[k - 1]! : 0)) / 2 ** 32);
    const chi2 = counts.reduce((s, c, k) => s + (c - 7 * resamples * p[k]!) ** 2 / (7 * resamples * p[k]!), 0);
    expect(chi2).toBeLessThan(22.46); // the 99.9 % point of chi-squared with 6 degrees of freedom
  });

  it('draws each level’s Poisson(count) weight by inversion with its probabilities (chi-squared)', () => {
    // Three levels of count 16 and values 64^j: the sums spell the three weights in base 64.
    const plan = levelPlan(Float64Array.from([16, 16, 16]));
    const resamples = 50_000;
    const sums = new Float64Array(resamples);
    const weights = new Float64Array(resamples);
    levelSums(Float64Array.from([1, 64, 4096]), plan, new Generator(22), sums, weights);
    const cdf = poissonCdf(16);
    const bins = [8, 11, 13, 15, 17, 19, 21, 24]; // upper bounds of the bins, the last open
    const observed = new Array<number>(bins.length + 1).fill(0);
    for (let r = 0; r < resamples; r++) {
      for (let j = 0, rest = sums[r]!; j < 3; j++, rest = Math.floor(rest / 64)) {
        const w = rest % 64;
        const bin = bins.findIndex((b) => w <= b);
        observed[bin === -1 ? bins.length : bin]!++;
      }
    }
    const at = (k: number) => (k < 0 ? 0 : cdf[Math.min(k, cdf.length - 1)]!) / 2 ** 32;
    const expected = observed.map((_, i) => 3 * resamples * ((i < bins.length ? at(bins[i]!) : 1) - (i > 0 ? at(bins[i - 1]!) : 0)));
    const chi2 = observed.reduce((s, o, i) => s + (o - expected[i]!) ** 2 / expected[i]!, 0);
    expect(chi2).toBeLessThan(26.12); // the 99.9 % point of chi-squared with 8 degrees of freedom
  });

  it('draws Poisson(λ) by inversion with the probabilities of λ’s CDF scaled to 2^32', () => {
    // Poisson(1)'s table is the same CDF as the per-example weights use.
    const one = poissonCdf(1);
    for (let k = 0; k < one.length - 1; k++) expect(poisson1Slow(one[k]! - 1)).toBe(k);
    for (const lambda of [2, 16, 57, INVERSION_MAX]) {
      const cdf = poissonCdf(lambda);
      expect(cdf[cdf.length - 1]).toBe(2 ** 32);
      let mean = 0;
      let second = 0;
      for (let k = 0; k < cdf.length; k++) {
        const p = (cdf[k]! - (k > 0 ? cdf[k - 1]! : 0)) / 2 ** 32;
        mean += k * p;
        second += k * k * p;
      }
      expect(mean).toBeCloseTo(lambda, 6);
      expect(second - mean * mean).toBeCloseTo(lambda, 4);
    }
  });

  it('resamples a column of many repeated values by its counts when that is cheaper, with the same spread as per example', () => {
    // 4,000 distinct values, 100 examples each: counts (4,000 · LEVEL_COST ≤ 400,000 non-zero).
    const random = uniform(12);
    const levels = Array.from({ length: 4000 }, () => Math.round((random() - 0.5) * 1e6) / 1e6);
    const repeated = Float64Array.from({ length: 400_000 }, (_, i) => levels[i % 4000]!);
    const byLevels = prepareColumn(repeated);
    expect(byLevels.kind).toBe('levels');
    expect(4000 * LEVEL_COST).toBeLessThanOrEqual(400_000);
    // The same data with each value nudged apart (by far less than the spread) goes per example.
    const distinct = Float64Array.from(repeated, (v, i) => v + i * 1e-15);
    expect(prepareColumn(distinct).kind).toBe('values');
    const a = bootstrapMeanDifference(repeated, { scheme: 'poisson', resamples: 2000, seed: 5 })!;
    const b = bootstrapMeanDifference(distinct, { scheme: 'poisson', resamples: 2000, seed: 6 })!;
    // Both widths estimate 2 · 1.96 · sd / sqrt(n); Monte Carlo error of a 2,000-resample width is a few %.
    const sd = Math.sqrt(repeated.reduce((s, v) => s + (v - a.mean) ** 2, 0) / repeated.length);
    const theory = (2 * 1.96 * sd) / Math.sqrt(repeated.length);
    expect(Math.abs(a.hi - a.lo - theory) / theory).toBeLessThan(0.08);
    expect(Math.abs(b.hi - b.lo - theory) / theory).toBeLessThan(0.08);
  });

  it('uses xoshiro128++ as its authors define it (pinned: changing it would change every Poisson interval)', () => {
    // The reference's steps on uint32 words (xoshiro128plusplus.c), from the seeded state.
    const s = seedState(42);
    const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
    const reference = () => {
      const result = (rotl((s[0]! + s[3]!) >>> 0, 7) + s[0]!) >>> 0;
      const t = (s[1]! << 9) >>> 0;
      s[2]! ^= s[0]!;
      s[3]! ^= s[1]!;
      s[1]! ^= s[2]!;
      s[0]! ^= s[3]!;
      s[2]! ^= t;
      s[3] = rotl(s[3]!, 11);
      return result;
    };
    const g = new Generator(42);
    const ours = Array.from({ length: 1000 }, () => g.next());
    expect(ours).toEqual(Array.from({ length: 1000 }, reference));
    expect(ours.slice(0, 3)).toEqual([404561706, 4286840250, 1524087359]);
  });

  it.each([
    ['distinct doubles (per example)', (random: () => number) => (random() - 0.5) * 0.8 + 0.01],
    ['scores to 4 decimals (by counts)', (random: () => number) => Math.round((random() - 0.5) * 0.8e4) / 1e4 + 0.01],
  ])('contains the true difference at a million paired examples of a continuous metric: %s', (_, draw) => {
    const random = uniform(13);
    const d = Float64Array.from({ length: 1_000_000 }, () => draw(random));
    const truth = 0.01;
    const interval = bootstrapMeanDifference(d, { seed: 42, resamples: 400 })!;
    expect(interval.lo).toBeLessThan(truth);
    expect(interval.hi).toBeGreaterThan(truth);
    // sd of the uniform noise 0.8 / sqrt(12) ≈ 0.231: the 95 % interval is 2 · 1.96 · 0.231 / 1000 ≈ 0.00091 wide.
    expect(interval.hi - interval.lo).toBeGreaterThan(0.0008);
    expect(interval.hi - interval.lo).toBeLessThan(0.001);
  });

  it(`covers the true difference about 95 % of the time for scores with few decimals (${TRIALS} seeded data sets of 2,000, by counts)`, () => {
    const random = uniform(14);
    const rate = coverage(TRIALS, () => ({ d: Float64Array.from({ length: 2000 }, () => Math.round((random() - 0.5) * 40) / 100 + 0.02), truth: 0.02 }));
    expect(Math.abs(rate - 0.95)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('computes ln Γ as the references do', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });
});
