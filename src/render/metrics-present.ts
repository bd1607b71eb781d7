/** Presentation shared by the metric diff's renderers (Markdown, text, Slack): order, values, deltas. */
import { formatPair, formatPercent, formatSigned, type Baseline, type DiffRow, type MetricValue, type Status } from '../core/metrics/index.js';


/** Display order: failed gates first, then regressions, … unchanged last; file order within. */
const STATUS_RANK: Record<Status, number> = { regressed: 0, invalid: 1, removed: 2, changed: 3, added: 4, improved: 5, unchanged: 6 };

export function displayOrder(rows: readonly DiffRow[]): DiffRow[] {
  return displayGroups(rows).ordered;
}

const RANKS = Object.keys(STATUS_RANK).length;
/** The bucket of the quiet rows (see isQuiet): unchanged, gate not failed — always the last. */
const QUIET = RANKS + STATUS_RANK.unchanged;

/** The rows in display order, and the parts of it a renderer shows apart, from one pass over the rows. */
export interface DisplayGroups {
  ordered: DiffRow[];
  /** Rows whose gate failed (they come first). */
  failed: DiffRow[];
  /** Rows that are not quiet, then the quiet ones: `ordered` cut in two. */
  changed: DiffRow[];
  unchanged: DiffRow[];
  /** Rows with a note, in display order. */
  noted: DiffRow[];
  anySignificant: boolean;
}

export function displayGroups(rows: readonly DiffRow[]): DisplayGroups {
  // A stable bucket sort: the order is (failed gate first, status rank, file order), and there
  // are only 14 (failed?, status) buckets, so filling them in file order is that order in
  // linear time — no comparison sort over 100,000 rows (issue 12). The other lists are cut
  // from the buckets: at 100,000 rows each pass over them was a pass out of the cache.
  const buckets: DiffRow[][] = Array.from({ length: 2 * RANKS }, () => []);
  const noted: { row: DiffRow; bucket: number }[] = [];
  let anySignificant = false;
  for (const row of rows) {
    const bucket = (row.gate === 'fail' ? 0 : RANKS) + STATUS_RANK[row.status];
    buckets[bucket]!.push(row);
    if (row.note) noted.push({ row, bucket });
    if (row.significant) anySignificant = true;
  }
  const changed = buckets.slice(0, QUIET).flat();
  const unchanged = buckets[QUIET]!;
  return {
    ordered: unchanged.length === 0 ? changed : changed.concat(unchanged),
    failed: buckets.slice(0, RANKS).flat(),
    changed,
    unchanged,
    // Notes are few: a stable sort by bucket puts them in display order.
    noted: noted.sort((a, b) => a.bucket - b.bucket).map((n) => n.row),
    anySignificant,
  };
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
