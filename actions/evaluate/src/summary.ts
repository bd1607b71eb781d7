import { plural, truncate } from '../../../src/core/common/index.js';
import type { Manifest } from '../../../src/core/evaluation/index.js';
import type { MetricSet } from '../../../src/core/metrics/index.js';
import { escapeMarkdown, escapeTableCell, inlineCode } from '../../../src/render/markdown/escape.js';
import { formatValue } from '../../../src/render/metrics-present.js';

/** GitHub caps a step summary at 1 MiB; a table this long is unreadable well before that. */
export const MAX_SUMMARY_ROWS = 500;
const MAX_NAME_CHARS = 120;

/**
 * The job summary of an evaluation: the model, a Metric | Value table and where it ran. Every
 * metric name and text value comes from the repository's files, so each is escaped.
 */
export function renderSummary(manifest: Manifest, metrics: MetricSet, artifact: string): string {
  const { model } = manifest;
  const title = `## Evaluation of ${inlineCode(model.name)}${model.version ? ` ${inlineCode(model.version)}` : ''}`;
  const rows: string[] = [];
  for (const entry of metrics.metrics.values()) {
    if (rows.length === MAX_SUMMARY_ROWS) break;
    const value = entry.value.kind === 'invalid' ? `⚠️ ${entry.value.raw}` : entry.value.kind === 'text' ? escapeTableCell(formatValue(entry.value)) : formatValue(entry.value);
    rows.push(`| ${inlineCode(truncate(entry.key, MAX_NAME_CHARS), { inTable: true })} | ${value} |`);
  }
  const parts = [title];
  if (metrics.metrics.size === 0) parts.push('_The metrics file has no metrics._');
  else parts.push(['| Metric | Value |', '| :-- | --: |', ...rows].join('\n'));
  const hidden = metrics.metrics.size - rows.length;
  if (hidden > 0) parts.push(`_…and ${plural(hidden, 'more metric')}: every metric is in \`modelgate-eval.json\` in the artifact._`);
  parts.push(detailsLine(manifest, artifact));
  return `${parts.join('\n\n')}\n`;
}

function detailsLine(manifest: Manifest, artifact: string): string {
  const parts = [`Commit ${inlineCode(manifest.commit.slice(0, 12))}`];
  if (manifest.pull_request !== null) parts.push(`pull request #${manifest.pull_request}`);
  if (manifest.card) parts.push(`card ${inlineCode(manifest.card.path)}`);
  const seconds = (Date.parse(manifest.finished_at) - Date.parse(manifest.started_at)) / 1000;
  const runner = [manifest.runner.os, manifest.runner.arch].filter(Boolean).join(' ');
  parts.push(`ran ${formatDuration(seconds)}${runner ? ` on ${escapeMarkdown(runner)}` : ''}${manifest.runner.name ? ` (${escapeMarkdown(manifest.runner.name)})` : ''}`);
  parts.push(`artifact ${inlineCode(artifact)}`);
  return parts.join(' · ');
}

/** 0.4 s, 42 s, 3 min 5 s, 2 h 1 min. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toFixed(1))} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
}
