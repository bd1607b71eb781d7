import { describe, expect, it } from '@jest/globals';
import type { MetricRule } from '../../../src/core/config/schema.js';
import { compareMetrics, type CompareOptions, type DiffRow } from '../../../src/core/metrics/compare.js';
import type { PredictionSet } from '../../../src/core/metrics/predictions.js';
import { readMetrics } from '../../../src/core/metrics/read.js';
import type { MetricSet } from '../../../src/core/metrics/types.js';

/** A metric set from JSON text (so NaN and friends can be written as Python writes them). */
function metrics(file: string, json: string): MetricSet {
  const result = readMetrics(file, json);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function diff(base: string, head: string, options: CompareOptions = {}) {
  return compareMetrics(metrics('base.json', base), metrics('head.json', head), options);
}

function row(base: string, head: string, rules: MetricRule[] = [], options: CompareOptions = {}): DiffRow {
  const d = diff(base, head, { ...options, rules });
  expect(d.rows.length).toBeGreaterThanOrEqual(1);
  return d.rows[0]!;
}

const pick = (r: DiffRow) => ({ status: r.status, gate: r.gate, reason: r.reason });

describe('statuses', () => {
  it('uses the direction: improved and regressed', () => {
    expect(row('{"accuracy": 0.8}', '{"accuracy": 0.9}')).toMatchObject({ status: 'improved', goal: 'maximize', goalSource: 'default' });
    expect(row('{"accuracy": 0.9}', '{"accuracy": 0.8}')).toMatchObject({ status: 'regressed' });
    expect(row('{"loss": 0.3}', '{"loss": 0.2}')).toMatchObject({ status: 'improved', goal: 'minimize' });
    expect(row('{"loss": 0.2}', '{"loss": 0.3}')).toMatchObject({ status: 'regressed' });
    expect(row('{"x": 1}', '{"x": 2}', [{ match: 'x', goal: 'minimize' }])).toMatchObject({ status: 'regressed', goal: 'minimize', goalSource: 'rule', rule: 0 });
  });

  it('gives the delta and the delta relative to |base|', () => {
    const r = row('{"loss": -0.5}', '{"loss": -0.25}');
    expect(r).toMatchObject({ delta: 0.25, relativeDelta: 0.5, status: 'regressed' });
  });

  it('is neutral "changed" without a direction', () => {
    expect(row('{"custom": 1}', '{"custom": 2}')).toMatchObject({ status: 'changed', goal: null, goalSource: null, delta: 1, relativeDelta: 1 });
  });

  it('treats floating-point noise as a tie, and a rule tolerance widens it', () => {
    expect(row('{"accuracy": 0.3}', '{"accuracy": 0.30000000000000004}')).toMatchObject({ status: 'unchanged' });
    expect(row('{"accuracy": 0.5}', '{"accuracy": 0.5}')).toMatchObject({ status: 'unchanged', delta: 0, relativeDelta: 0 });
    expect(row('{"accuracy": 0.9}', '{"accuracy": 0.895}', [{ match: 'accuracy', tolerance: 0.005 }])).toMatchObject({ status: 'unchanged' });
    expect(row('{"accuracy": 0.9}', '{"accuracy": 0.894}', [{ match: 'accuracy', tolerance: 0.005 }])).toMatchObject({ status: 'regressed' });
  });

  it('marks added, removed and invalid metrics, and never diffs text', () => {
    const d = diff(
      '{"gone": 1, "nan": NaN, "inf": 1, "null": null, "name": "a", "same": "x", "mixed": 1}',
      '{"nan": 0.5, "inf": Infinity, "null": 1, "name": "b", "same": "x", "mixed": "1", "new": 2}',
    );
    expect(d.rows.map((r) => [r.metric, r.status, r.delta])).toEqual([
      ['gone', 'removed', null],
      ['nan', 'invalid', null],
      ['inf', 'invalid', null],
      ['null', 'invalid', null],
      ['name', 'changed', null],
      ['same', 'unchanged', null],
      ['mixed', 'changed', null],
      ['new', 'added', null],
    ]);
    expect(d.counts).toEqual({ improved: 0, regressed: 0, unchanged: 1, changed: 2, added: 1, removed: 1, invalid: 3 });
  });

  it('has no relative delta against a zero baseline', () => {
    expect(row('{"loss": 0}', '{"loss": 0.1}')).toMatchObject({ delta: 0.1, relativeDelta: null, status: 'regressed' });
  });

  it('warns when one side wrote a percent and the other a number in other units', () => {
    expect(row('{"recall": 67.6}', '{"recall": "67.9%"}').note).toBe(
      'head wrote a percent (read as the fraction 0.679) but the other side has 67.6: the units may differ',
    );
    expect(row('{"recall": 0.676}', '{"recall": "67.9%"}').note).toBeNull();
  });
});

describe('gates', () => {
  it('max_regression (absolute): passes within the limit, at it, and on improvement; fails past it', () => {
    const rules: MetricRule[] = [{ match: 'accuracy', max_regression: 0.1 }];
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.85}', rules))).toEqual({ status: 'regressed', gate: 'pass', reason: 'regressed by 0.05, within the allowed 0.1' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.8}', rules))).toEqual({ status: 'regressed', gate: 'pass', reason: 'regressed by 0.1, within the allowed 0.1' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.95}', rules))).toEqual({ status: 'improved', gate: 'pass', reason: 'higher than base' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.75}', rules))).toEqual({ status: 'regressed', gate: 'fail', reason: 'regressed by 0.15, more than the allowed 0.1' });
    expect(pick(row('{"latency": 100}', '{"latency": 90}', [{ match: 'latency', max_regression: 5 }]))).toEqual({ status: 'improved', gate: 'pass', reason: 'lower than base' });
    expect(pick(row('{"latency": 100}', '{"latency": 100}', [{ match: 'latency', max_regression: 5 }]))).toEqual({ status: 'unchanged', gate: 'pass', reason: 'unchanged' });
  });

  it('max_regression (relative) is a share of |base|; a zero baseline allows none, and says so', () => {
    const rules: MetricRule[] = [{ match: 'latency_ms', max_regression: '10%' }];
    expect(pick(row('{"latency_ms": 200}', '{"latency_ms": 215}', rules))).toEqual({ status: 'regressed', gate: 'pass', reason: 'regressed by 15, within the allowed 20 (10% of 200)' });
    expect(pick(row('{"latency_ms": 200}', '{"latency_ms": 230}', rules))).toEqual({ status: 'regressed', gate: 'fail', reason: 'regressed by 30, more than the allowed 20 (10% of 200)' });
    expect(pick(row('{"latency_ms": 0}', '{"latency_ms": 1}', rules))).toEqual({ status: 'regressed', gate: 'fail', reason: 'regressed by 1, more than the allowed 10% of a zero baseline, so none' });
    expect(pick(row('{"latency_ms": 0}', '{"latency_ms": 0}', rules))).toEqual({ status: 'unchanged', gate: 'pass', reason: 'unchanged' });
    expect(pick(row('{"margin": -2}', '{"margin": -2.1}', [{ match: 'margin', goal: 'maximize', max_regression: '10%' }]))).toMatchObject({ gate: 'pass', reason: 'regressed by 0.1, within the allowed 0.2 (10% of 2)' });
  });

  it('min and max bound the head value', () => {
    const rules: MetricRule[] = [{ match: 'accuracy', min: 0.8, max: 0.99 }];
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.85}', rules))).toEqual({ status: 'regressed', gate: 'pass', reason: '≥ 0.8; ≤ 0.99' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.75}', rules))).toEqual({ status: 'regressed', gate: 'fail', reason: '0.75 is below the minimum 0.8' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 1}', rules))).toEqual({ status: 'improved', gate: 'fail', reason: '1 is above the maximum 0.99' });
    expect(pick(row('{}', '{"accuracy": 0.7}', [{ match: 'accuracy', min: 0.8, max_regression: 0.01 }]))).toEqual({
      status: 'added',
      gate: 'fail',
      reason: '0.7 is below the minimum 0.8',
    });
    expect(pick(row('{}', '{"accuracy": 0.9}', [{ match: 'accuracy', min: 0.8, max_regression: 0.01 }]))).toEqual({
      status: 'added',
      gate: 'pass',
      reason: '≥ 0.8; new metric: no baseline to regress from',
    });
  });

  it('required fails a metric missing in head; without it, a missing metric is not gated', () => {
    expect(pick(row('{"accuracy": 0.9}', '{}', [{ match: 'accuracy', required: true }]))).toEqual({ status: 'removed', gate: 'fail', reason: 'required, but missing in head' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": 0.9}', [{ match: 'accuracy', required: true }]))).toEqual({ status: 'unchanged', gate: 'pass', reason: 'present' });
    expect(pick(row('{"accuracy": 0.9}', '{}', [{ match: 'accuracy', min: 0.5 }]))).toEqual({
      status: 'removed',
      gate: 'none',
      reason: 'missing in head; its gates apply only when present (set required: true to fail)',
    });
  });

  it('adds a failing row for a required rule that matches no metric at all', () => {
    const d = diff('{"a": 1}', '{"a": 1}', { rules: [{ match: 'eval.*', required: true, goal: 'maximize' }] });
    expect(d.rows[1]).toEqual({
      metric: 'eval.*',
      base: null,
      head: null,
      delta: null,
      relativeDelta: null,
      status: 'removed',
      goal: 'maximize',
      goalSource: 'rule',
      rule: 0,
      rules: [0],
      gate: 'fail',
      reason: 'required, but no metric matching "eval.*" is in head (or base)',
      ci: null,
      significant: null,
      note: null,
    });
    expect(d.gatesPassed).toBe(false);
  });

  it('fails on invalid values and text under a gate', () => {
    const rules: MetricRule[] = [{ match: 'accuracy', max_regression: 0.01 }];
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": NaN}', rules))).toEqual({ status: 'invalid', gate: 'fail', reason: 'head value is NaN, not a number' });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": null}', rules))).toEqual({ status: 'invalid', gate: 'fail', reason: 'head value is null, not a number' });
    expect(pick(row('{"accuracy": -Infinity}', '{"accuracy": 0.9}', rules))).toEqual({
      status: 'invalid',
      gate: 'fail',
      reason: 'baseline value is -Infinity, so the regression limit cannot be checked',
    });
    expect(pick(row('{"accuracy": 0.9}', '{"accuracy": "0.9"}', rules))).toEqual({ status: 'changed', gate: 'fail', reason: 'head value is text ("0.9"), not a number' });
    expect(pick(row('{"accuracy": "n/a"}', '{"accuracy": 0.9}', rules))).toEqual({
      status: 'changed',
      gate: 'fail',
      reason: 'baseline value is text, so the regression limit cannot be checked',
    });
    expect(pick(row('{"name": "a"}', '{"name": "b"}', [{ match: 'name', required: true }]))).toEqual({ status: 'changed', gate: 'pass', reason: 'present' });
  });

  it('needs a direction for max_regression', () => {
    expect(pick(row('{"custom": 1}', '{"custom": 2}', [{ match: 'custom', max_regression: 0.5 }]))).toEqual({
      status: 'changed',
      gate: 'fail',
      reason: 'max_regression needs a direction: set goal: maximize or goal: minimize in the rule',
    });
  });

  it('applies every matching rule: each property from the most specific rule that sets it', () => {
    const rules: MetricRule[] = [{ match: 'eval.*', goal: 'maximize', min: 0.5 }, { match: 'eval.accuracy', min: 0.99 }];
    // goal from eval.*, min from eval.accuracy (an exact name beats a glob, whatever the order).
    const r = row('{"eval": {"accuracy": 0.9}}', '{"eval": {"accuracy": 0.9}}', rules);
    expect(pick(r)).toEqual({ status: 'unchanged', gate: 'fail', reason: '0.9 is below the minimum 0.99' });
    expect([r.rule, r.rules, r.goalSource]).toEqual([1, [1, 0], 'rule']);
    expect(pick(row('{"x": 1}', '{"x": 1}', rules))).toEqual({ status: 'unchanged', gate: 'none', reason: 'no rule matches' });
  });

  it("a broader rule's fail_only_if_significant applies to a metric with its own limit (the issue's case)", () => {
    const rules: MetricRule[] = [
      { match: 'eval.accuracy', goal: 'maximize', max_regression: 0.01 },
      { match: 'eval.*', fail_only_if_significant: true },
    ];
    const r = row('{"eval": {"accuracy": 0.9}}', '{"eval": {"accuracy": 0.8}}', rules);
    expect(r.gate).toBe('fail');
    expect(r.reason).toContain('significance not computed');
  });

  it('among globs the one with more literal characters wins; equal ones keep the config order', () => {
    const rules: MetricRule[] = [{ match: '**', max: 10 }, { match: 'eval.*', max: 5 }, { match: 'eval.acc*', max: 1 }, { match: 'eval.a*y', max: 2 }];
    const r = row('{"eval": {"accuracy": 3}}', '{"eval": {"accuracy": 3}}', rules);
    expect(r.rules).toEqual([2, 3, 1, 0]);
    expect(r.reason).toBe('3 is above the maximum 1');
    const tie: MetricRule[] = [{ match: 'a.*', max: 1 }, { match: '*.b', max: 2 }];
    expect(row('{"a": {"b": 3}}', '{"a": {"b": 3}}', tie).reason).toBe('3 is above the maximum 1');
  });

  it('sums up: gates passed only when no row fails', () => {
    const d = diff('{"accuracy": 0.9, "loss": 0.2}', '{"accuracy": 0.8, "loss": 0.1}', {
      rules: [{ match: 'accuracy', max_regression: 0.05 }, { match: 'loss', max: 0.5 }],
    });
    expect(d.gates).toEqual({ pass: 1, fail: 1, none: 0 });
    expect(d.gatesPassed).toBe(false);
    expect(diff('{"a": 1}', '{"a": 2}').gatesPassed).toBe(true);
  });
});

function predictions(file: string, column: string, values: number[], idPrefix = 'ex'): PredictionSet {
  return { file, ids: values.map((_, i) => `${idPrefix}${i}`), columns: new Map([[column, Float64Array.from(values)]]), notes: [] };
}

describe('significance in the diff', () => {
  const base = Array.from({ length: 100 }, (_, i) => (i % 10 < 9 ? 1 : 0)); // 0.9
  const worse = Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? 1 : 0)); // 0.7
  const noisy = base.map((v, i) => (i === 3 ? 0 : i === 9 ? 1 : v)); // one flip each way: 0.9

  it('attaches the interval of the per-example column named like the metric (or its last segment)', () => {
    const r = row('{"eval": {"accuracy": 0.9}}', '{"eval": {"accuracy": 0.7}}', [], {
      basePredictions: predictions('b.jsonl', 'accuracy', base),
      headPredictions: predictions('h.jsonl', 'accuracy', worse),
      bootstrap: { resamples: 500 },
    });
    expect(r.ci).not.toBeNull();
    expect(r.ci![0]).toBeLessThan(-0.1);
    expect(r.ci![1]).toBeLessThan(0);
    expect(r.significant).toBe(true);
  });

  it('fail_only_if_significant: a significant regression past the limit fails, noise passes', () => {
    const rules: MetricRule[] = [{ match: 'accuracy', max_regression: 0.01, fail_only_if_significant: true }];
    const significant = row('{"accuracy": 0.9}', '{"accuracy": 0.7}', rules, {
      basePredictions: predictions('b', 'accuracy', base),
      headPredictions: predictions('h', 'accuracy', worse),
    });
    expect(significant.gate).toBe('fail');
    expect(significant.reason).toMatch(/^regressed by 0\.2, more than the allowed 0\.01, and the change is significant \(95 % CI \[-0\.\d+, -0\.\d+\]\)$/);

    const noise = row('{"accuracy": 0.9}', '{"accuracy": 0.88}', rules, {
      basePredictions: predictions('b', 'accuracy', base),
      headPredictions: predictions('h', 'accuracy', noisy),
    });
    expect(noise.significant).toBe(false);
    expect(noise.gate).toBe('pass');
    expect(noise.reason).toMatch(/^regressed by 0\.02, more than the allowed 0\.01, but not significantly worse \(95 % CI \[-0\.\d+, \+0\.\d+\]\)$/);
  });

  it('fail_only_if_significant without max_regression gates any significant regression', () => {
    const r = row('{"accuracy": 0.9}', '{"accuracy": 0.7}', [{ match: 'accuracy', fail_only_if_significant: true }], {
      basePredictions: predictions('b', 'accuracy', base),
      headPredictions: predictions('h', 'accuracy', worse),
    });
    expect(r.gate).toBe('fail');
    expect(r.reason).toMatch(/^regressed by 0\.2 and the change is significant \(95 % CI \[-0\.\d+, -0\.\d+\]\)$/);
    const unknown = row('{"accuracy": 0.9}', '{"accuracy": 0.89}', [{ match: 'accuracy', fail_only_if_significant: true }]);
    expect(pick(unknown)).toEqual({
      status: 'regressed',
      gate: 'fail',
      reason: 'regressed by 0.01; significance not computed (no per-example results were given), so any regression fails',
    });
  });

  it('without per-example results the limit applies as written, and the reason says why', () => {
    const r = row('{"accuracy": 0.9}', '{"accuracy": 0.7}', [{ match: 'accuracy', max_regression: 0.01, fail_only_if_significant: true }]);
    expect(pick(r)).toEqual({
      status: 'regressed',
      gate: 'fail',
      reason:
        'regressed by 0.2, more than the allowed 0.01; significance not computed (no per-example results were given), so the limit applies as written',
    });
    expect(r).toMatchObject({ ci: null, significant: null });
  });

  it('explains why significance is missing and notes unmatched or ambiguous columns', () => {
    expect(diff('{"a": 1}', '{"a": 2}').significance).toMatchObject({ computed: false, reason: 'no per-example results were given' });
    expect(diff('{"a": 1}', '{"a": 2}', { basePredictions: predictions('b', 'a', [1, 2]) }).significance.reason).toBe('per-example results were given for base only; both sides are needed');

    const d = diff('{"x.accuracy": 0.5, "y.accuracy": 0.5, "z": 0.5}', '{"x.accuracy": 0.5, "y.accuracy": 0.5, "z": 0.5}', {
      basePredictions: { file: 'b', ids: ['1', '2'], columns: new Map([['accuracy', new Float64Array([0, 1])], ['other', new Float64Array([0, 1])]]), notes: [] },
      headPredictions: { file: 'h', ids: ['1', '3'], columns: new Map([['accuracy', new Float64Array([0, 1])], ['other', new Float64Array([0, 1])]]), notes: [] },
    });
    expect(d.notes).toEqual(['Unpaired example ids, left out of the bootstrap: 1 only in b ("2"); 1 only in h ("3").']);
    expect(d.significance).toMatchObject({ computed: false, reason: 'fewer than 2 examples are in both per-example results (paired by id)' });
  });

  it('notes per-example columns that match several metrics or none, and means that disagree with the metric', () => {
    const b = { file: 'b.jsonl', ids: ['1', '2', '3'], columns: new Map([['accuracy', new Float64Array([1, 1, 0])], ['bleu', new Float64Array([1, 1, 0])], ['f1', new Float64Array([1, 0, 0])]]), notes: [] };
    const h = { file: 'h.jsonl', ids: ['1', '2', '3'], columns: new Map([['accuracy', new Float64Array([1, 1, 1])], ['bleu', new Float64Array([1, 1, 1])], ['f1', new Float64Array([1, 1, 0])]]), notes: [] };
    const d = diff('{"x.accuracy": 0.66, "y.accuracy": 0.66, "f1": 33}', '{"x.accuracy": 1, "y.accuracy": 1, "f1": 67}', { basePredictions: b, headPredictions: h });
    expect(d.notes).toEqual([
      'Per-example `accuracy` could belong to `x.accuracy` or `y.accuracy`; name the column after the full metric key.',
      'Per-example `bleu` matches no metric, so its interval is not shown.',
      'The mean of per-example `f1` in h.jsonl is 0.666667, but head reports `f1` = 67; check the units and that the files belong together.',
    ]);
    expect(d.rows.find((r) => r.metric === 'f1')!.ci).not.toBeNull();
    expect(d.rows.find((r) => r.metric === 'x.accuracy')!.ci).toBeNull();
  });
});
