import type { Finding } from '../../core/common/index.js';
import { plural } from '../../core/common/index.js';
import { cardPasses, type CardReport, type CardsVerdict, type ConfigVerdict } from '../../core/cards/index.js';
import { escapeTableCell, inlineCode } from './escape.js';
import { fitMarkdown } from './fit.js';

const FINDINGS_SHOWN_PER_CARD = 10;
const CUT_NOTE = '_The summary was cut to fit GitHub\'s size limit; every finding is still an annotation._';

/**
 * The cards verdict as Markdown (a check run's or a job's summary): counts, a table per card and
 * its top findings, with all card text escaped. `maxLength` is the caller's budget (its limit).
 */
export function cardsMarkdown(verdict: CardsVerdict, reports: readonly CardReport[], { maxLength }: { maxLength: number }): string {
  if (reports.length === 0) {
    return verdict.scope === 'change'
      ? 'This change touches no files that match the model card globs, so there was nothing to validate.'
      : 'No files matched the model card globs (`cards:` in `.github/modelgate.yml`), so there was nothing to validate.';
  }
  const { failOn, errors, warnings } = verdict;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const lines: string[] = [];
  lines.push(
    verdict.conclusion === 'failure'
      ? `**${plural(verdict.failing, 'model card')} of ${reports.length} failed** (${counts}).`
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
  return fitMarkdown(lines.join('\n'), maxLength, CUT_NOTE);
}

/** The config's errors as Markdown: what is wrong, then the findings table. */
export function configMarkdown(verdict: ConfigVerdict, { maxLength }: { maxLength: number }): string {
  const lines = [
    `**The modelgate configuration ${inlineCode(verdict.configPath)} is invalid**, so no model cards were validated. Fix it on the default branch.`,
    '',
    ...findingsTable(verdict.errors),
  ];
  return fitMarkdown(lines.join('\n'), maxLength, CUT_NOTE);
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
