/** A finding is one thing wrong with one file, pinned to a position in the original bytes. */
export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** Stable rule id, e.g. `card/invalid-license`. Users configure severities by it. */
  rule: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** 1-based line in the original file. */
  line: number;
  /** 1-based column in the original file. */
  column: number;
  endLine?: number;
  endColumn?: number;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** Orders findings as people read a file: by position, errors before warnings on the same spot. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.rule.localeCompare(b.rule),
  );
}
