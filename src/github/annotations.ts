import { findingSpan, findingText, type Finding } from '../core/common/index.js';

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

/** One annotation per finding, on its line in `path` (callers send them 50 per request). */
export function findingsToAnnotations(path: string, findings: readonly Finding[]): CheckAnnotation[] {
  return findings.map((f) => {
    const span = findingSpan(f);
    const annotation: CheckAnnotation = {
      path,
      start_line: span.line,
      end_line: span.endLine,
      annotation_level: f.severity === 'error' ? 'failure' : 'warning',
      title: f.rule,
      message: findingText(f),
    };
    if (span.column !== null) {
      annotation.start_column = span.column;
      annotation.end_column = span.endColumn ?? span.column;
    }
    return annotation;
  });
}
