import type { Finding } from '../common/findings.js';

/** Notes kept per file; past this, one line says how many more there were. */
export const MAX_NOTES_PER_FILE = 50;

/** Collects warnings about one input file, capped so a pathological file cannot flood the output. */
export class Notes {
  readonly list: Finding[] = [];
  private dropped = 0;

  add(line: number, column: number, rule: string, message: string, hint?: string): void {
    if (this.list.length >= MAX_NOTES_PER_FILE) {
      this.dropped++;
      return;
    }
    const note: Finding = { severity: 'warning', rule, message, line, column };
    if (hint) note.hint = hint;
    this.list.push(note);
  }

  done(): Finding[] {
    if (this.dropped > 0) {
      this.list.push({
        severity: 'warning',
        rule: 'metrics/more-notes',
        message: `…and ${this.dropped.toLocaleString('en-US')} more notes like these.`,
        line: 1,
        column: 1,
      });
      this.dropped = 0;
    }
    return this.list;
  }
}
