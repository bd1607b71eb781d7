import { cardsVerdict, type CardReport } from '../../core/cards/index.js';
import type { Finding } from '../../core/common/index.js';

export interface TextOptions {
  color: boolean;
}

/** `--format text`: for people; `path:line:col` first so terminals and editors can jump there. */
export function renderText(reports: readonly CardReport[], failOn: 'error' | 'warning', { color }: TextOptions): string {
  const paint = painter(color);
  const blocks: string[] = [];
  for (const report of reports) {
    if (report.findings.length === 0) continue;
    blocks.push(report.findings.map((f) => findingLines(report.path, f, paint)).join('\n'));
  }
  const summary = summaryLine(reports, failOn, paint);
  return (blocks.length > 0 ? blocks.join('\n\n') + '\n\n' : '') + summary + '\n';
}

/** Findings in text output for people, e.g. config errors: same layout as card findings. */
export function renderFindingsText(path: string, findings: readonly Finding[], { color }: TextOptions): string {
  const paint = painter(color);
  return findings.map((f) => findingLines(path, f, paint)).join('\n') + '\n';
}

type Paint = (style: keyof typeof STYLES, text: string) => string;

const STYLES = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1 } as const;

function painter(color: boolean): Paint {
  return color ? (style, text) => `\u001b[${STYLES[style]}m${text}\u001b[0m` : (_style, text) => text;
}

function findingLines(path: string, f: Finding, paint: Paint): string {
  const severity = f.severity === 'error' ? paint('red', 'error  ') : paint('yellow', 'warning');
  const head = `${paint('bold', `${printable(path)}:${f.line}:${f.column}`)}  ${severity}  ${printable(f.message)}  ${paint('dim', f.rule)}`;
  return f.hint ? `${head}\n    ${paint('dim', `hint: ${printable(f.hint)}`)}` : head;
}

function summaryLine(reports: readonly CardReport[], failOn: 'error' | 'warning', paint: Paint): string {
  if (reports.length === 0) return 'No model cards found.';
  const verdict = cardsVerdict(reports, failOn, 'repository');
  return verdict.conclusion === 'failure' ? paint('red', `✖ ${verdict.title}`) : paint('green', `✔ ${verdict.title}`);
}

/**
 * Card text reaches the terminal through messages; control characters (ANSI escapes, carriage
 * returns) and bidirectional overrides would let a card rewrite what the reader sees.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
