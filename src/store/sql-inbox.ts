import { z } from 'zod';
import type { SqlExecutor } from './driver.js';
import { StoreInputError } from './errors.js';
import type { Inbox, InboxEntry, InboxState, InboxStats, NewInboxDelivery, TakenDelivery } from './ports.js';
import { dbInteger, dbTimestamp, decode } from './rows.js';
import { SqlSlack } from './sql-slack.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A failure's message is kept for the operator, cut to this many characters. */
const MAX_ERROR_LENGTH = 2000;
/** Deliveries written in one transaction at most (see enqueueDelivery). */
const MAX_GROUP_COMMIT = 100;

const ENTRY_COLUMNS =
  'delivery_id, event, action, installation_id, repo_full_name, pr, ordering_key, state, attempts, received_at, available_at, lease_owner, lease_until, last_error, finished_at';

const NewDeliverySchema = z.object({
  id: z.string().min(1).max(200),
  event: z.string().min(1).max(100),
  action: z.string().max(100).nullable(),
  installationId: z.number().int().positive().nullable(),
  repo: z.string().max(300).nullable(),
  pr: z.number().int().positive().nullable(),
  orderingKey: z.string().max(400).nullable(),
  payload: z.string(),
});
type NewDelivery = z.infer<typeof NewDeliverySchema>;

const EntryRow = z
  .object({
    delivery_id: z.string(),
    event: z.string(),
    action: z.string().nullable(),
    installation_id: dbInteger.nullable(),
    repo_full_name: z.string().nullable(),
    pr: dbInteger.nullable(),
    ordering_key: z.string().nullable(),
    state: z.enum(['pending', 'done', 'dead']),
    attempts: dbInteger,
    received_at: dbTimestamp,
    available_at: dbTimestamp,
    lease_owner: z.string().nullable(),
    lease_until: dbTimestamp.nullable(),
    last_error: z.string().nullable(),
    finished_at: dbTimestamp.nullable(),
    payload: z.string().optional(),
  })
  .transform(
    (r): InboxEntry & { payload?: string } => ({
      id: r.delivery_id,
      event: r.event,
      action: r.action,
      installationId: r.installation_id,
      repo: r.repo_full_name,
      pr: r.pr,
      orderingKey: r.ordering_key,
      state: r.state,
      attempts: r.attempts,
      receivedAt: r.received_at,
      availableAt: r.available_at,
      leaseOwner: r.lease_owner,
      leaseUntil: r.lease_until,
      lastError: r.last_error,
      finishedAt: r.finished_at,
      ...(r.payload === undefined ? {} : { payload: r.payload }),
    }),
  );

const StatsRow = z.object({
  pending: dbInteger,
  leased: dbInteger,
  dead: dbInteger,
  oldest: dbTimestamp.nullable(),
});

function decodeEntry(row: unknown): InboxEntry & { payload?: string } {
  return decode('webhook_inbox', row, (r) => (typeof r['delivery_id'] === 'string' ? r['delivery_id'] : null), EntryRow);
}

function decodeTaken(row: unknown): TakenDelivery {
  const entry = decodeEntry(row);
  return { ...entry, payload: entry.payload ?? '' };
}

/**
 * The inbox port (sql in one place for both backends). Taking a delivery is one transaction:
 * on PostgreSQL the candidate row is locked with FOR UPDATE SKIP LOCKED, so replicas polling at
 * once take different rows; on SQLite the transaction holds the database's write lock
 * (BEGIN IMMEDIATE), which serialises the processes sharing the file.
 */
export class SqlInbox extends SqlSlack implements Inbox {
  /** Deliveries waiting for the next group commit (null when none is scheduled). */
  private enqueueing: Array<{ delivery: NewDelivery; settle: (outcome: { fresh: boolean } | { error: unknown }) => void }> | null = null;

  /**
   * Resolves once the delivery is committed (true when it is new). Deliveries that arrive in the
   * same turn of the event loop (a burst of requests) are written in one transaction, so a burst
   * costs one commit, one fsync, rather than one each; every caller still hears only after the
   * commit that holds its row, so nothing is acknowledged before it is durable.
   */
  enqueueDelivery(delivery: NewInboxDelivery): Promise<boolean> {
    const parsed = NewDeliverySchema.safeParse(delivery);
    if (!parsed.success) return Promise.reject(new StoreInputError(`invalid inbox delivery: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`));
    return new Promise((resolve, reject) => {
      if (this.enqueueing === null) {
        this.enqueueing = [];
        // setImmediate runs after the poll phase: every request whose body ended in it joins.
        setImmediate(() => void this.commitEnqueued());
      }
      this.enqueueing.push({ delivery: parsed.data, settle: (o) => ('fresh' in o ? resolve(o.fresh) : reject(o.error)) });
    });
  }

  private async commitEnqueued(): Promise<void> {
    const all = this.enqueueing ?? [];
    this.enqueueing = null;
    // A very large burst is committed in groups, so no one transaction holds the write lock long.
    for (let i = 0; i < all.length; i += MAX_GROUP_COMMIT) await this.commitGroup(all.slice(i, i + MAX_GROUP_COMMIT));
  }

  private async commitGroup(batch: Array<{ delivery: NewDelivery; settle: (outcome: { fresh: boolean } | { error: unknown }) => void }>): Promise<void> {
    if (batch.length > 1) {
      try {
        const fresh = await this.db.transaction(async (tx) => {
          const out: boolean[] = [];
          for (const { delivery } of batch) out.push(await this.insertDelivery(tx, delivery));
          return out;
        });
        batch.forEach((b, i) => b.settle({ fresh: fresh[i]! }));
        return;
      } catch {
        // One row the database refused must not fail the others: each is tried on its own below.
      }
    }
    for (const b of batch) {
      await this.insertDelivery(this.db, b.delivery).then(
        (fresh) => b.settle({ fresh }),
        (error: unknown) => b.settle({ error }),
      );
    }
  }

  private async insertDelivery(db: SqlExecutor, d: NewDelivery): Promise<boolean> {
    const at = this.now().toISOString();
    // A redelivery of a dead delivery (GitHub's "Redeliver") gets a fresh set of attempts.
    const { changes } = await db.query(
      `INSERT INTO webhook_inbox (delivery_id, event, action, installation_id, repo_full_name, pr, ordering_key, payload, state, attempts, available_at, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
       ON CONFLICT (delivery_id) DO UPDATE SET state = 'pending', attempts = 0, available_at = excluded.available_at,
         lease_owner = NULL, lease_until = NULL, finished_at = NULL
       WHERE webhook_inbox.state = 'dead'`,
      [d.id, d.event, d.action, d.installationId, d.repo, d.pr, d.orderingKey, d.payload, at, at],
    );
    return changes === 1;
  }

  async takeDelivery(take: { owner: string; leaseMs: number; perInstallation: number }): Promise<TakenDelivery | null> {
    return this.db.transaction(async (tx) => {
      const now = this.now();
      const at = now.toISOString();
      const lock = tx.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
      const { rows } = await tx.query(
        `SELECT i.id FROM webhook_inbox i
         WHERE i.state = 'pending' AND i.available_at <= ? AND (i.lease_until IS NULL OR i.lease_until < ?)
           AND (i.ordering_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM webhook_inbox o WHERE o.ordering_key = i.ordering_key AND o.state = 'pending' AND o.id < i.id))
           AND (i.installation_id IS NULL OR (
             SELECT COUNT(*) FROM webhook_inbox b
             WHERE b.installation_id = i.installation_id AND b.state = 'pending' AND b.lease_until >= ?) < ?)
         ORDER BY i.id LIMIT 1 ${lock}`,
        [at, at, at, take.perInstallation],
      );
      const row = rows[0] as { id?: unknown } | undefined;
      if (row === undefined) return null;
      const id = dbInteger.parse(row.id);
      return this.lease(tx, id, take.owner, new Date(now.getTime() + take.leaseMs));
    });
  }

  private async lease(tx: SqlExecutor, id: number, owner: string, until: Date): Promise<TakenDelivery> {
    const { rows } = await tx.query(
      `UPDATE webhook_inbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?
       RETURNING ${ENTRY_COLUMNS}, payload`,
      [owner, until.toISOString(), id],
    );
    return decodeTaken(rows[0]);
  }

  async renewLease(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const until = new Date(this.now().getTime() + leaseMs).toISOString();
    const { changes } = await this.db.query(
      "UPDATE webhook_inbox SET lease_until = ? WHERE delivery_id = ? AND lease_owner = ? AND state = 'pending'",
      [until, id, owner],
    );
    return changes === 1;
  }

  async completeDelivery(id: string, owner: string): Promise<void> {
    await this.db.query(
      "UPDATE webhook_inbox SET state = 'done', lease_owner = NULL, lease_until = NULL, finished_at = ?, last_error = NULL WHERE delivery_id = ? AND lease_owner = ?",
      [this.now().toISOString(), id, owner],
    );
  }

  async failDelivery(id: string, owner: string, failure: { error: string; retryAt: Date | null }): Promise<void> {
    const error = failure.error.slice(0, MAX_ERROR_LENGTH);
    if (failure.retryAt === null) {
      await this.db.query(
        "UPDATE webhook_inbox SET state = 'dead', lease_owner = NULL, lease_until = NULL, finished_at = ?, last_error = ? WHERE delivery_id = ? AND lease_owner = ?",
        [this.now().toISOString(), error, id, owner],
      );
      return;
    }
    await this.db.query(
      'UPDATE webhook_inbox SET available_at = ?, lease_owner = NULL, lease_until = NULL, last_error = ? WHERE delivery_id = ? AND lease_owner = ?',
      [failure.retryAt.toISOString(), error, id, owner],
    );
  }

  async releaseLeases(owner: string): Promise<number> {
    const { changes } = await this.db.query(
      "UPDATE webhook_inbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 WHERE lease_owner = ? AND state = 'pending'",
      [owner],
    );
    return changes;
  }

  async listDeliveries(query: { state?: InboxState; limit?: number } = {}): Promise<InboxEntry[]> {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 1000);
    const { rows } = await this.db.query(
      `SELECT ${ENTRY_COLUMNS} FROM webhook_inbox ${query.state ? 'WHERE state = ?' : ''} ORDER BY id DESC LIMIT ${limit}`,
      query.state ? [query.state] : [],
    );
    return rows.map((row) => decodeEntry(row));
  }

  async getDelivery(id: string): Promise<TakenDelivery | null> {
    const { rows } = await this.db.query(`SELECT ${ENTRY_COLUMNS}, payload FROM webhook_inbox WHERE delivery_id = ?`, [id]);
    return rows[0] === undefined ? null : decodeTaken(rows[0]);
  }

  async replayDelivery(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // A done delivery's steps are forgotten (its replay is asked for as new work); a dead one's
      // are kept, so the replay finishes what its attempts started rather than repeating it.
      await tx.query(
        "DELETE FROM delivery_steps WHERE delivery_id = ? AND EXISTS (SELECT 1 FROM webhook_inbox WHERE delivery_id = ? AND state = 'done')",
        [id, id],
      );
      const { changes } = await tx.query(
        `UPDATE webhook_inbox SET state = 'pending', attempts = 0, available_at = ?, lease_owner = NULL, lease_until = NULL, finished_at = NULL
         WHERE delivery_id = ? AND state IN ('done', 'dead')`,
        [this.now().toISOString(), id],
      );
      if (changes === 0) return false;
      // The handlers refuse a delivery id they already handled; a replay is asked for on purpose.
      await tx.query('DELETE FROM webhook_deliveries WHERE delivery_id = ?', [id]);
      return true;
    });
  }

  async inboxStats(): Promise<InboxStats> {
    const at = this.now().toISOString();
    const { rows } = await this.db.query(
      `SELECT COUNT(CASE WHEN state = 'pending' THEN 1 END) AS pending,
              COUNT(CASE WHEN state = 'pending' AND lease_until >= ? THEN 1 END) AS leased,
              COUNT(CASE WHEN state = 'dead' THEN 1 END) AS dead,
              MIN(CASE WHEN state = 'pending' AND available_at <= ? THEN received_at END) AS oldest
       FROM webhook_inbox`,
      [at, at],
    );
    const r = decode('webhook_inbox', rows[0], () => null, StatsRow);
    return { pending: r.pending, leased: r.leased, dead: r.dead, oldestDueAt: r.oldest };
  }

  async pruneInbox(olderThanDays: number): Promise<number> {
    if (!(olderThanDays >= 0)) throw new StoreInputError('invalid pruneInbox(olderThanDays): expected a non-negative number');
    const cutoff = new Date(this.now().getTime() - olderThanDays * DAY_MS).toISOString();
    const { changes } = await this.db.query("DELETE FROM webhook_inbox WHERE state = 'done' AND finished_at < ?", [cutoff]);
    return changes;
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.db.query('SELECT MAX(version) AS version FROM schema_migrations');
    return dbInteger.parse((rows[0] as { version?: unknown } | undefined)?.version ?? 0);
  }
}
