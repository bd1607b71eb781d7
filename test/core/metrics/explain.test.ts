import { describe, expect, it } from '@jest/globals';
import { explainMetric } from '../../../src/core/metrics/explain.js';

describe('explainMetric', () => {
  const rules = [
    { match: 'eval.*', fail_only_if_significant: true, max_regression: 0.05 },
    { match: 'eval.accuracy', goal: 'maximize' as const, max_regression: 0.01 },
    { match: 'latency.*', goal: 'minimize' as const },
  ];

  it('lists the matching rules by precedence and where each setting comes from', () => {
    expect(explainMetric('eval.accuracy', rules)).toEqual({
      metric: 'eval.accuracy',
      matches: [
        { index: 1, match: 'eval.accuracy', exact: true, literals: 13 },
        { index: 0, match: 'eval.*', exact: false, literals: 5 },
      ],
      settings: [
        { property: 'goal', value: 'maximize', from: 1, overrides: [] },
        { property: 'max_regression', value: 0.01, from: 1, overrides: [0] },
        { property: 'fail_only_if_significant', value: true, from: 0, overrides: [] },
      ],
      goal: 'maximize',
      goalSource: 'rule',
      unmatched: 1,
    });
  });

  it('no rule: the built-in direction for the name, or none', () => {
    expect(explainMetric('test_loss', rules)).toMatchObject({ matches: [], settings: [], goal: 'minimize', goalSource: 'default', unmatched: 3 });
    expect(explainMetric('custom', [])).toMatchObject({ goal: null, goalSource: null });
  });
});
