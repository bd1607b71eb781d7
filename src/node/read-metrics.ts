import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  formatInputError,
  MAX_METRICS_BYTES,
  MAX_PREDICTIONS_BYTES,
  readMetrics,
  readPredictions,
  readPredictionsChunked,
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
export async function readPredictionsFile(root: string, path: string, what = 'per-example results'): Promise<PredictionSet> {
  const absolute = resolve(root, path);
  const chunked = readChunked(absolute, displayPath(root, absolute));
  if (chunked) {
    if (!chunked.ok) throw new InputError(formatInputError(chunked.error));
    return chunked.value;
  }
  return readInput(root, path, what, MAX_PREDICTIONS_BYTES, (file, bytes) => readPredictions(file, bytes));
}

/**
 * A regular file of JSON Lines read a chunk at a time (readPredictionsChunked), so that its bytes
 * are never held whole next to what is read from them: the peak memory of a diff of two
 * million-line files (issue 12). null for anything else, and on any I/O error: the whole-file
 * path then reads it and gives its result or its error message, as before.
 */
function readChunked(absolute: string, file: string): ReturnType<typeof readPredictionsChunked> {
  let fd: number;
  try {
    fd = openSync(absolute, 'r');
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    return readPredictionsChunked(file, { read: (into, position) => readSync(fd, into, 0, into.length, position) });
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
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
