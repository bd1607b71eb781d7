import { plural } from '../../core/common/index.js';
import { formatInterval, statusSummary, verdictText, type Baseline, type DiffRow, type MetricsDiff, type Status } from '../../core/metrics/index.js';
import { baselineParts, displayOrder, formatDelta, formatRelative, formatValues, isQuiet } from '../metrics-present.js';

export interface TextOptions {
  baseline: Baseline;
  /** ANSI colours (a terminal that wants them); words carry the meaning either way. */
  color?: boolean;
  runUrl?: string | null;
}

/** Unchanged metrics are listed one per line up to this many; past it, only counted. */
const UNCHANGED_LISTED = 20;
const MAX_CELL = 60;

const COLOR: Partial<Record<Status | 'fail' | 'pass', string>> = { regressed: '31', invalid: '33', improved: '32', fail: '31;1', pass: '32' };

/** The diff for people at a terminal: verdict, an aligned table, significance, notes. */
export function renderText(diff: MetricsDiff, options: TextOptions): string {
  const paint = (code: string | undefined, text: string) => (options.color && code ? `\u001b[${code}m${text}\u001b[0m` : text);
  const b = baselineParts(options.baseline);
  const details = [b.ref, b.sha, b.version && `version ${b.version}`].filter(Boolean);
  const baseline = `${clean(b.label)}${details.length ? ` (${details.map((d) => clean(d!)).join(', ')})` : ''}`;
  const verdict = diff.gates.fail > 0 ? paint(COLOR.fail, 'FAIL') : diff.gates.pass > 0 ? paint(COLOR.pass, 'PASS') : 'INFO';
  const lines = [`${verdict}  ${verdictText(diff)} — baseline: ${baseline}`, `      ${statusSummary(diff, ', ')}`];
  if (options.runUrl) lines.push(`      evaluation run: ${clean(options.runUrl)}`);

  const ordered = displayOrder(diff.rows);
  const unchanged = ordered.filter(isQuiet);
  const shown = unchanged.length > UNCHANGED_LISTED ? ordered.filter((r) => !isQuiet(r)) : ordered;
  if (shown.length) {
    const header = ['Metric', 'Base', 'Head', 'Δ', 'Δ%', '95% CI', 'Status', 'Gate'];
    const table = shown.map((r) => cells(r));
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    const pad = (row: string[]) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : i >= 1 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push('', pad(header));
    shown.forEach((row, i) => {
      const text = pad(table[i]!);
      lines.push(row.gate === 'fail' ? paint(COLOR.fail, text) : paint(COLOR[row.status], text));
    });
  }
  if (shown.length < ordered.length) lines.push('', `${plural(unchanged.length, 'unchanged metric')} not listed (--format json lists them).`);
  if (diff.rows.some((r) => r.significant)) lines.push('', '* the interval excludes 0: the change is significant at 95 %.');

  const s = diff.significance;
  lines.push('', s.computed ? `Significance: ${s.reason}.` : `Significance not computed: ${s.reason}.`);
  const notes = [...ordered.filter((r) => r.note).map((r) => `${r.metric}: ${r.note}`), ...diff.notes];
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${clean(n)}`));
  return lines.join('\n') + '\n';
}

function cells(row: DiffRow): string[] {
  const [base, head] = formatValues(row);
  const ci = row.ci ? `${formatInterval(row.ci)}${row.significant ? '*' : ''}` : '—';
  const gate = row.gate === 'none' ? '' : `${row.gate === 'fail' ? 'FAIL' : 'pass'}: ${row.reason}`;
  return [cut(row.metric), cut(base), cut(head), formatDelta(row), formatRelative(row), ci, row.status, clean(gate)];
}

function cut(text: string): string {
  const c = clean(text);
  return c.length > MAX_CELL ? `${c.slice(0, MAX_CELL - 1)}…` : c;
}

/** Control characters (including ESC) from the inputs must not reach the terminal. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '�');
}
