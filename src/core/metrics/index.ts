/**
 * The metric diff engine: read two metric files (and optional per-example results) and compare
 * them under the config's metric rules. The result is neutral data; src/render presents it as
 * Markdown, text or JSON.
 */
export { readMetrics, type ReadMetricsOptions } from './read.js';
export { readPredictions, readPredictionsChunked, type ByteSource, type PredictionSet, type ReadPredictionsOptions } from './predictions.js';
export { compareMetrics, RELATIVE_NOISE, type CompareOptions, type DiffRow, type MetricsDiff, type Status } from './compare.js';
export { defaultGoal, globSpecificity, RULE_PROPERTIES, type Goal, type RuleProperty } from './direction.js';
export { explainMetric, type MetricExplanation } from './explain.js';
export { FILE_KEY_SEPARATOR, mergeDiffs, type DiffPart } from './merge.js';
export type { GateResult } from './gates.js';
export { bootstrapMeanDifference, createRandom, DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_RESAMPLES, POISSON_ABOVE, type BootstrapOptions, type BootstrapScheme, type Interval, type PoissonJob } from './bootstrap.js';
export { blockCount, blockMeans, BLOCK_RESAMPLES, type PreparedColumn } from './poisson-bootstrap.js';
export { pairedSignificance, type Significance } from './significance.js';
export type { IdList } from './id-index.js';
export { statusSummary, verdictText } from './summary.js';
export { formatInterval, formatNumber, formatPair, formatPercent, formatSigned } from './format-number.js';
export { MAX_METRICS_BYTES, MAX_PREDICTIONS_BYTES } from './text.js';
export { MetricTable } from './table.js';
export {
  formatInputError,
  formatNote,
  type Baseline,
  type MetricEntry,
  type MetricSet,
  type MetricValue,
  type MetricsFormat,
  type MetricsInputError,
  type ReadResult,
} from './types.js';
