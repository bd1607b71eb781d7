import type { MetricRule } from '../config/schema.js';
import { compileRules, globSpecificity, goalFor, RULE_PROPERTIES, type Goal, type RuleProperty } from './direction.js';

/** Which metric rules apply to one metric name, and where each effective setting comes from. */
export interface MetricExplanation {
  metric: string;
  /** Every matching rule, highest precedence first. */
  matches: { index: number; match: string; exact: boolean; literals: number }[];
  /** The merged settings, each with the rule it came from (and the rules it overrode). */
  settings: { property: RuleProperty; value: MetricRule[RuleProperty]; from: number; overrides: number[] }[];
  /** The direction, and whether it is the rules' or the built-in default for the name. */
  goal: Goal | null;
  goalSource: 'rule' | 'default' | null;
  /** How many rules do not match. */
  unmatched: number;
}

/** Explains how `compareMetrics` would treat `metric` under `rules` (what `modelgate explain-metric` prints). */
export function explainMetric(metric: string, rules: readonly MetricRule[]): MetricExplanation {
  const found = compileRules(rules)(metric);
  const indices = found?.indices ?? [];
  const settings: MetricExplanation['settings'] = [];
  for (const property of RULE_PROPERTIES) {
    const from = found?.sources[property];
    if (from === undefined) continue;
    const overrides = indices.filter((i) => i !== from && rules[i]![property] !== undefined);
    settings.push({ property, value: rules[from]![property], from, overrides });
  }
  const { goal, source } = goalFor(metric, found);
  return {
    metric,
    matches: indices.map((index) => ({ index, match: rules[index]!.match, ...globSpecificity(rules[index]!.match) })),
    settings,
    goal,
    goalSource: source,
    unmatched: rules.length - indices.length,
  };
}
