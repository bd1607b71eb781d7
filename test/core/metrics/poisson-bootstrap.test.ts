import { describe, expect, it } from '@jest/globals';
import { bootstrapMeanDifference, createRandom, POISSON_ABOVE, schemeFor } from '../../../src/core/metrics/bootstrap.js';
import { logGamma, prepareColumn } from '../../../src/core/metrics/poisson-bootstrap.js';
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

  it('computes ln Γ as the references do', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });
});
