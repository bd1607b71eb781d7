import picomatch from 'picomatch';
import type { MetricRule } from '../config/schema.js';

export type Goal = 'maximize' | 'minimize';

export interface RuleMatch {
  /** The rule that applies: every matching rule merged, property by property (see compileRules). */
  rule: MetricRule;
  /** Index in `config.metrics` of the most specific matching rule, for messages. */
  index: number;
  /** Every matching rule's index, highest precedence first. */
  indices: number[];
  /** For each property the merged rule sets, the index of the rule it came from. */
  sources: Partial<Record<RuleProperty, number>>;
}

/** The properties a metric rule sets (everything but `match`), in the order they are explained. */
export const RULE_PROPERTIES = ['goal', 'tolerance', 'max_regression', 'min', 'max', 'required', 'fail_only_if_significant'] as const;
export type RuleProperty = (typeof RULE_PROPERTIES)[number];

/**
 * How specific a glob is: an exact name (no glob characters) beats every glob; among globs, the
 * one with more literal characters wins (`eval.acc*` over `eval.*` over `**`).
 */
export function globSpecificity(glob: string): { exact: boolean; literals: number } {
  const exact = !/[*?[\]{}()!+@\\]/.test(glob);
  const literals = glob
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/[*?!+@()]/g, '').length;
  return { exact, literals };
}

/**
 * Compiles the config's metric rules; `match(key)` returns every rule whose glob matches the
 * flattened key, merged: each property (goal, tolerance, max_regression, min, max, required,
 * fail_only_if_significant) comes from the most specific matching rule that sets it — an exact
 * name first, then the glob with the most literal characters, then the rule listed first. So
 * `eval.*: fail_only_if_significant` still applies to `eval.accuracy` when that metric has a rule
 * of its own for its limit. Globs are picomatch globs: `*` stops at `/` (which model-index keys
 * contain, `dataset/metric`), `**` does not; `.` is an ordinary character.
 */
export function compileRules(rules: readonly MetricRule[]): (key: string) => RuleMatch | null {
  const compiled = rules.map((rule, index) => ({ rule, index, test: picomatch(rule.match, { dot: true }), ...globSpecificity(rule.match) }));
  // Highest precedence first; the sort is stable, so equal specificity keeps the config's order.
  const ordered = [...compiled].sort((a, b) => Number(b.exact) - Number(a.exact) || b.literals - a.literals);
  if (ordered.length === 0) return () => null;
  return (key) => {
    // Most keys match no rule: no array for them.
    let matching: typeof ordered | null = null;
    for (const r of ordered) if (r.test(key)) (matching ??= []).push(r);
    if (matching === null) return null;
    const top = matching[0]!;
    if (matching.length === 1) {
      const sources: RuleMatch['sources'] = {};
      for (const p of RULE_PROPERTIES) if (top.rule[p] !== undefined) sources[p] = top.index;
      return { rule: top.rule, index: top.index, indices: [top.index], sources };
    }
    const merged: Record<string, unknown> = { match: top.rule.match };
    const sources: RuleMatch['sources'] = {};
    for (const p of RULE_PROPERTIES) {
      const from = matching.find((r) => r.rule[p] !== undefined);
      if (!from) continue;
      merged[p] = from.rule[p];
      sources[p] = from.index;
    }
    return { rule: merged as MetricRule, index: top.index, indices: matching.map((r) => r.index), sources };
  };
}

/**
 * The built-in goal of each key segment seen so far. Segments repeat across a file's keys
 * (`accuracy` in every group), so one diff works each out once; the cache lives as long as
 * that diff, so it is bounded by the file's own names.
 */
export type SegmentGoals = Map<string, Goal | null | undefined>;

/** The direction for a metric: the matching rule's `goal`, else the built-in default for its name. */
export function goalFor(key: string, match: RuleMatch | null, segments?: SegmentGoals): { goal: Goal | null; source: 'rule' | 'default' | null } {
  if (match?.rule.goal) return { goal: match.rule.goal, source: 'rule' };
  const goal = defaultGoal(key, segments);
  return { goal, source: goal ? 'default' : null };
}

// Names are matched after lower-casing, on the last key segment with split prefixes removed
// (`eval.eval_accuracy` → `accuracy`), whole first, then by their `_`/`-`/`@` separated words.
const MAXIMIZE = new Set([
  'accuracy', 'acc', 'balanced_accuracy', 'precision', 'recall', 'f1', 'f1score', 'fscore', 'f_score', 'fbeta',
  'auc', 'auroc', 'auprc', 'roc_auc', 'pr_auc', 'ap', 'average_precision', 'map', 'mrr', 'ndcg', 'hit', 'hits', 'hitrate',
  'bleu', 'sacrebleu', 'chrf', 'meteor', 'rouge', 'bertscore', 'cider', 'spice', 'exact_match', 'em', 'iou', 'miou',
  'dice', 'r2', 'spearman', 'spearmanr', 'pearson', 'pearsonr', 'kappa', 'mcc', 'correlation', 'top1', 'top5',
  'sensitivity', 'specificity', 'tpr', 'tnr', 'ssim', 'psnr', 'win', 'winrate', 'success', 'reward', 'throughput', 'qps',
  'coverage',
]);
const MINIMIZE = new Set([
  'loss', 'nll', 'error', 'err', 'wer', 'cer', 'ter', 'perplexity', 'ppl', 'mae', 'mse', 'rmse', 'mape',
  'smape', 'msle', 'rmsle', 'brier', 'logloss', 'latency', 'time', 'duration', 'runtime', 'ms', 'seconds', 'secs',
  'memory', 'fpr', 'fnr', 'far', 'frr', 'eer', 'ece', 'mce', 'fid', 'toxicity', 'cost',
]);
/** Words that make a name a statistic about a metric, not a metric to optimise. */
const NEUTRAL = new Set(['std', 'stderr', 'stdev', 'var', 'variance', 'count', 'support', 'samples', 'num', 'n', 'epoch', 'step', 'steps', 'seed']);
const MAXIMIZE_PREFIXES = ['rouge', 'bleu', 'ndcg', 'top', 'hit', 'precision', 'recall', 'accuracy', 'f1'];
const SPLIT_PREFIX = /^(?:eval|test|val|valid|validation|dev|train|training)[_-]/;

/**
 * The built-in direction for well-known metric names, or null when it is not obvious. The last
 * key segment decides; when it names nothing known (`latency_ms.p95`, `accuracy.cat`), the
 * segment before it does, up the key, unless a segment marks a statistic (`accuracy.std`).
 */
export function defaultGoal(key: string, cache?: SegmentGoals): Goal | null {
  const lower = key.toLowerCase();
  // The segments of `lower.split(/[./]/)`, last first, without building the array.
  let end = lower.length;
  for (let i = end - 1; i >= -1; i--) {
    const c = i === -1 ? 0x2e : lower.charCodeAt(i);
    if (c !== 0x2e /* . */ && c !== 0x2f /* / */) continue;
    const segment = lower.slice(i + 1, end);
    let goal: Goal | null | undefined;
    if (cache?.has(segment)) goal = cache.get(segment);
    else {
      goal = segmentGoal(segment);
      cache?.set(segment, goal);
    }
    if (goal !== undefined) return goal;
    end = i;
  }
  return null;
}

/** A goal, null for a statistic (stop looking), undefined for no opinion (look at the parent). */
function segmentGoal(segment: string): Goal | null | undefined {
  // lm-evaluation-harness writes `acc,none` (metric,filter).
  const name = segment.split(',')[0]!.trim().replace(SPLIT_PREFIX, '');
  if (/per[_-]?(?:second|sec|s)$|throughput|^pass@/.test(name)) return 'maximize';
  const words = name.split(/[_\-\s@]+/).filter(Boolean);
  if (words.some((w) => NEUTRAL.has(w))) return null;
  const lookup = (w: string): Goal | null => (MAXIMIZE.has(w) ? 'maximize' : MINIMIZE.has(w) ? 'minimize' : null);
  const whole = lookup(name) ?? lookup(words.join('_'));
  if (whole) return whole;
  if (name === 'per') return 'minimize'; // phone error rate; as a word it means "per sample"
  // The last known word decides: `top1_error` is an error, `macro_f1` an F1, `f1_macro` too.
  for (let i = words.length - 1; i >= 0; i--) {
    const goal = lookup(words[i]!);
    if (goal) return goal;
  }
  for (const prefix of MAXIMIZE_PREFIXES) if (name.startsWith(prefix)) return 'maximize';
  if (name.startsWith('latency')) return 'minimize';
  return undefined;
}
