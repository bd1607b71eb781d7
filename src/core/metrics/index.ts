/**
 * The metric diff engine: read two metric files (and optional per-example results), compare
 * them under the config's metric rules, and present the result as Markdown, text or JSON.
 */
export { readMetrics, type ReadMetricsOptions } from './read.js';
export { readPredictions, type PredictionSet, type ReadPredictionsOptions } from './predictions.js';
export { compareMetrics, RELATIVE_NOISE, type CompareOptions, type DiffRow, type MetricsDiff, type Status } from './compare.js';
export { defaultGoal, type Goal } from './direction.js';
export type { GateResult } from './gates.js';
export { DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_RESAMPLES } from './bootstrap.js';
export type { Significance } from './significance.js';
export type { Baseline } from '../../render/metrics-present.js';
export { renderMarkdown, metricsDiffMarker, METRICS_DIFF_MARKER_PREFIX, MAX_MARKDOWN_CHARS, type MarkdownOptions } from '../../render/markdown/metrics.js';
export { renderText, type TextOptions } from '../../render/text/metrics.js';
export { toJson, type JsonDiff, type JsonRow } from '../../render/json/metrics.js';
export { MAX_METRICS_BYTES, MAX_PREDICTIONS_BYTES } from './text.js';
export { formatInputError, type MetricSet, type MetricValue, type MetricsFormat, type MetricsInputError } from './types.js';
