import { plural, truncate } from '../../core/common/index.js';
import { formatInterval, formatNumber, statusSummary, verdictText, type Baseline, type DiffRow, type MetricsDiff, type Status } from '../../core/metrics/index.js';
import { baselineParts, displayGroups, formatDelta, formatRelative, formatValues } from '../metrics-present.js';
import { escapeMarkdown, escapeTableCell, inlineCode, safeLinkUrl } from './escape.js';

const MAX_NAME_CHARS = 120;
const MAX_REASON_CHARS = 300;
const MAX_FAILED_LISTED = 50;
const MAX_NOTES_SHOWN = 50;
const CHART_METRICS = 6;

export interface MarkdownOptions {
  baseline: Baseline;
  /** A link to the evaluation run (http or https only). */
  runUrl?: string | null;
  /** Character budget (the caller's limit, e.g. GitHub's for a comment); the body is shortened, with a note, to fit. */
  maxLength: number;
}

const STATUS_LABEL: Record<Status, string> = {
  improved: '🟢 improved',
  regressed: '🔴 regressed',
  unchanged: '⚪ unchanged',
  changed: '🔵 changed',
  added: '🆕 added',
  removed: '➖ removed',
  invalid: '⚠️ invalid',
};

const TABLE_HEAD = ['| Metric | Base | Head | Δ | Δ% | 95 % CI | Status |', '| :-- | --: | --: | --: | --: | :-- | :-- |'];

/**
 * The metric diff as Markdown: the body of the PR comment, the check summary, the Action's job
 * summary and `modelgate diff --format md`. Every name and value from the inputs is escaped.
 * Over the budget, rows are dropped (unchanged ones first) and a note says how many.
 *
 * Only the rows that are shown are formatted, and the body is joined once: the fitting works
 * on lengths (`measure` mirrors `assemble` exactly), and rows are formatted lazily, in display
 * order, until their lengths alone pass the budget — so a 10,000-metric diff formats the few
 * hundred rows a comment can hold, not all of them (issue 12).
 */
export function renderMarkdown(diff: MetricsDiff, options: MarkdownOptions): string {
  const { maxLength } = options;
  const { ordered, failed: failedRows, changed, unchanged, noted, anySignificant } = displayGroups(diff.rows);

  const head = [verdictLine(diff, options), '', summaryLine(diff, options)].join('\n');
  const failed = failedGates(failedRows);
  const empty = diff.rows.length === 0 ? '_Neither file has any metrics._' : changed.length === 0 ? '_No metric changed._' : null;
  const changedRows = new LazyRows(changed, maxLength);
  const unchangedRows = new LazyRows(unchanged, maxLength);
  const detailsOpen = `<details><summary>${plural(unchanged.length, 'unchanged metric')}</summary>`;
  const bold = anySignificant ? '_Intervals in bold exclude 0: the change is significant at 95 %._' : null;
  const chart = mermaidChart(ordered);
  const significance = significanceLine(diff);
  const notes = notesBlock(diff, noted);
  const hiddenNote = (hidden: number) =>
    `> [!NOTE]\n> ${plural(hidden, 'metric')} not shown, to fit the size limit. \`modelgate diff --format json\` lists every metric.`;

  const assemble = (nChanged: number, nUnchanged: number, withChart: boolean, withNotes: boolean): string => {
    const parts: string[] = [head];
    if (failed) parts.push(failed);
    if (empty) parts.push(empty);
    if (nChanged > 0) parts.push([...TABLE_HEAD, ...changedRows.first(nChanged)].join('\n'));
    if (nUnchanged > 0) parts.push([detailsOpen, '', ...TABLE_HEAD, ...unchangedRows.first(nUnchanged), '', DETAILS_CLOSE].join('\n'));
    if (bold) parts.push(bold);
    if (withChart && chart) parts.push(chart);
    parts.push(significance);
    if (withNotes && notes) parts.push(notes);
    const hidden = changed.length - nChanged + (unchanged.length - nUnchanged);
    if (hidden > 0) parts.push(hiddenNote(hidden));
    return parts.join('\n\n') + '\n';
  };

  /** `assemble(...).length`, without building the string (a lower bound above the budget once rows alone pass it). */
  const measure = (nChanged: number, nUnchanged: number, withChart: boolean, withNotes: boolean): number => {
    let length = 0;
    let parts = 0;
    const add = (n: number) => {
      length += n;
      parts++;
    };
    add(head.length);
    if (failed) add(failed.length);
    if (empty) add(empty.length);
    if (nChanged > 0) add(TABLE_HEAD_CHARS + changedRows.chars(nChanged));
    // detailsOpen, '', the table, '', DETAILS_CLOSE: four more newlines than the table's own.
    if (nUnchanged > 0) add(detailsOpen.length + 2 + TABLE_HEAD_CHARS + unchangedRows.chars(nUnchanged) + 2 + DETAILS_CLOSE.length);
    if (bold) add(bold.length);
    if (withChart && chart) add(chart.length);
    add(significance.length);
    if (withNotes && notes) add(notes.length);
    const hidden = changed.length - nChanged + (unchanged.length - nUnchanged);
    if (hidden > 0) add(hiddenNote(hidden).length);
    return length + 2 * (parts - 1) + 1;
  };

  if (measure(changed.length, unchanged.length, true, true) <= maxLength) return assemble(changed.length, unchanged.length, true, true);
  // Shorten in order of least use: the chart, the notes, unchanged rows, then changed rows.
  const fits = (n: number, u: number) => measure(n, u, false, false) <= maxLength;
  let nUnchanged = 0;
  const nChanged = fitCount(changed.length, (n) => fits(n, 0));
  if (nChanged === changed.length) nUnchanged = fitCount(unchanged.length, (u) => fits(changed.length, u));
  const withNotes = measure(nChanged, nUnchanged, false, true) <= maxLength;
  if (measure(nChanged, nUnchanged, false, withNotes) <= maxLength) return assemble(nChanged, nUnchanged, false, withNotes);
  // Only the fixed parts remain and they are still too long (a tiny budget): cut at a line.
  const minimal = assemble(0, 0, false, false);
  const cut = minimal.lastIndexOf('\n', maxLength - 2);
  return truncate(minimal.slice(0, Math.max(0, cut)), maxLength - 1) + '\n';
}

const TABLE_HEAD_CHARS = TABLE_HEAD.join('\n').length;
const DETAILS_CLOSE = '</details>';

/**
 * Table rows formatted on demand, in order, with running totals of their lengths. Formatting
 * stops once the rows so far (each with its newline) pass `budget`: no body with more rows can
 * fit, so the rest are never formatted.
 */
class LazyRows {
  private readonly text: string[] = [];
  /** total[k]: the characters of rows 0..k-1, one newline each. */
  private readonly total: number[] = [0];

  constructor(
    private readonly rows: readonly DiffRow[],
    private readonly budget: number,
  ) {}

  /** The characters of the first `n` rows with their newlines, or a total over the budget. */
  chars(n: number): number {
    while (this.text.length < n && this.total[this.text.length]! <= this.budget) {
      const row = tableRow(this.rows[this.text.length]!);
      this.total.push(this.total[this.text.length]! + 1 + row.length);
      this.text.push(row);
    }
    return this.total[Math.min(n, this.text.length)]!;
  }

  /** The first `n` rows (only called for counts that fit, so they are formatted already or cheap to). */
  first(n: number): string[] {
    while (this.text.length < n) this.text.push(tableRow(this.rows[this.text.length]!));
    return this.text.slice(0, n);
  }
}

/** The largest n in [0, max] with fits(n), by binary search (fits is monotone). */
function fitCount(max: number, fits: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function verdictLine(diff: MetricsDiff, options: MarkdownOptions): string {
  const icon = diff.gates.fail > 0 ? '❌' : diff.gates.pass > 0 ? '✅' : 'ℹ️';
  const b = baselineParts(options.baseline);
  const details = [b.ref && inlineCode(b.ref), b.sha && inlineCode(b.sha), b.version && `version ${escapeMarkdown(b.version)}`].filter(Boolean);
  const baseline = `**${escapeMarkdown(b.label)}**${details.length ? ` (${details.join(', ')})` : ''}`;
  return `${icon} **${verdictText(diff)}** — compared with the baseline ${baseline}.`;
}

function summaryLine(diff: MetricsDiff, options: MarkdownOptions): string {
  const parts = [statusSummary(diff)];
  const url = options.runUrl ? safeLinkUrl(options.runUrl) : null;
  if (url) parts.push(`[Evaluation run](${url})`);
  return parts.join(' · ');
}

function metricName(name: string, inTable: boolean): string {
  return inlineCode(truncate(name, MAX_NAME_CHARS), { inTable });
}

/** `failed`: the rows whose gate failed, in display order. */
function failedGates(failed: readonly DiffRow[]): string | null {
  if (failed.length === 0) return null;
  const lines = ['**Failed gates**', ''];
  for (const row of failed.slice(0, MAX_FAILED_LISTED)) lines.push(`- ${metricName(row.metric, false)}: ${escapeMarkdown(truncate(row.reason, MAX_REASON_CHARS))}`);
  if (failed.length > MAX_FAILED_LISTED) lines.push(`- …and ${(failed.length - MAX_FAILED_LISTED).toLocaleString('en-US')} more (see the table)`);
  return lines.join('\n');
}

function tableRow(row: DiffRow): string {
  const [base, head] = formatValues(row);
  // Numbers, NaN and "—" are our own text; only text values from the files need escaping.
  const cell = (text: string, value: DiffRow['base']) => (value?.kind === 'text' ? escapeTableCell(text) : text);
  const ci = row.ci ? (row.significant ? `**${formatInterval(row.ci)}**` : formatInterval(row.ci)) : '—';
  const gate = row.gate === 'fail' ? ' · ❌ gate failed' : row.gate === 'pass' ? ' · ✅ gate passed' : '';
  const cells = [metricName(row.metric, true), cell(base, row.base), cell(head, row.head), formatDelta(row), formatRelative(row), ci, `${STATUS_LABEL[row.status]}${gate}`];
  return `| ${cells.join(' | ')} |`;
}

function significanceLine(diff: MetricsDiff): string {
  const s = diff.significance;
  if (!s.computed) return `**Significance** not computed: ${escapeMarkdown(s.reason)}.`;
  const unpaired = s.baseOnly + s.headOnly;
  return `**Significance**: ${escapeMarkdown(s.reason)}${unpaired ? ` (${plural(unpaired, 'unpaired id')} left out)` : ''}.`;
}

/** `noted`: the rows with a note, in display order. */
function notesBlock(diff: MetricsDiff, noted: readonly DiffRow[]): string | null {
  const all = [...noted.map((r) => `${r.metric}: ${r.note}`), ...diff.notes];
  if (all.length === 0) return null;
  const lines = all.slice(0, MAX_NOTES_SHOWN).map((n) => `- ${escapeMarkdown(truncate(n, 500))}`);
  if (all.length > MAX_NOTES_SHOWN) lines.push(`- …and ${(all.length - MAX_NOTES_SHOWN).toLocaleString('en-US')} more`);
  return [`<details><summary>${plural(all.length, 'note')} about the inputs</summary>`, '', ...lines, '', '</details>'].join('\n');
}

/**
 * A bar chart of a few headline metrics, base and head side by side (Mermaid's xychart has no
 * legend and overlaps multiple bar series, so each metric gets two labelled bars). Only metrics
 * on a comparable scale are drawn together: all in [0, 1], or within one order of magnitude.
 */
function mermaidChart(rows: readonly DiffRow[]): string | null {
  // Headline metrics: gated ones first, then changed ones, in display order; unchanged ones
  // only when gated. Negative values are left out (the axis starts at 0).
  const candidate = (r: DiffRow) =>
    (r.gate !== 'none' || r.status !== 'unchanged') &&
    r.base?.kind === 'number' &&
    r.head?.kind === 'number' &&
    r.base.value >= 0 &&
    r.head.value >= 0 &&
    (r.base.value > 0 || r.head.value > 0);
  const scale = (r: DiffRow) => {
    const top = Math.max(num(r.base), num(r.head));
    return top <= 1 ? 'unit' : String(Math.floor(Math.log10(top)));
  };
  // Gated ones first, each group in display order; the first candidate sets the scale. The
  // walk stops at the sixth metric chosen: a 100,000-row diff is not filtered whole (issue 12).
  let firstScale: string | null = null;
  const chosen: DiffRow[] = [];
  for (const gated of [true, false]) {
    for (const r of rows) {
      if (chosen.length === CHART_METRICS) break;
      if ((r.gate !== 'none') !== gated || !candidate(r)) continue;
      firstScale ??= scale(r);
      if (scale(r) === firstScale) chosen.push(r);
    }
  }
  if (chosen.length < 2) return null;
  const labels: string[] = [];
  const values: string[] = [];
  for (const r of chosen) {
    const name = mermaidText(r.metric);
    labels.push(`"${name} (base)"`, `"${name} (head)"`);
    values.push(mermaidNumber(num(r.base)), mermaidNumber(num(r.head)));
  }
  const top = firstScale === 'unit' ? 1 : niceCeiling(Math.max(...chosen.map((r) => Math.max(num(r.base), num(r.head)))));
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Base vs head"',
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "Value" 0 --> ${mermaidNumber(top)}`,
    `  bar [${values.join(', ')}]`,
    '```',
  ].join('\n');
}

function num(v: DiffRow['base']): number {
  return v?.kind === 'number' ? v.value : 0;
}

/** Metric names in chart labels: a conservative character set, so nothing can end the string or the fence. */
function mermaidText(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9 _./%+-]/g, '_');
  return safe.length > 24 ? `${safe.slice(0, 23)}…` : safe;
}

function mermaidNumber(x: number): string {
  const text = formatNumber(x, 6);
  return /e/.test(text) ? x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : text;
}

function niceCeiling(x: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= x) return step * magnitude;
  return 10 * magnitude;
}
