import type { Finding } from '../common/findings.js';
import type { Position } from '../common/yaml-positions.js';
import { defaultSeverity, type RuleId } from './rules.js';

/**
 * A finding with the rule's default severity (`validateCard` applies the repository's overrides).
 * Every finding says what to do about it, so the hint is required.
 */
export function finding(rule: RuleId, at: Position, message: string, hint: string): Finding {
  return { severity: defaultSeverity(rule), rule, message, hint, line: at.line, column: at.column };
}

export const START: Position = { line: 1, column: 1 };
