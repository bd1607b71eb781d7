import { cardsVerdict, type CardReport } from '../core/cards/index.js';
import { findingSpan, findingText, type Finding } from '../core/common/index.js';
import { verdictText, type Baseline, type MetricsDiff } from '../core/metrics/index.js';

/**
 * GitHub Actions workflow commands (`::error file=…::message`), as the runner parses them from
 * stdout. Escaping keeps card text from ending a command early or starting a new one.
 */

export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}

/** A finding as an `::error`/`::warning` command on its line; columns only where GitHub accepts them (one line). */
export function findingCommand(path: string, f: Finding): string {
  const span = findingSpan(f);
  return workflowCommand(
    f.severity,
    { file: path, line: span.line, endLine: span.endLine === span.line ? undefined : span.endLine, col: span.column ?? undefined, title: f.rule },
    findingText(f),
  );
}

/** `modelgate validate --format github`: a command per finding, then the verdict's title. */
export function cardsWorkflowCommands(reports: readonly CardReport[], failOn: 'error' | 'warning'): string {
  const lines = reports.flatMap((r) => r.findings.map((f) => findingCommand(r.path, f)));
  lines.push(reports.length === 0 ? 'No model cards found.' : cardsVerdict(reports, failOn).title);
  return lines.join('\n') + '\n';
}

/** Where a diff row's metric is written: the file (head's, else base's), its line, and its name in that file. */
export interface MetricLocation {
  file: string;
  line: number;
  key: string;
}

/**
 * `modelgate diff --format github`: an `::error` on the metric's line for each failing gate, a
 * `::warning` for each other regression, then the verdict. The table goes to the job summary.
 */
export function metricsWorkflowCommands(diff: MetricsDiff, locations: ReadonlyMap<string, MetricLocation>, baseline: Baseline): string {
  const lines: string[] = [];
  for (const row of diff.rows) {
    const failing = row.gate === 'fail';
    if (!failing && row.status !== 'regressed' && row.status !== 'invalid') continue;
    const at = locations.get(row.metric);
    lines.push(
      workflowCommand(
        failing ? 'error' : 'warning',
        { file: at?.file, line: at?.line, title: `modelgate: ${row.metric}`.slice(0, 255) },
        `${row.metric} ${failing ? 'fails its gate' : row.status} against ${baseline.label}: ${row.reason}`,
      ),
    );
  }
  lines.push(`${diff.gates.fail > 0 ? 'FAIL' : diff.gates.pass > 0 ? 'PASS' : 'INFO'}: ${verdictText(diff)} (baseline: ${baseline.label})`);
  return lines.join('\n') + '\n';
}
