import { z } from 'zod';

/**
 * An evaluation as modelgate records it: one model evaluated by one workflow run, with its
 * metrics and its gate verdict. These schemas are the domain's; the store validates every row it
 * reads back against them, so a corrupt row is an error, never a wrong baseline.
 */

const Id = z.number().int().positive();
const Sha = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full lowercase hex commit SHA');
const IsoTimestamp = z.iso.datetime();

export const EvaluationStatusSchema = z.enum(['success', 'failure', 'cancelled', 'timed_out']);
export type EvaluationStatus = z.infer<typeof EvaluationStatusSchema>;

/**
 * One stored metric value. JSON cannot hold NaN or ±Infinity, so those are kept as a marker;
 * `null` is a metric written as null.
 */
export const StoredMetricValueSchema = z.union(
  [z.number(), z.string(), z.null(), z.strictObject({ invalid: z.enum(['NaN', 'Infinity', '-Infinity']) })],
  { error: 'expected a finite number, a string, null or { "invalid": "NaN" | "Infinity" | "-Infinity" }' },
);
export type StoredMetricValue = z.infer<typeof StoredMetricValueSchema>;

/** Flattened metric name → value, e.g. `{ "eval.accuracy": 0.91 }`. */
export const StoredMetricsSchema = z.record(z.string(), StoredMetricValueSchema);
export type StoredMetrics = z.infer<typeof StoredMetricsSchema>;

export const EvaluationSchema = z.strictObject({
  id: Id,
  repoId: Id,
  /** `owner/name` at the time of the run (the id is what identifies the repo across renames). */
  repoFullName: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name'),
  model: z.string().min(1),
  modelVersion: z.string().nullable(),
  sha: Sha,
  /** The branch (or ref) the run was for, as the App names it, e.g. `main`. */
  ref: z.string().min(1),
  pr: Id.nullable(),
  runId: Id,
  runAttempt: Id.nullable(),
  runUrl: z.string().min(1),
  status: EvaluationStatusSchema,
  metrics: StoredMetricsSchema,
  predictionsDigest: z.string().nullable(),
  cardDigest: z.string().nullable(),
  /** The evaluation's manifest as JSON (stored as text, parsed on read). */
  manifest: z.json().nullable(),
  /** Whether the gates passed; null when no gate ran. */
  verdict: z.boolean().nullable(),
  createdAt: IsoTimestamp,
});
export type Evaluation = z.infer<typeof EvaluationSchema>;
/** Any JSON value (the type of `manifest`). */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

export const NewEvaluationSchema = EvaluationSchema.omit({ id: true, createdAt: true }).extend({
  /** When the run happened; defaults to the store's clock. */
  createdAt: z.date().optional(),
});
export type NewEvaluation = z.infer<typeof NewEvaluationSchema>;
