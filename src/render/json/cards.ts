import { cardPasses, type CardReport } from '../../core/cards/index.js';

export type FailOn = 'error' | 'warning';

/** `--format json`: one document, stable keys, for scripts. */
export function renderJson(reports: readonly CardReport[], failOn: FailOn): string {
  const files = reports.map((r) => ({
    path: r.path,
    format: r.format,
    model: r.model,
    valid: cardPasses(r, failOn),
    findings: r.findings.map((f) => ({
      severity: f.severity,
      rule: f.rule,
      message: f.message,
      hint: f.hint ?? null,
      line: f.line,
      column: f.column,
    })),
  }));
  const valid = files.filter((f) => f.valid).length;
  const summary = {
    files: files.length,
    valid,
    invalid: files.length - valid,
    errors: reports.reduce((n, r) => n + r.errors, 0),
    warnings: reports.reduce((n, r) => n + r.warnings, 0),
  };
  return JSON.stringify({ files, summary }, null, 2) + '\n';
}
