import type { Finding } from '../common/findings.js';
import type { MetricTable } from './table.js';

/** How a metrics file is written; detected from the file name and content. */
export type MetricsFormat =
  | 'json' // nested objects flattened to dotted keys
  | 'yaml' // the same, written as YAML
  | 'csv' // `metric,value` rows, or one header row of names and one row of values
  | 'tsv' // the same with tabs
  | 'model-index' // a model card's `model-index` results (Markdown front matter, YAML or JSON card)
  | 'mct'; // a Model Card Toolkit JSON card's `quantitative_analysis.performance_metrics`

/**
 * One metric's value as read. Only `number` values are compared; `invalid` ones (NaN, ±Infinity,
 * null) are shown and fail any gate; `text` (strings, booleans) is shown but never diffed.
 */
export type MetricValue =
  | {
      kind: 'number';
      value: number;
      /** Set when the file wrote a percent string such as "67.6%" (read as 0.676). */
      percent?: boolean;
    }
  | { kind: 'invalid'; raw: 'NaN' | 'Infinity' | '-Infinity' | 'null' }
  | { kind: 'text'; value: string };

export interface MetricEntry {
  key: string;
  value: MetricValue;
  /** 1-based position of the value in the file. */
  line: number;
  column: number;
}

/** The metrics of one file, in file order, keyed by flattened name. */
export interface MetricSet {
  /** The file as the user names it; used in every message. */
  file: string;
  format: MetricsFormat;
  metrics: MetricTable;
  /** Warnings about the input: ignored lists, normalised percents, duplicate keys, … */
  notes: Finding[];
  /** The model a card describes (`model-index[0].name`), when the file is a card. */
  model: string | null;
}

/** Input that cannot be read at all: the CLI prints it and exits with code 2. */
export interface MetricsInputError {
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; error: MetricsInputError };

/** Formats an input error as one line: `file:line:column: message Hint.` */
export function formatInputError(error: MetricsInputError): string {
  return `${error.file}:${error.line}:${error.column}: ${error.message}${error.hint ? ` ${error.hint}` : ''}`;
}

/** Formats a note as one line, for people and for the JSON output. */
export function formatNote(file: string, note: Finding): string {
  return `${file}:${note.line}:${note.column}: ${note.message}${note.hint ? ` ${note.hint}` : ''}`;
}

/** What the head is compared against; shown in the verdict and the JSON output. */
export interface Baseline {
  /** For people, e.g. "main" or "production model". */
  label: string;
  ref?: string;
  sha?: string;
  version?: string;
}
