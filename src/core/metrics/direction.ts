import picomatch from 'picomatch';
import type { MetricRule } from '../config/schema.js';

export type Goal = 'maximize' | 'minimize';

export interface RuleMatch {
  rule: MetricRule;
  /** Index in `config.metrics`, for messages. */
  index: number;
}

/**
 * Compiles the config's metric rules; `match(key)` returns the first rule whose glob matches the
 * flattened key. Globs are picomatch globs: `*` stops at `/` (which model-index keys contain,
 * `dataset/metric`), `**` does not; `.` is an ordinary character.
 */
export function compileRules(rules: readonly MetricRule[]): (key: string) => RuleMatch | null {
  const matchers = rules.map((rule) => picomatch(rule.match, { dot: true }));
  return (key) => {
    for (let i = 0; i < matchers.length; i++) if (matchers[i]!(key)) return { rule: rules[i]!, index: i };
    return null;
  };
}

/** The direction for a metric: the matching rule's `goal`, else the built-in default for its name. */
export function goalFor(key: string, match: RuleMatch | null): { goal: Goal | null; source: 'rule' | 'default' | null } {
  if (match?.rule.goal) return { goal: match.rule.goal, source: 'rule' };
  const goal = defaultGoal(key);
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
export function defaultGoal(key: string): Goal | null {
  const segments = key.toLowerCase().split(/[./]/);
  for (let i = segments.length - 1; i >= 0; i--) {
    const goal = segmentGoal(segments[i]!);
    if (goal !== undefined) return goal;
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
