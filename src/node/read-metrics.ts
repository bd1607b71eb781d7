import { resolve } from 'node:path';
import {
  formatInputError,
  MAX_METRICS_BYTES,
  MAX_PREDICTIONS_BYTES,
  readMetrics,
  readPredictions,
  type MetricSet,
  type PredictionSet,
  type ReadMetricsOptions,
} from '../core/metrics/index.js';
import type { ReadResult } from '../core/metrics/index.js';
import { describeFsError, InputError } from './errors.js';
import { displayPath } from './paths.js';
import { readUpTo } from './read-limited.js';

/** Reads and parses a metrics file; any problem is an InputError naming the file and position. */
export function readMetricsFile(root: string, path: string, what = 'metrics'): Promise<MetricSet> {
  // Markdown cards are detected by extension; `README` without one is still a card.
  const options: ReadMetricsOptions = /(^|[/\\])README$/i.test(path) ? { format: 'markdown' } : {};
  return readInput(root, path, what, MAX_METRICS_BYTES, (file, bytes) => readMetrics(file, bytes, options));
}

/** Reads and parses a per-example results file (JSONL or CSV with an id column). */
export function readPredictionsFile(root: string, path: string, what = 'per-example results'): Promise<PredictionSet> {
  return readInput(root, path, what, MAX_PREDICTIONS_BYTES, (file, bytes) => readPredictions(file, bytes));
}

async function readInput<T>(
  root: string,
  path: string,
  what: string,
  limit: number,
  read: (file: string, bytes: Uint8Array) => ReadResult<T>,
): Promise<T> {
  const absolute = resolve(root, path);
  const file = displayPath(root, absolute);
  let bytes: Uint8Array;
  try {
    // One byte over the cap, so the reader can tell the file is too large rather than cut it.
    bytes = await readUpTo(absolute, limit + 1);
  } catch (error) {
    throw new InputError(`Cannot read the ${what} file ${file}: ${describeFsError(error)}.`);
  }
  const result = read(file, bytes);
  if (!result.ok) throw new InputError(formatInputError(result.error));
  return result.value;
}
