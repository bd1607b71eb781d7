import type { Baseline, MetricsDiff } from '../core/metrics/index.js';
import { renderMarkdown } from '../render/markdown/metrics.js';
import { COMMENT_MAX_CHARS } from './limits.js';
import { metricsDiffMarker, withMarker } from './markers.js';

/**
 * The body of a model's sticky metric-diff comment: its marker, then the diff's Markdown within
 * what is left of GitHub's comment limit. The App, the metrics-diff action and
 * `modelgate diff --format md` (a preview of exactly this comment) all post this.
 */
export function metricsCommentBody(diff: MetricsDiff, options: { baseline: Baseline; model?: string | null; runUrl?: string | null }): string {
  const marker = metricsDiffMarker(options.model ?? diff.model);
  return withMarker(marker, renderMarkdown(diff, { baseline: options.baseline, runUrl: options.runUrl ?? null, maxLength: COMMENT_MAX_CHARS - marker.length - 1 }));
}
