import { z } from 'zod';
import type { Evaluation, EvaluationStatus, NewEvaluation } from '../core/evaluation/index.js';

/**
 * The App's persistent memory, one small port per concern: flows depend on the ports they use,
 * and one SQL implementation per backend (SQLite, PostgreSQL) implements them all. Every method
 * is async so both backends can implement it. Rows are external data: everything read back is
 * validated, and a corrupt row becomes a `StoreCorruptRowError` naming the table and the row.
 */

/** Processed webhook deliveries, so a redelivery never acts twice. */
export interface Deliveries {
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
}

/** Each pull request's latest head commit, so results for an outdated commit never overwrite newer ones. */
export interface PullHeads {
  /**
   * Records a PR's head SHA as seen at `at` (the event's time). An older observation never
   * replaces a newer one, so out-of-order webhooks cannot move the head backwards. On a tie the
   * stored one stays, unless the new head `follows` it (a push's `before` commit): timestamps
   * have one-second precision, and two pushes can share a second. Returns the head stored after
   * the call.
   */
  recordHeadSha(head: { repoId: number; pr: number; sha: string; at: Date; follows?: string }): Promise<HeadSha>;
  getHeadSha(where: { repoId: number; pr: number }): Promise<HeadSha | null>;
}

/** The ids of sticky comments, so an update is one API call. */
export interface CommentIds {
  /** The id of the sticky comment `key` (e.g. `metrics-diff:sentiment`) on a PR, if one was posted. */
  getCommentId(where: CommentKey): Promise<number | null>;
  /** Remembers (or replaces) the id of the sticky comment `key` on a PR. */
  setCommentId(comment: CommentKey & { commentId: number }): Promise<void>;
}

/** Recorded evaluations: baselines and evidence. */
export interface Evaluations {
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
}

/** Every port, on one database. */
export interface Store extends Deliveries, PullHeads, CommentIds, Evaluations {
  /** Where the data lives (a file path or a redacted URL), for the startup log line. */
  readonly label: string;
  /** Releases the connection(s). Safe to call twice; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Options every backend accepts. */
export interface StoreOptions {
  /** The clock for `createdAt`, delivery claims and pruning; tests pass a fixed one. */
  now?: () => Date;
}

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
  repoId: z.number().int().positive(),
  pr: z.number().int().positive(),
  sha: z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full lowercase hex commit SHA'),
  at: z.iso.datetime(),
});
export type HeadSha = z.infer<typeof HeadShaSchema>;
