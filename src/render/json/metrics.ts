import type { Baseline, DiffRow, GateResult, MetricsDiff, MetricValue, Status } from '../../core/metrics/index.js';

/** A value in the JSON output: a number, the raw token for NaN/±Infinity/null, text, or null when missing. */
export type JsonValue = number | string | null;

/** The version of the `--format json` document's shape (schema/diff-output.schema.json); bumped on any incompatible change. */
export const DIFF_SCHEMA_VERSION = 1;

export interface JsonRow {
  metric: string;
  base: JsonValue;
  head: JsonValue;
  delta: number | null;
  relative_delta: number | null;
  status: Status;
  gate: GateResult;
  reason: string;
  ci: [number, number] | null;
  significant: boolean | null;
  goal: 'maximize' | 'minimize' | null;
  /** The indices (in the config's `metrics:`) of every rule that matched, highest precedence first. */
  rules: readonly number[];
}

export interface JsonDiff {
  schema: typeof DIFF_SCHEMA_VERSION;
  rows: JsonRow[];
  gates_passed: boolean;
  baseline: Baseline;
  significance: {
    computed: boolean;
    reason: string;
    resamples: number;
    seed: number;
    confidence: number;
    paired: number;
    base_only: number;
    head_only: number;
  };
  notes: string[];
}

/**
 * The `--format json` document. Rows keep the input order (base's, then metrics only head
 * has). An invalid value is its raw token as a string ("NaN", "Infinity", "-Infinity",
 * "null"), which JSON cannot hold as a number; `status` says it is invalid.
 */
export function toJson(diff: MetricsDiff, baseline: Baseline): JsonDiff {
  const s = diff.significance;
  return {
    schema: DIFF_SCHEMA_VERSION,
    rows: diff.rows.map(jsonRow),
    gates_passed: diff.gatesPassed,
    baseline: { ...baseline },
    significance: {
      computed: s.computed,
      reason: s.reason,
      resamples: s.resamples,
      seed: s.seed,
      confidence: s.confidence,
      paired: s.paired,
      base_only: s.baseOnly,
      head_only: s.headOnly,
    },
    notes: [...diff.rows.filter((r) => r.note).map((r) => `${r.metric}: ${r.note}`), ...diff.notes],
  };
}

function jsonRow(row: DiffRow): JsonRow {
  return {
    metric: row.metric,
    base: jsonValue(row.base),
    head: jsonValue(row.head),
    delta: row.delta,
    relative_delta: row.relativeDelta,
    status: row.status,
    gate: row.gate,
    reason: row.reason,
    ci: row.ci,
    significant: row.significant,
    goal: row.goal,
    rules: row.rules,
  };
}

/** The document `--format json` prints instead of a diff when the command cannot run (usage or input errors). */
export function jsonError(message: string, exitCode: number): string {
  return JSON.stringify({ schema: DIFF_SCHEMA_VERSION, error: { message, exit_code: exitCode } }, null, 2) + '\n';
}

function jsonValue(value: MetricValue | null): JsonValue {
  if (value === null) return null;
  switch (value.kind) {
    case 'number':
      return value.value;
    case 'invalid':
      return value.raw;
    case 'text':
      return value.value;
  }
}
