import { z } from 'zod';

/**
 * The App's persistent memory: evaluations, processed webhook deliveries, sticky PR comment ids
 * and PR head SHAs. One interface, two backends (SQLite and PostgreSQL); every method is async so
 * both can implement it. Rows are external data, so everything read back is validated with the
 * schemas below: a corrupt row becomes a `StoreCorruptRowError` naming the table and the row.
 */
export interface Store {
  /** Where the data lives (a file path or a redacted URL), for the startup log line. */
  readonly label: string;

  /**
   * Records one evaluation run of one model. Idempotent on (repo id, run id, run attempt, model):
   * a redelivered webhook returns the evaluation already stored (`created: false`) and does not
   * change it.
   */
  recordEvaluation(evaluation: NewEvaluation): Promise<{ evaluation: Evaluation; created: boolean }>;
  /** The latest (by `createdAt`, then id) evaluation matching the query, e.g. a branch's baseline. */
  latestEvaluation(query: LatestEvaluationQuery): Promise<Evaluation | null>;
  /** Every evaluation of one commit, oldest first. */
  evaluationsForCommit(repoId: number, sha: string): Promise<Evaluation[]>;
  getEvaluation(id: number): Promise<Evaluation | null>;

  /**
   * Marks a webhook delivery as processed. True only for the first caller, across processes and
   * replicas, so a redelivery never posts twice.
   */
  claimDelivery(deliveryId: string, event: string): Promise<boolean>;
  /**
   * Forgets a claim so a redelivery is handled again: call it when handling failed before
   * anything was posted. A no-op for an unknown id.
   */
  releaseDelivery(deliveryId: string): Promise<void>;
  /** Forgets deliveries claimed more than `olderThanDays` days ago; returns how many. */
  pruneDeliveries(olderThanDays: number): Promise<number>;

  /** The id of the sticky comment `key` (e.g. `metrics-diff:sentiment`) on a PR, if one was posted. */
  getCommentId(where: CommentKey): Promise<number | null>;
  /** Remembers (or replaces) the id of the sticky comment `key` on a PR. */
  setCommentId(comment: CommentKey & { commentId: number }): Promise<void>;

  /**
   * Records a PR's head SHA as seen at `at` (the event's time). An older observation never
   * replaces a newer one, so out-of-order webhooks cannot move the head backwards. On a tie the
   * stored one stays, unless the new head `follows` it (a push's `before` commit): timestamps
   * have one-second precision, and two pushes can share a second. Returns the head stored after
   * the call.
   */
  recordHeadSha(head: { repoId: number; pr: number; sha: string; at: Date; follows?: string }): Promise<HeadSha>;
  getHeadSha(where: { repoId: number; pr: number }): Promise<HeadSha | null>;

  /** Releases the connection(s). Safe to call twice; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Options every backend accepts. */
export interface StoreOptions {
  /** The clock for `createdAt`, delivery claims and pruning; tests pass a fixed one. */
  now?: () => Date;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

/** A row that exists but cannot be read back (invalid JSON, wrong type, …). */
export class StoreCorruptRowError extends StoreError {
  override name = 'StoreCorruptRowError';
  constructor(
    readonly table: string,
    /** The row's id (primary key, as text), or null when even that is unreadable. */
    readonly rowId: string | null,
    readonly problem: string,
  ) {
    super(
      `${table} row ${rowId ?? '(unreadable id)'} is corrupt: ${problem}. ` +
        'Fix or delete the row in the database; modelgate did not write it this way.',
    );
  }
}

/** Inputs that break the store's own rules (NaN metric, non-integer id, …); a bug in the caller. */
export class StoreInputError extends StoreError {
  override name = 'StoreInputError';
}

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

export interface LatestEvaluationQuery {
  repoId: number;
  model: string;
  status: EvaluationStatus;
  /** Only evaluations of this branch/ref. */
  ref?: string;
  /** Only evaluations of this commit. */
  sha?: string;
}

export interface CommentKey {
  repoId: number;
  pr: number;
  key: string;
}

export const HeadShaSchema = z.strictObject({
  repoId: Id,
  pr: Id,
  sha: Sha,
  at: IsoTimestamp,
});
export type HeadSha = z.infer<typeof HeadShaSchema>;
