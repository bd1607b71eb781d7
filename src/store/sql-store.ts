import { z } from 'zod';
import type { SqlDriver, SqlParam } from './driver.js';
import { EVALUATION_COLUMNS, decodeCommentId, decodeDeliveryStep, decodeEvaluation, decodeHead } from './rows.js';
import { NewEvaluationSchema, type Evaluation, type NewEvaluation } from '../core/evaluation/index.js';
import { StoreError, StoreInputError } from './errors.js';
import type { CommentKey, HeadSha, LatestEvaluationQuery, Store } from './ports.js';
import { SqlInbox } from './sql-inbox.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const PositiveInt = z.number().int().positive();
const CommentKeySchema = z.object({ repoId: PositiveInt, pr: PositiveInt, key: z.string().min(1) });
const DeliveryStepSchema = z.object({
  deliveryId: z.string().min(1).max(200),
  step: z.string().min(1).max(500),
  value: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
const HeadInputSchema = z.object({
  repoId: PositiveInt,
  pr: PositiveInt,
  sha: z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full lowercase hex commit SHA'),
  at: z.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date'),
  follows: z
    .string()
    .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full lowercase hex commit SHA')
    .optional(),
});

/**
 * The Store, written once against SqlDriver; the SQL is the same on SQLite and PostgreSQL. The
 * promotion port's SQL is in sql-promotions.ts; this class exposes it as part of the one store.
 */
export class SqlStore extends SqlInbox implements Store {
  readonly label: string;

  constructor(db: SqlDriver, now: () => Date) {
    super(db, now);
    this.label = db.label;
  }

  async recordEvaluation(input: NewEvaluation): Promise<{ evaluation: Evaluation; created: boolean }> {
    const e = check(NewEvaluationSchema, input, `evaluation of model ${JSON.stringify(input.model)}`);
    const inserted = await this.db.query(
      `INSERT INTO evaluations (repo_id, repo_full_name, model, model_version, sha, ref, pr, run_id, run_attempt,
         run_url, status, metrics, predictions_digest, card_digest, manifest, verdict, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING
       RETURNING ${EVALUATION_COLUMNS}`,
      [
        e.repoId,
        e.repoFullName,
        e.model,
        e.modelVersion,
        e.sha,
        e.ref,
        e.pr,
        e.runId,
        e.runAttempt,
        e.runUrl,
        e.status,
        JSON.stringify(e.metrics),
        e.predictionsDigest,
        e.cardDigest,
        e.manifest === null ? null : JSON.stringify(e.manifest),
        e.verdict,
        (e.createdAt ?? this.now()).toISOString(),
      ],
    );
    if (inserted.rows[0] !== undefined) return { evaluation: decodeEvaluation(inserted.rows[0]), created: true };

    // A redelivery (or a racing writer): the run is already recorded, and the first record wins.
    const existing = await this.db.query(
      `SELECT ${EVALUATION_COLUMNS} FROM evaluations
       WHERE repo_id = ? AND run_id = ? AND COALESCE(run_attempt, 0) = ? AND model = ?`,
      [e.repoId, e.runId, e.runAttempt ?? 0, e.model],
    );
    if (existing.rows[0] === undefined) {
      throw new StoreError(
        `evaluation of model ${JSON.stringify(e.model)} for run ${e.runId} was neither inserted nor found; ` +
          'check the evaluations table for a conflicting unique index',
      );
    }
    return { evaluation: decodeEvaluation(existing.rows[0]), created: false };
  }

  async latestEvaluation(query: LatestEvaluationQuery): Promise<Evaluation | null> {
    const conditions = ['repo_id = ?', 'model = ?', 'status = ?'];
    const params: SqlParam[] = [query.repoId, query.model, query.status];
    if (query.modelVersion !== undefined) {
      conditions.push('model_version = ?');
      params.push(query.modelVersion);
    }
    if (query.ref !== undefined) {
      conditions.push('ref = ?');
      params.push(query.ref);
    }
    if (query.refs !== undefined) {
      if (query.refs.length === 0) return null;
      conditions.push(`ref IN (${query.refs.map(() => '?').join(', ')})`);
      params.push(...query.refs);
    }
    if (query.sha !== undefined) {
      conditions.push('sha = ?');
      params.push(query.sha);
    }
    const { rows } = await this.db.query(
      `SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE ${conditions.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      params,
    );
    return rows[0] === undefined ? null : decodeEvaluation(rows[0]);
  }

  async evaluationsForCommit(repoId: number, sha: string): Promise<Evaluation[]> {
    const { rows } = await this.db.query(
      `SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE repo_id = ? AND sha = ? ORDER BY created_at, id`,
      [repoId, sha],
    );
    return rows.map(decodeEvaluation);
  }

  async getEvaluation(id: number): Promise<Evaluation | null> {
    const { rows } = await this.db.query(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE id = ?`, [id]);
    return rows[0] === undefined ? null : decodeEvaluation(rows[0]);
  }

  async claimDelivery(deliveryId: string, event: string): Promise<boolean> {
    check(z.string().min(1), deliveryId, 'delivery id');
    check(z.string().min(1), event, `event of delivery ${deliveryId}`);
    const { changes } = await this.db.query(
      'INSERT INTO webhook_deliveries (delivery_id, event, received_at) VALUES (?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING',
      [deliveryId, event, this.now().toISOString()],
    );
    return changes === 1;
  }

  async releaseDelivery(deliveryId: string): Promise<void> {
    await this.db.query('DELETE FROM webhook_deliveries WHERE delivery_id = ?', [deliveryId]);
  }

  async pruneDeliveries(olderThanDays: number): Promise<number> {
    check(z.number().nonnegative(), olderThanDays, 'pruneDeliveries(olderThanDays)');
    const cutoff = new Date(this.now().getTime() - olderThanDays * DAY_MS);
    const { changes } = await this.db.query('DELETE FROM webhook_deliveries WHERE received_at < ?', [
      cutoff.toISOString(),
    ]);
    await this.db.query('DELETE FROM delivery_steps WHERE recorded_at < ?', [cutoff.toISOString()]);
    return changes;
  }

  async deliverySteps(deliveryId: string): Promise<Map<string, number>> {
    check(z.string().min(1), deliveryId, 'delivery id');
    const { rows } = await this.db.query('SELECT delivery_id, step, value FROM delivery_steps WHERE delivery_id = ?', [deliveryId]);
    return new Map(rows.map((row) => decodeDeliveryStep(row)));
  }

  async recordDeliveryStep(step: { deliveryId: string; step: string; value: number }): Promise<number> {
    const s = check(DeliveryStepSchema, step, 'delivery step');
    await this.db.query(
      'INSERT INTO delivery_steps (delivery_id, step, value, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (delivery_id, step) DO NOTHING',
      [s.deliveryId, s.step, s.value, this.now().toISOString()],
    );
    const { rows } = await this.db.query('SELECT delivery_id, step, value FROM delivery_steps WHERE delivery_id = ? AND step = ?', [s.deliveryId, s.step]);
    if (rows[0] === undefined) throw new StoreError(`step ${JSON.stringify(s.step)} of delivery ${s.deliveryId} vanished while recording it`);
    return decodeDeliveryStep(rows[0])[1];
  }

  async getCommentId(where: CommentKey): Promise<number | null> {
    const k = check(CommentKeySchema, where, 'comment key');
    const { rows } = await this.db.query(
      'SELECT repo_id, pr, comment_key, comment_id FROM pr_comments WHERE repo_id = ? AND pr = ? AND comment_key = ?',
      [k.repoId, k.pr, k.key],
    );
    return rows[0] === undefined ? null : decodeCommentId(rows[0]);
  }

  async setCommentId(comment: CommentKey & { commentId: number }): Promise<void> {
    const c = check(CommentKeySchema.extend({ commentId: PositiveInt }), comment, 'comment');
    await this.db.query(
      `INSERT INTO pr_comments (repo_id, pr, comment_key, comment_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (repo_id, pr, comment_key) DO UPDATE SET comment_id = excluded.comment_id, updated_at = excluded.updated_at`,
      [c.repoId, c.pr, c.key, c.commentId, this.now().toISOString()],
    );
  }

  async recordHeadSha(head: { repoId: number; pr: number; sha: string; at: Date; follows?: string }): Promise<HeadSha> {
    const h = check(HeadInputSchema, head, `head of PR #${head.pr}`);
    // GitHub's timestamps have one-second precision: on a tie, a head that names the stored
    // one as its predecessor (a push's `before`) is the newer one.
    await this.db.query(
      `INSERT INTO pr_heads (repo_id, pr, sha, seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (repo_id, pr) DO UPDATE SET sha = excluded.sha, seen_at = excluded.seen_at
       WHERE pr_heads.seen_at < excluded.seen_at OR (pr_heads.seen_at = excluded.seen_at AND pr_heads.sha = ?)`,
      [h.repoId, h.pr, h.sha, h.at.toISOString(), h.follows ?? ''],
    );
    const stored = await this.getHeadSha(h);
    if (stored === null) throw new StoreError(`the head of PR #${h.pr} in repo ${h.repoId} vanished while recording it`);
    return stored;
  }

  async getHeadSha(where: { repoId: number; pr: number }): Promise<HeadSha | null> {
    const { rows } = await this.db.query('SELECT repo_id, pr, sha, seen_at FROM pr_heads WHERE repo_id = ? AND pr = ?', [
      where.repoId,
      where.pr,
    ]);
    return rows[0] === undefined ? null : decodeHead(rows[0]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Validates a caller's input; NaN metrics and the like would otherwise be stored as something else. */
function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  throw new StoreInputError(`invalid ${what}: ${problems}`);
}
