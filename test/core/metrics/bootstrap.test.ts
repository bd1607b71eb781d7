import { describe, expect, it } from '@jest/globals';
import { bootstrapMeanDifference, bootstrapMeanDifferences, createRandom, excludesZero, seedState } from '../../../src/core/metrics/bootstrap.js';
import type { PredictionSet } from '../../../src/core/metrics/predictions.js';
import { pairedSignificance } from '../../../src/core/metrics/significance.js';

/** Uniform [0, 1) from the same generator, for building test data. */
function uniform(seed: number): () => number {
  const next = createRandom(seed);
  return () => next() / 4294967296;
}

/** The documented algorithm written plainly: resample indices, mean, type-7 percentiles. */
function referenceInterval(d: Float64Array, resamples: number, seed: number): { lo: number; hi: number } {
  const next = createRandom(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let j = 0; j < d.length; j++) sum += d[Math.floor((next() * d.length) / 4294967296)]!;
    means.push(sum / d.length);
  }
  means.sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (means.length - 1) * p;
    const lo = Math.floor(h);
    return means[lo]! + (h - lo) * (means[Math.min(lo + 1, means.length - 1)]! - means[lo]!);
  };
  return { lo: q(0.025), hi: q(0.975) };
}

describe('the random source', () => {
  it('is xoshiro128+ over a seeded state (pinned: changing it would change every interval)', () => {
    expect(Array.from(seedState(0))).toEqual([2462723854, 1020716019, 454327756, 1275600319]);
    const next = createRandom(0);
    expect([next(), next(), next()]).toEqual([3738324173, 3657905352, 2005122572]);
    const fortyTwo = createRandom(42);
    expect([fortyTwo(), fortyTwo(), fortyTwo()]).toEqual([4257230441, 1272004876, 2096156453]);
  });
});

describe('bootstrapMeanDifference', () => {
  it('gives [0.05, 0.05] and significance when head = base + 0.05 for every example', () => {
    const random = uniform(1);
    const d = new Float64Array(1000);
    for (let i = 0; i < d.length; i++) {
      const base = random();
      d[i] = base + 0.05 - base;
    }
    const interval = bootstrapMeanDifference(d)!;
    expect(interval.n).toBe(1000);
    expect(interval.mean).toBeCloseTo(0.05, 12);
    expect(interval.lo).toBeCloseTo(0.05, 12);
    expect(interval.hi).toBeCloseTo(0.05, 12);
    expect(excludesZero(interval)).toBe(true);
  });

  it('gives exactly [0, 0] and no significance for identical results', () => {
    const interval = bootstrapMeanDifference(new Float64Array(500))!;
    expect(interval).toEqual({ mean: 0, lo: 0, hi: 0, n: 500 });
    expect(excludesZero(interval)).toBe(false);
  });

  it('is reproducible: the same data and seed give identical intervals; another seed does not', () => {
    const random = uniform(2);
    const d = Float64Array.from({ length: 2000 }, () => random() - 0.49);
    const first = bootstrapMeanDifference(d, { seed: 7 })!;
    const second = bootstrapMeanDifference(Float64Array.from(d), { seed: 7 })!;
    expect(second).toEqual(first);
    expect(bootstrapMeanDifference(d, { seed: 8 })!.lo).not.toBe(first.lo);
  });

  it('matches a plain implementation of the same algorithm exactly', () => {
    const random = uniform(3);
    const d = Float64Array.from({ length: 333 }, () => (random() < 0.7 ? 1 : 0) - (random() < 0.6 ? 1 : 0));
    const { lo, hi } = bootstrapMeanDifference(d, { resamples: 400, seed: 11 })!;
    expect({ lo, hi }).toEqual(referenceInterval(d, 400, 11));
  });

  it('covers the true difference about 95 % of the time', () => {
    // 300 independent data sets of 200 examples, each head − base ∈ {−1, 0, 1} with mean 0.1.
    const random = uniform(4);
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const d = Float64Array.from({ length: 200 }, () => {
        const u = random();
        return u < 0.2 ? 1 : u < 0.3 ? -1 : 0; // P(+1) − P(−1) = 0.1
      });
      const { lo, hi } = bootstrapMeanDifference(d, { resamples: 500, seed: t })!;
      if (lo <= 0.1 && 0.1 <= hi) covered++;
    }
    // Percentile intervals undercover slightly at n = 200; 95 % ± sampling error of 300 trials.
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('narrows with more examples and centres on the mean', () => {
    const random = uniform(5);
    const d = Float64Array.from({ length: 100_000 }, () => (random() < 0.52 ? 1 : 0) - (random() < 0.5 ? 1 : 0));
    const interval = bootstrapMeanDifference(d, { resamples: 200 })!;
    expect(interval.lo).toBeLessThan(0.02);
    expect(interval.hi).toBeGreaterThan(0.02);
    expect(interval.hi - interval.lo).toBeLessThan(0.02);
    expect((interval.lo + interval.hi) / 2).toBeCloseTo(interval.mean, 3);
  });

  it('needs two examples; several columns use the same resampled indices', () => {
    expect(bootstrapMeanDifference(new Float64Array([1]))).toBeNull();
    const a = Float64Array.from({ length: 50 }, (_, i) => i % 3);
    const b = a.map((x) => 2 * x);
    const [ia, ib] = bootstrapMeanDifferences([a, b], { resamples: 300 });
    expect(ib!.lo).toBeCloseTo(2 * ia!.lo, 12);
    expect(ib!.hi).toBeCloseTo(2 * ia!.hi, 12);
    expect(() => bootstrapMeanDifferences([a, new Float64Array(3)])).toThrow(RangeError);
  });
});

function predictions(file: string, rows: [id: string, values: Record<string, number>][]): PredictionSet {
  const names = [...new Set(rows.flatMap(([, v]) => Object.keys(v)))];
  return {
    file,
    ids: rows.map(([id]) => id),
    columns: new Map(names.map((name) => [name, Float64Array.from(rows, ([, v]) => v[name] ?? NaN)])),
    notes: [],
  };
}

describe('pairedSignificance', () => {
  it('pairs by id, reports unpaired ids, and bootstraps each shared column', () => {
    const base = predictions('base.jsonl', [
      ['a', { accuracy: 0, f1: 0.5 }],
      ['b', { accuracy: 1, f1: 0.5 }],
      ['c', { accuracy: 0, f1: 0.5 }],
      ['only-base', { accuracy: 1, f1: 0.5 }],
    ]);
    const head = predictions('head.jsonl', [
      ['c', { accuracy: 1, f1: 0.6, loss: 1 }],
      ['b', { accuracy: 1, f1: 0.6, loss: 1 }],
      ['a', { accuracy: 1, f1: 0.6, loss: 1 }],
      ['only-head', { accuracy: 0, f1: 0.6, loss: 1 }],
    ]);
    const s = pairedSignificance(base, head, { resamples: 500 });
    expect(s).toMatchObject({ computed: true, paired: 3, baseOnly: 1, headOnly: 1, baseOnlyIds: ['only-base'], headOnlyIds: ['only-head'], resamples: 500, seed: 42 });
    expect(s.reason).toBe('paired bootstrap, 95 % CI of the head − base difference of the mean: 500 resamples, seed 42, 3 paired examples');
    const f1 = s.columns.get('f1')!;
    expect(f1.interval.lo).toBeCloseTo(0.1, 12);
    expect(f1.interval.hi).toBeCloseTo(0.1, 12);
    expect(f1.significant).toBe(true);
    expect(s.columns.get('accuracy')!.interval.mean).toBeCloseTo(2 / 3, 12);
    expect([...s.skipped]).toEqual([['loss', 'only head.jsonl has per-example values for it']]);
  });

  it('does not depend on the order of the examples in the files', () => {
    const random = uniform(6);
    const rows = Array.from({ length: 300 }, (_, i) => [`ex${i}`, random(), random()] as const);
    const base = predictions('b', rows.map(([id, b]) => [id, { score: b }]));
    const head = predictions('h', rows.map(([id, , h]) => [id, { score: h }]));
    const shuffled = predictions('h', [...rows].reverse().map(([id, , h]) => [id, { score: h }]));
    expect(pairedSignificance(base, shuffled).columns.get('score')).toEqual(pairedSignificance(base, head).columns.get('score'));
  });

  it('leaves out examples with a missing value for that metric only, and explains when nothing pairs', () => {
    const base = predictions('b', [['a', { x: 1, y: 1 }], ['b', { x: 1, y: 1 }], ['c', { x: 1, y: NaN }]]);
    const head = predictions('h', [['a', { x: 2, y: 3 }], ['b', { x: 2, y: 3 }], ['c', { x: 2, y: 3 }]]);
    const s = pairedSignificance(base, head, { resamples: 100 });
    expect(s.columns.get('x')!.interval.n).toBe(3);
    expect(s.columns.get('y')!.interval.n).toBe(2);

    const none = pairedSignificance(predictions('b', [['a', { x: 1 }]]), predictions('h', [['z', { x: 1 }]]));
    expect(none).toMatchObject({ computed: false, reason: 'fewer than 2 examples are in both per-example results (paired by id)', paired: 0, baseOnly: 1, headOnly: 1 });
  });
});
