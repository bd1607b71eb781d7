import type { MetricRule } from '../config/schema.js';
import type { Goal } from './direction.js';
import { formatInterval, formatNumber } from './format-number.js';
import type { MetricValue } from './types.js';

export type GateResult = 'pass' | 'fail' | 'none';

export interface GateInput {
  rule: MetricRule | null;
  goal: Goal | null;
  base: MetricValue | null;
  head: MetricValue | null;
  /** Whether base and head are equal within the rule's tolerance (or floating-point noise). */
  withinTolerance: boolean;
  /** The bootstrap interval of head − base, when one was computed for this metric. */
  ci: readonly [number, number] | null;
  /** Why there is no interval (shown when a significance-aware gate needs one). */
  noCiReason: string;
}

/** Whether a rule sets any gate (goal and tolerance alone do not). */
export function hasGate(rule: MetricRule | null): boolean {
  return (
    rule !== null &&
    (rule.max_regression !== undefined || rule.min !== undefined || rule.max !== undefined || rule.required === true || rule.fail_only_if_significant === true)
  );
}

/**
 * Evaluates the gates of the first matching rule on one metric. Every check that fails is in
 * the reason; when all pass, the reason says what was checked.
 *
 * - `required`: a metric missing in head fails. Without it, gates apply only when head has it.
 * - `min` / `max`: bounds on the head value.
 * - `max_regression`: how much worse than base head may be, in the metric's units, or relative
 *   to |base| ("10%"). A zero baseline allows no regression under a relative limit (10% of 0
 *   is 0), and the reason says so. It needs a direction (the rule's goal or a built-in one).
 * - `fail_only_if_significant`: a regression past the limit (or any regression, when the rule
 *   sets no `max_regression`) fails only when the bootstrap interval lies entirely on the worse
 *   side of zero. Without an interval the limit applies as written, and the reason says why.
 * - A NaN, infinite or null value under a gate fails it, as does text under a numeric check.
 */
export function evaluateGate(input: GateInput): { gate: GateResult; reason: string } {
  const { rule, head } = input;
  if (!rule || !hasGate(rule)) return { gate: 'none', reason: rule ? 'the matching rule sets no gate' : 'no rule matches' };
  if (head === null) {
    return rule.required
      ? { gate: 'fail', reason: 'required, but missing in head' }
      : { gate: 'none', reason: 'missing in head; its gates apply only when present (set required: true to fail)' };
  }
  const numericChecks = rule.min !== undefined || rule.max !== undefined || rule.max_regression !== undefined || rule.fail_only_if_significant === true;
  if (head.kind === 'invalid') return { gate: 'fail', reason: `head value is ${head.raw}, not a number` };
  if (head.kind === 'text') {
    return numericChecks ? { gate: 'fail', reason: `head value is text (${JSON.stringify(head.value)}), not a number` } : { gate: 'pass', reason: 'present' };
  }
  const h = head.value;
  const fails: string[] = [];
  const passes: string[] = [];
  if (rule.required) passes.push('present');
  if (rule.min !== undefined) {
    if (h < rule.min) fails.push(`${formatNumber(h)} is below the minimum ${formatNumber(rule.min)}`);
    else passes.push(`≥ ${formatNumber(rule.min)}`);
  }
  if (rule.max !== undefined) {
    if (h > rule.max) fails.push(`${formatNumber(h)} is above the maximum ${formatNumber(rule.max)}`);
    else passes.push(`≤ ${formatNumber(rule.max)}`);
  }
  if (rule.max_regression !== undefined || rule.fail_only_if_significant) {
    const r = regressionCheck(input, h);
    (r.ok ? passes : fails).push(r.reason);
  }
  if (fails.length) return { gate: 'fail', reason: fails.join('; ') };
  return { gate: 'pass', reason: passes.join('; ') };
}

function regressionCheck(input: GateInput, h: number): { ok: boolean; reason: string } {
  const { rule, base, goal } = input;
  const limit = rule!.max_regression ?? 0;
  if (base === null) return { ok: true, reason: 'new metric: no baseline to regress from' };
  if (base.kind === 'invalid') return { ok: false, reason: `baseline value is ${base.raw}, so the regression limit cannot be checked` };
  if (base.kind === 'text') return { ok: false, reason: 'baseline value is text, so the regression limit cannot be checked' };
  if (!goal) return { ok: false, reason: 'max_regression needs a direction: set goal: maximize or goal: minimize in the rule' };
  const b = base.value;
  const regression = goal === 'maximize' ? b - h : h - b;
  let allowed: number;
  let allowedText: string;
  if (typeof limit === 'string') {
    const pct = Number(limit.slice(0, -1));
    allowed = (Math.abs(b) * pct) / 100;
    allowedText = b === 0 ? `${limit} of a zero baseline, so none` : `${formatNumber(allowed)} (${limit} of ${formatNumber(Math.abs(b))})`;
  } else {
    allowed = limit;
    allowedText = formatNumber(allowed);
  }
  if (input.withinTolerance || regression <= 0) {
    return { ok: true, reason: input.withinTolerance ? 'unchanged' : goal === 'maximize' ? 'higher than base' : 'lower than base' };
  }
  // Compare with a hair of slack so that 0.9 - 0.8 against a 0.1 limit is not a failure.
  const over = regression > allowed + 1e-9 * Math.max(Math.abs(b), Math.abs(h), allowed);
  const what = `regressed by ${formatNumber(regression)}`;
  if (!over) return { ok: true, reason: `${what}, within the allowed ${allowedText}` };
  const limited = rule!.max_regression !== undefined;
  const past = limited ? `${what}, more than the allowed ${allowedText}` : what;
  if (!rule!.fail_only_if_significant) return { ok: false, reason: past };
  if (!input.ci) {
    return { ok: false, reason: `${past}; significance not computed (${input.noCiReason}), so ${limited ? 'the limit applies as written' : 'any regression fails'}` };
  }
  const worse = goal === 'maximize' ? input.ci[1] < 0 : input.ci[0] > 0;
  const ci = `95 % CI ${formatInterval(input.ci)}`;
  return worse
    ? { ok: false, reason: `${past}${limited ? ',' : ''} and the change is significant (${ci})` }
    : { ok: true, reason: `${past}, but not significantly worse (${ci})` };
}
