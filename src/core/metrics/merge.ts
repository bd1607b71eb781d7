import type { DiffRow, MetricsDiff, Status } from './compare.js';

/** One compared pair of metrics files, and the name its rows get a prefix of (null: none). */
export interface DiffPart {
  prefix: string | null;
  diff: MetricsDiff;
}

/** The separator between a file and a metric in a merged diff: `eval/metrics.json:eval.accuracy`. */
export const FILE_KEY_SEPARATOR = ':';

/**
 * Several file pairs compared as one diff (`modelgate diff main -- a.json b.json`): the rows of
 * each, in order, named `<file>:<metric>` when there is more than one file (each file's rules
 * were matched against its own metric names). Gates, counts and notes add up; significance is
 * the first part's (per-example results go with one pair only).
 */
export function mergeDiffs(parts: readonly DiffPart[]): MetricsDiff {
  if (parts.length === 1 && parts[0]!.prefix === null) return parts[0]!.diff;
  if (parts.length === 0) throw new Error('mergeDiffs needs at least one diff');
  const rows: DiffRow[] = [];
  const notes: string[] = [];
  const gates = { pass: 0, fail: 0, none: 0 };
  const counts = Object.fromEntries(Object.keys(parts[0]!.diff.counts).map((s) => [s, 0])) as Record<Status, number>;
  for (const { prefix, diff } of parts) {
    for (const row of diff.rows) rows.push(prefix === null ? row : { ...row, metric: `${prefix}${FILE_KEY_SEPARATOR}${row.metric}` });
    notes.push(...diff.notes);
    for (const key of ['pass', 'fail', 'none'] as const) gates[key] += diff.gates[key];
    for (const status of Object.keys(counts) as Status[]) counts[status] += diff.counts[status];
  }
  const models = [...new Set(parts.map((p) => p.diff.model).filter((m): m is string => m !== null))];
  return { rows, gatesPassed: gates.fail === 0, gates, counts, significance: parts[0]!.diff.significance, notes, model: models.length === 1 ? models[0]! : null };
}
