import { plural, truncate } from '../common/text.js';
import type { Baseline, MetricsDiff } from '../metrics/index.js';

/** One model's comparison: what the evaluation check and the model's comment show. */
export interface ModelResult {
  /** The model's name: its comment's identity. */
  model: string;
  diff: MetricsDiff;
  /** What the metrics were compared against; named in the comment. */
  baseline: Baseline;
  /** The evaluation run that produced the head metrics (http/https), or null. */
  runUrl: string | null;
  /** Where the head metrics came from (a card path, an artifact), for the check summary. */
  source?: string;
}

export interface EvaluationVerdict {
  conclusion: 'success' | 'failure';
  /** One line of plain text: "1 of 3 metric gates failed (sentiment)". */
  title: string;
  /** The models whose gates failed. */
  failing: readonly ModelResult[];
}

const TITLE_MODELS = 3;

/** The gates' verdict over every model of a pull request: it fails when any model's gates fail. */
export function evaluationVerdict(results: readonly ModelResult[]): EvaluationVerdict {
  const failing = results.filter((r) => !r.diff.gatesPassed);
  const fail = sum(results, (r) => r.diff.gates.fail);
  const gated = fail + sum(results, (r) => r.diff.gates.pass);
  const verdict =
    fail > 0
      ? `${fail.toLocaleString('en-US')} of ${plural(gated, 'metric gate')} failed`
      : gated === 0
        ? 'No metric gates apply'
        : gated === 1
          ? 'The metric gate passed'
          : `All ${plural(gated, 'metric gate')} passed`;
  const named = failing.length > 0 ? failing : results;
  const names = named.slice(0, TITLE_MODELS).map((r) => truncate(r.model, 60));
  if (named.length > TITLE_MODELS) names.push(`${named.length - TITLE_MODELS} more`);
  return { conclusion: failing.length > 0 ? 'failure' : 'success', title: `${verdict} (${names.join(', ')})`, failing };
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((total, item) => total + f(item), 0);
}
