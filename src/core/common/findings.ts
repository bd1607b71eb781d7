import { truncate } from './text.js';

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

/** Plain-text outputs keep each finding a message, not a document. */
const FINDING_TEXT_CHARS = 4000;

/** A finding as one plain-text message: the message, then the hint on a second line; bounded. */
export function findingText(f: Pick<Finding, 'message' | 'hint'>): string {
  const text = f.hint ? `${f.message}\n${f.hint}` : f.message;
  return truncate(text, FINDING_TEXT_CHARS);
}

/** Where a finding is, as line annotations take it: columns only on single-line findings (GitHub ignores them otherwise). */
export function findingSpan(f: Finding): { line: number; endLine: number; column: number | null; endColumn: number | null } {
  const endLine = f.endLine ?? f.line;
  return endLine === f.line ? { line: f.line, endLine, column: f.column, endColumn: f.endColumn ?? f.column } : { line: f.line, endLine, column: null, endColumn: null };
}
