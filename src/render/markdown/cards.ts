import type { Finding } from '../../core/common/findings.js';
import { escapeTableCell, inlineCode, truncate } from './escape.js';
import { cardPasses, type CardReport } from '../../core/cards/types.js';

export type CardsConclusion = 'success' | 'failure' | 'neutral';

export interface CardsVerdict {
  conclusion: CardsConclusion;
  /** One line, plain text: the check run's title. */
  title: string;
  /** Markdown, with all card text escaped. */
  summary: string;
  cards: number;
  errors: number;
  warnings: number;
}

/** A check run annotation as GitHub's Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

/** GitHub rejects check output summaries over 65,535 characters. */
export const MAX_SUMMARY_CHARS = 65_535;
const FINDINGS_SHOWN_PER_CARD = 10;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The verdict over the cards a change touched, as a check run or job summary shows it. */
export function summarizeCards(
  reports: readonly CardReport[],
  failOn: 'error' | 'warning',
  /** What was searched: a change's files (the App) or a whole checkout (the action, the CLI). */
  scope: 'change' | 'repository' = 'change',
): CardsVerdict {
  const errors = reports.reduce((n, r) => n + r.errors, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings, 0);
  if (reports.length === 0) {
    return {
      conclusion: 'neutral',
      title: scope === 'change' ? 'No model cards changed' : 'No model cards found',
      summary:
        scope === 'change'
          ? 'This change touches no files that match the model card globs, so there was nothing to validate.'
          : 'No files matched the model card globs (`cards:` in `.github/modelgate.yml`), so there was nothing to validate.',
      cards: 0,
      errors,
      warnings,
    };
  }
  const failing = reports.filter((r) => !cardPasses(r, failOn));
  const conclusion: CardsConclusion = failing.length > 0 ? 'failure' : 'success';
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const title =
    conclusion === 'failure'
      ? `${plural(failing.length, 'model card')} failed: ${counts}`
      : errors + warnings === 0
        ? `${plural(reports.length, 'model card')} valid`
        : `${plural(reports.length, 'model card')} passed with ${plural(warnings, 'warning')}`;

  const lines: string[] = [];
  lines.push(
    conclusion === 'failure'
      ? `**${plural(failing.length, 'model card')} of ${reports.length} failed** (${counts}).`
      : `**All ${plural(reports.length, 'model card')} passed** (${counts}).`,
  );
  if (failOn === 'warning') lines.push('', 'Warnings fail this check (`fail_on: warning`).');
  lines.push('', '| Card | Model | Errors | Warnings | Result |', '| --- | --- | ---: | ---: | --- |');
  const ordered = [...reports].sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || a.path.localeCompare(b.path));
  for (const r of ordered) {
    const model = r.model ? escapeTableCell(r.model.version ? `${r.model.name} ${r.model.version}` : r.model.name) : '—';
    const result = cardPasses(r, failOn) ? '✅ pass' : '❌ fail';
    lines.push(`| ${inlineCode(r.path, { inTable: true })} | ${model} | ${r.errors} | ${r.warnings} | ${result} |`);
  }
  for (const r of ordered) {
    if (r.findings.length === 0) continue;
    lines.push('', `#### ${inlineCode(r.path)}`, '', ...findingsTable(r.findings));
    if (r.findings.length > FINDINGS_SHOWN_PER_CARD) {
      lines.push('', `…and ${r.findings.length - FINDINGS_SHOWN_PER_CARD} more, shown as annotations on the file.`);
    }
  }
  return { conclusion, title, summary: capSummary(lines), cards: reports.length, errors, warnings };
}

/** The verdict when `.github/modelgate.yml` itself is invalid: nothing else can be trusted. */
export function summarizeConfigErrors(configPath: string, errors: readonly Finding[]): CardsVerdict {
  const lines = [
    `**The modelgate configuration ${inlineCode(configPath)} is invalid**, so no model cards were validated. Fix it on the default branch.`,
    '',
    ...findingsTable(errors),
  ];
  return {
    conclusion: 'failure',
    title: `Invalid configuration: ${plural(errors.length, 'error')} in ${configPath}`,
    summary: capSummary(lines),
    cards: 0,
    errors: errors.length,
    warnings: 0,
  };
}

function findingsTable(findings: readonly Finding[]): string[] {
  const rows = [...findings]
    .sort((a, b) => (a.severity === b.severity ? a.line - b.line || a.column - b.column : a.severity === 'error' ? -1 : 1))
    .slice(0, FINDINGS_SHOWN_PER_CARD)
    .map((f) => {
      const severity = f.severity === 'error' ? '❌ error' : '⚠️ warning';
      const message = escapeTableCell(f.message) + (f.hint ? `<br>${escapeTableCell(f.hint)}` : '');
      return `| ${f.line}:${f.column} | ${severity} | ${inlineCode(f.rule, { inTable: true })} | ${message} |`;
    });
  return ['| Line | Severity | Rule | Message |', '| ---: | --- | --- | --- |', ...rows];
}

function capSummary(lines: string[]): string {
  const text = lines.join('\n');
  if (text.length <= MAX_SUMMARY_CHARS) return text;
  const note = '\n\n_The summary was cut to fit GitHub\'s size limit; every finding is still an annotation._';
  // Cut at a line boundary so no table row or code span is left half-open.
  const cut = text.lastIndexOf('\n', MAX_SUMMARY_CHARS - note.length);
  return text.slice(0, cut) + note;
}

/** GitHub check annotations for every finding (callers send them 50 per request). */
export function toAnnotations(reports: readonly CardReport[]): CheckAnnotation[] {
  return reports.flatMap((r) => findingsToAnnotations(r.path, r.findings));
}

export function findingsToAnnotations(path: string, findings: readonly Finding[]): CheckAnnotation[] {
  return findings.map((f) => {
    const endLine = f.endLine ?? f.line;
    const annotation: CheckAnnotation = {
      path,
      start_line: f.line,
      end_line: endLine,
      annotation_level: f.severity === 'error' ? 'failure' : 'warning',
      title: f.rule,
      // Annotations are plain text: no escaping, but a length cap (GitHub allows 64 KB).
      message: truncate(f.hint ? `${f.message}\n${f.hint}` : f.message, 4000),
    };
    // GitHub only accepts columns on single-line annotations.
    if (endLine === f.line) {
      annotation.start_column = f.column;
      annotation.end_column = f.endColumn ?? f.column;
    }
    return annotation;
  });
}
