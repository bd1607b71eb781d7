import { describe, expect, it } from '@jest/globals';
import type { MetricRule } from '../../src/core/config/schema.js';
import { compareMetrics, type MetricsDiff } from '../../src/core/metrics/compare.js';
import { createRandom } from '../../src/core/metrics/bootstrap.js';
import { readMetrics } from '../../src/core/metrics/read.js';
import { renderMarkdown } from '../../src/render/markdown/metrics.js';
import { renderMarkdown as renderMarkdownBefore } from './oracle/markdown-metrics-before.js';

/**
 * The one-pass renderer (issue 12: it formats only the rows it shows and joins the body once)
 * against the algorithm it replaced, kept verbatim in ./oracle as the reference: every body,
 * for small and large diffs and budgets from tiny to GitHub's, is the same string.
 */
function syntheticDiff(metrics: number, seed: number, options: { unchangedShare?: number; notes?: boolean } = {}): MetricsDiff {
  const next = createRandom(seed);
  const random = () => next() / 4294967296;
  const base: Record<string, Record<string, unknown>> = {};
  const head: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < metrics; i++) {
    const group = `group_${i % 37}`;
    const name = i % 2 ? `accuracy_${i}` : `loss_${i}|<x>`;
    const value = Math.round((0.5 + 0.4 * random()) * 1e6) / 1e6;
    (base[group] ??= {})[name] = value;
    const unchanged = random() < (options.unchangedShare ?? 0.5);
    (head[group] ??= {})[name] = unchanged ? value : i % 97 === 0 ? 'NaN' : Math.round((value + (random() - 0.5) * 0.05) * 1e6) / 1e6;
  }
  if (options.notes) {
    (base['extra'] ??= {})['text'] = 'a note-worthy string';
    (head['extra'] ??= {})['text'] = 'another';
  }
  const rules: MetricRule[] = [
    { match: 'group_1.*', max_regression: 0.01 },
    { match: 'group_2.accuracy_*', max_regression: '5%' },
    { match: 'group_3.*', max: 0.6 },
  ];
  const read = (file: string, v: unknown) => {
    const r = readMetrics(file, JSON.stringify(v));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return compareMetrics(read('base.json', base), read('head.json', head), { rules });
}

const baseline = { label: 'main', sha: 'a'.repeat(40), version: '1.2.0' };

describe('renderMarkdown fits the budget in one pass, as the algorithm before it did', () => {
  it('gives the same body for every budget of a small diff, one character at a time', () => {
    for (const diff of [syntheticDiff(0, 1), syntheticDiff(1, 2), syntheticDiff(12, 3, { notes: true }), syntheticDiff(25, 4, { unchangedShare: 0 }), syntheticDiff(25, 5, { unchangedShare: 1 })]) {
      const full = renderMarkdownBefore(diff, { baseline, maxLength: 1e9 }).length;
      for (let maxLength = 1; maxLength <= full + 5; maxLength++) {
        const options = { baseline, runUrl: 'https://ci.example.com/run/1', maxLength };
        const got = renderMarkdown(diff, options);
        const want = renderMarkdownBefore(diff, options);
        if (got !== want) expect({ maxLength, got }).toEqual({ maxLength, got: want });
      }
    }
  });

  it('gives the same body for large diffs at GitHub-sized and other budgets', () => {
    for (const [metrics, seed, unchangedShare] of [
      [2_000, 6, 0.5],
      [10_000, 7, 0.9],
      [10_000, 8, 0.05],
    ] as const) {
      const diff = syntheticDiff(metrics, seed, { unchangedShare, notes: true });
      for (const maxLength of [65_535 - 60, 65_535, 1024 * 1024 - 1024, 20_000, 3_000, 400, 10]) {
        const options = { baseline, maxLength };
        expect(renderMarkdown(diff, options)).toBe(renderMarkdownBefore(diff, options));
      }
    }
  });
});
