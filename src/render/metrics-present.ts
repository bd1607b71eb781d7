/** Presentation shared by the metric diff's renderers (Markdown, text, Slack): order, values, deltas. */
import { formatPair, formatPercent, formatSigned, type Baseline, type DiffRow, type MetricValue, type Status } from '../core/metrics/index.js';


/** Display order: failed gates first, then regressions, … unchanged last; file order within. */
const STATUS_RANK: Record<Status, number> = { regressed: 0, invalid: 1, removed: 2, changed: 3, added: 4, improved: 5, unchanged: 6 };

export function displayOrder(rows: readonly DiffRow[]): DiffRow[] {
  // A stable bucket sort: the order is (failed gate first, status rank, file order), and there
  // are only 14 (failed?, status) buckets, so filling them in file order is that order in
  // linear time — no comparison sort over 100,000 rows (issue 12).
  const ranks = Object.keys(STATUS_RANK).length;
  const buckets: DiffRow[][] = Array.from({ length: 2 * ranks }, () => []);
  for (const row of rows) buckets[(row.gate === 'fail' ? 0 : ranks) + STATUS_RANK[row.status]]!.push(row);
  return buckets.flat();
}

/** Rows that may be folded away: unchanged, and not failing a gate (a failure is always shown). */
export function isQuiet(row: DiffRow): boolean {
  return row.status === 'unchanged' && row.gate !== 'fail';
}

/** Base and head as text for people: numbers with enough digits to differ, raw tokens, "—". */
export function formatValues(row: DiffRow): [string, string] {
  const { base, head } = row;
  if (base?.kind === 'number' && head?.kind === 'number') return formatPair(base.value, head.value);
  return [formatValue(base), formatValue(head)];
}

export function formatValue(value: MetricValue | null): string {
  if (value === null) return '—';
  switch (value.kind) {
    case 'number':
      return formatPair(value.value, value.value)[0];
    case 'invalid':
      return value.raw;
    case 'text':
      return JSON.stringify(value.value.length > 60 ? `${value.value.slice(0, 59)}…` : value.value);
  }
}

export function formatDelta(row: DiffRow): string {
  return row.delta === null ? '—' : formatSigned(row.delta);
}

export function formatRelative(row: DiffRow): string {
  return row.relativeDelta === null ? '—' : formatPercent(row.relativeDelta);
}

/** The baseline's parts for display, unescaped (the caller escapes for its format). */
export function baselineParts(baseline: Baseline): { label: string; ref: string | null; sha: string | null; version: string | null } {
  return {
    label: baseline.label,
    ref: baseline.ref && baseline.ref !== baseline.label ? baseline.ref : null,
    sha: baseline.sha ? (/^[0-9a-f]{40}$/i.test(baseline.sha) ? baseline.sha.slice(0, 7) : baseline.sha) : null,
    version: baseline.version ? baseline.version : null,
  };
}
