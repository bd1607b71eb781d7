import { plural } from '../common/text.js';
import type { MetricsDiff, Status } from './compare.js';

/** "2 regressed · 1 improved · 12 unchanged" (non-zero counts only). */
export function statusSummary(diff: MetricsDiff, separator = ' · '): string {
  const order: Status[] = ['regressed', 'invalid', 'removed', 'changed', 'added', 'improved', 'unchanged'];
  const parts = order.filter((s) => diff.counts[s] > 0).map((s) => `${diff.counts[s].toLocaleString('en-US')} ${s}`);
  return parts.length ? parts.join(separator) : 'no metrics';
}

/** The verdict in words, without decoration: "2 of 5 metric gates failed". */
export function verdictText(diff: MetricsDiff): string {
  const gated = diff.gates.pass + diff.gates.fail;
  if (diff.gates.fail > 0) return `${diff.gates.fail.toLocaleString('en-US')} of ${plural(gated, 'metric gate')} failed`;
  if (gated > 0) return gated === 1 ? 'The metric gate passed' : `All ${plural(gated, 'metric gate')} passed`;
  return 'No metric gates apply';
}
