import { describe, expect, it } from '@jest/globals';
import { compileRules, defaultGoal, globSpecificity, goalFor } from '../../../src/core/metrics/direction.js';
import { formatInterval, formatNumber, formatPair, formatPercent, formatSigned } from '../../../src/core/metrics/format-number.js';

describe('defaultGoal', () => {
  it.each([
    ['accuracy', 'maximize'],
    ['eval.accuracy', 'maximize'],
    ['eval_accuracy', 'maximize'],
    ['test_f1', 'maximize'],
    ['f1_macro', 'maximize'],
    ['macro_f1', 'maximize'],
    ['precision@10', 'maximize'],
    ['recall', 'maximize'],
    ['roc_auc', 'maximize'],
    ['bleu', 'maximize'],
    ['sacrebleu', 'maximize'],
    ['rouge1', 'maximize'],
    ['rougeL', 'maximize'],
    ['rougeLsum', 'maximize'],
    ['exact_match', 'maximize'],
    ['map', 'maximize'],
    ['ndcg@10', 'maximize'],
    ['pass@1', 'maximize'],
    ['results.arc_easy.acc,none', 'maximize'],
    ['AI2 Reasoning Challenge (25-Shot)/acc_norm', 'maximize'],
    ['eval_samples_per_second', 'maximize'],
    ['loss', 'minimize'],
    ['eval_loss', 'minimize'],
    ['val/loss', 'minimize'],
    ['error_rate', 'minimize'],
    ['top1_error', 'minimize'],
    ['word_error_rate', 'minimize'],
    ['Common Voice de/wer', 'minimize'],
    ['cer', 'minimize'],
    ['perplexity', 'minimize'],
    ['mae', 'minimize'],
    ['rmse', 'minimize'],
    ['latency_ms', 'minimize'],
    ['latency_ms.p95', 'minimize'],
    ['p95_latency', 'minimize'],
    ['inference_time', 'minimize'],
    ['eval_runtime', 'minimize'],
    ['per', 'minimize'],
  ])('%s → %s', (key, goal) => {
    expect(defaultGoal(key)).toBe(goal);
  });

  it.each(['epoch', 'eval.samples', 'acc_stderr,none', 'accuracy.std', 'num_parameters', 'tokens_per_sample', 'custom_score', 'run_name', 'TruthfulQA (0-shot)/mc2'])(
    '%s has no known direction',
    (key) => {
      expect(defaultGoal(key)).toBeNull();
    },
  );
});

describe('compileRules', () => {
  const rules = [
    { match: 'eval.accuracy', max_regression: 0.01 },
    { match: 'eval.*', goal: 'minimize' as const },
    { match: '**/wer', goal: 'minimize' as const },
    { match: 'custom_*', goal: 'maximize' as const, tolerance: 0.1 },
  ];
  const match = compileRules(rules);

  it('returns every matching rule, merged property by property, most specific first', () => {
    expect(match('eval.accuracy')).toEqual({
      rule: { match: 'eval.accuracy', max_regression: 0.01, goal: 'minimize' },
      index: 0,
      indices: [0, 1],
      sources: { max_regression: 0, goal: 1 },
    });
    expect(match('eval.loss')).toEqual({ rule: rules[1], index: 1, indices: [1], sources: { goal: 1 } });
    expect(match('Common Voice/wer')).toEqual({ rule: rules[2], index: 2, indices: [2], sources: { goal: 2 } });
    expect(match('custom_score')).toEqual({ rule: rules[3], index: 3, indices: [3], sources: { goal: 3, tolerance: 3 } });
    expect(match('other')).toBeNull();
  });

  it('takes the goal from the rules, else the defaults, else none', () => {
    expect(goalFor('eval.f1', match('eval.f1'))).toEqual({ goal: 'minimize', source: 'rule' });
    // eval.accuracy's own rule sets no goal, so the broader eval.* rule's goal applies.
    expect(goalFor('eval.accuracy', match('eval.accuracy'))).toEqual({ goal: 'minimize', source: 'rule' });
    expect(goalFor('test.accuracy', compileRules([{ match: 'test.accuracy', min: 0 }])('test.accuracy'))).toEqual({ goal: 'maximize', source: 'default' });
    expect(goalFor('mystery', match('mystery'))).toEqual({ goal: null, source: null });
  });

  it('specificity: an exact name beats every glob, then more literal characters', () => {
    expect(globSpecificity('eval.accuracy')).toEqual({ exact: true, literals: 13 });
    expect(globSpecificity('eval.*')).toEqual({ exact: false, literals: 5 });
    expect(globSpecificity('**')).toEqual({ exact: false, literals: 0 });
    expect(globSpecificity('eval.{f1,acc}')).toEqual({ exact: false, literals: 5 });
  });

  it('lets * stop at / (model-index keys) and treats dots as ordinary characters', () => {
    const m = compileRules([{ match: '*' }]);
    expect(m('eval.accuracy')).not.toBeNull();
    expect(m('dataset/accuracy')).toBeNull();
  });
});

describe('number formatting', () => {
  it('drops binary noise and keeps integers whole', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.30000000000000004)).toBe('0.3');
    expect(formatNumber(1234567)).toBe('1234567');
    expect(formatNumber(0.9123456789)).toBe('0.912346');
    expect(formatNumber(12345.6789)).toBe('12345.7');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0.041000000000000036)).toBe('-0.041');
    expect(formatNumber(0.0000123)).toBe('1.23e-5');
    expect(formatNumber(1e20)).toBe('1e20');
    expect(formatNumber(1.5e300)).toBe('1.5e300');
  });

  it('signs differences and percents', () => {
    expect(formatSigned(0.01)).toBe('+0.01');
    expect(formatSigned(-0.2)).toBe('-0.2');
    expect(formatSigned(0)).toBe('0');
    expect(formatPercent(-0.04495614035087723)).toBe('-4.5%');
    expect(formatPercent(0.5)).toBe('+50%');
    expect(formatPercent(0.000123)).toBe('+0.012%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('prints two different values differently', () => {
    expect(formatPair(0.9781249761581421, 0.978125)).toEqual(['0.97812498', '0.978125']);
    expect(formatPair(0.5, 0.5)).toEqual(['0.5', '0.5']);
    expect(formatInterval([-0.05234, 0.0001234])).toBe('[-0.0523, +0.000123]');
  });
});
