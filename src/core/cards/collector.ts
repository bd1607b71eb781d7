import type { Config } from '../config/schema.js';
import { sortFindings, type Finding, type Severity } from '../common/findings.js';
import type { Position } from '../common/yaml-positions.js';
import { finding } from './finding.js';
import { MAX_FINDINGS_PER_FILE } from './limits.js';
import { thousands } from './quote.js';
import { defaultSeverity, type RuleId } from './rules.js';

/**
 * Where the checks of one card put their findings. It applies the repository's severities as
 * findings arrive (an `off` rule's findings are dropped and never count), and keeps at most
 * MAX_FINDINGS_PER_FILE of them: errors before warnings, then the earliest in the file. So an
 * error is never hidden behind warnings, and a hostile card that breaks one rule 160,000 times
 * costs the memory of 200 findings, not 160,000. What is left out is counted, and `finish` adds
 * one final `card/too-many-findings` saying how many.
 *
 * Checks that can report a rule once per node or line ask `skip` first, so they build (and format
 * the message of) only the findings that are kept.
 */
export class FindingCollector {
  /** A max-heap by `order`: the root is the kept finding that would go first when a better one comes. */
  private readonly heap: Finding[] = [];
  private readonly omitted: Record<Severity, number> = { error: 0, warning: 0 };
  private firstOmitted: Position | null = null;

  constructor(
    private readonly rules: Config['rules'],
    private readonly cap = MAX_FINDINGS_PER_FILE,
  ) {}

  push(...findings: Finding[]): void {
    for (const f of findings) this.add(f);
  }

  /**
   * True when a finding of `rule` at `at` would not be kept (an `off` rule, or the cap is reached
   * by findings that come first); it is then counted as left out, and the caller need not build it.
   */
  skip(rule: RuleId, at: Position): boolean {
    const severity = this.severity(rule);
    if (severity === null) return true;
    if (this.heap.length < this.cap || order(severity, at, this.heap[0]!) < 0) return false;
    this.omit(severity, at);
    return true;
  }

  /** The kept findings in reading order, then (when any were left out) the one that says how many. */
  finish(): Finding[] {
    const kept = sortFindings([...this.heap]);
    const { error, warning } = this.omitted;
    const more = error + warning;
    if (more === 0) return kept;
    const severity = this.severity('card/too-many-findings');
    if (severity === null) return kept;
    const counts = [error ? plural(error, 'error') : '', warning ? plural(warning, 'warning') : ''].filter(Boolean).join(' and ');
    const last = finding(
      'card/too-many-findings',
      this.firstOmitted!,
      `…and ${thousands(more)} more findings (${counts}) not shown: only the first ${this.cap} of a file are, errors first.`,
      'Fix the findings shown (often one mistake repeated) and validate again to see the rest.',
    );
    last.severity = severity;
    // Last, not in position order: it is about the whole list.
    kept.push(last);
    return kept;
  }

  private severity(rule: string): Severity | null {
    const setting = this.rules[rule];
    if (setting === 'off') return null;
    if (setting === 'error' || setting === 'warning') return setting;
    return defaultSeverity(rule as RuleId);
  }

  private add(f: Finding): void {
    const severity = this.severity(f.rule);
    if (severity === null) return;
    f.severity = severity;
    const { heap } = this;
    if (heap.length < this.cap) {
      heap.push(f);
      this.siftUp(heap.length - 1);
      return;
    }
    const worst = heap[0]!;
    if (order(severity, f, worst) >= 0) {
      this.omit(severity, f);
      return;
    }
    this.omit(worst.severity, worst);
    heap[0] = f;
    this.siftDown(0);
  }

  private omit(severity: Severity, at: Position): void {
    this.omitted[severity]++;
    const first = this.firstOmitted;
    if (first === null || at.line < first.line || (at.line === first.line && at.column < first.column)) {
      this.firstOmitted = { line: at.line, column: at.column };
    }
  }

  private siftUp(i: number): void {
    const { heap } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[i]!, heap[parent]!) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const { heap } = this;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < heap.length && compare(heap[left]!, heap[largest]!) > 0) largest = left;
      if (right < heap.length && compare(heap[right]!, heap[largest]!) > 0) largest = right;
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
      i = largest;
    }
  }
}

/** Which of two findings is kept first: errors, then the earlier position. Negative when `a` is. */
function order(severity: Severity, at: Position, b: Finding): number {
  if (severity !== b.severity) return severity === 'error' ? -1 : 1;
  return at.line - b.line || at.column - b.column;
}

function compare(a: Finding, b: Finding): number {
  return order(a.severity, a, b);
}

function plural(n: number, word: string): string {
  return `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
}
