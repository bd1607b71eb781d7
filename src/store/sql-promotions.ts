import { z } from 'zod';
import {
  ACTIVE_STATES,
  ApprovalSchema,
  AuditEntrySchema,
  ComparisonSchema,
  EvidenceSchema,
  EXECUTION_STEPS,
  ExecutionStepSchema,
  PromotionResultSchema,
  PromotionSchema,
  RequestSourceSchema,
  type Approval,
  type AuditEntry,
  type ExecutionStep,
  type Promotion,
  type PromotionResult,
  type PromotionState,
} from '../core/promotion/index.js';
import type { SqlDriver, SqlExecutor, SqlParam } from './driver.js';
import { StoreError, StoreInputError } from './errors.js';
import type { NewPromotion, Promotions, PromotionTransition } from './ports.js';
import { decode, dbInteger, dbTimestamp, jsonText } from './rows.js';

/** The promotion port, written once against SqlDriver (the same SQL on SQLite and PostgreSQL). */
export class SqlPromotions implements Promotions {
  constructor(
    protected readonly db: SqlDriver,
    protected readonly now: () => Date,
  ) {}

  async createPromotion(input: NewPromotion): Promise<{ created: true; promotion: Promotion } | { created: false; active: Promotion }> {
    const at = this.now().toISOString();
    const p = check(PromotionSchema, { ...input, state: 'requested', stateReason: null, createdAt: at, updatedAt: at, result: {} }, `promotion request ${input.id}`);
    return this.db.transaction(async (tx) => {
      // The partial unique index (one active request per model and stage) decides races, across replicas too.
      const inserted = await tx.query(
        `INSERT INTO promotions (id, repo_id, repo_full_name, repo_url, branch, installation_id, model, version, stage, kind, emergency, from_version,
           requested_by_id, requested_by_login, state, state_reason, evidence_digest, evidence, approvals_required, source, comparison, result,
           created_at, updated_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [
          p.id,
          p.repoId,
          p.repoFullName,
          p.repoUrl,
          p.branch,
          p.installationId,
          p.model,
          p.version,
          p.stage,
          p.kind,
          p.emergency,
          p.fromVersion,
          p.requestedBy.id,
          p.requestedBy.login,
          p.state,
          null,
          p.evidenceDigest,
          JSON.stringify(p.evidence),
          p.approvalsRequired,
          JSON.stringify(p.source),
          JSON.stringify(p.comparison),
          JSON.stringify(p.result),
          p.createdAt,
          p.updatedAt,
          p.expiresAt,
        ],
      );
      if (inserted.changes === 1) {
        await audit(tx, p.id, at, { actor: p.requestedBy, action: 'requested', fromState: null, toState: 'requested', digest: p.evidenceDigest, detail: p.emergency ? `emergency: ${p.emergency}` : null });
        return { created: true, promotion: p };
      }
      const active = await selectOne(tx, 'repo_id = ? AND model = ? AND stage = ? AND state IN (?, ?, ?)', [p.repoId, p.model, p.stage, ...ACTIVE_STATES]);
      if (active === null) throw new StoreError(`promotion request ${p.id} was neither recorded nor blocked by an active request; is its id taken?`);
      return { created: false, active };
    });
  }

  getPromotion(id: string): Promise<Promotion | null> {
    return selectOne(this.db, 'id = ?', [id]);
  }

  activePromotion(where: { repoId: number; model: string; stage: string }): Promise<Promotion | null> {
    return selectOne(this.db, 'repo_id = ? AND model = ? AND stage = ? AND state IN (?, ?, ?)', [where.repoId, where.model, where.stage, ...ACTIVE_STATES]);
  }

  async listPromotions(query: { repoId: number; model?: string; states?: readonly PromotionState[]; limit?: number }): Promise<Promotion[]> {
    const conditions = ['repo_id = ?'];
    const params: SqlParam[] = [query.repoId];
    if (query.model !== undefined) {
      conditions.push('model = ?');
      params.push(query.model);
    }
    if (query.states !== undefined) {
      if (query.states.length === 0) return [];
      conditions.push(`state IN (${query.states.map(() => '?').join(', ')})`);
      params.push(...query.states);
    }
    const limit = Math.max(1, Math.min(500, Math.floor(query.limit ?? 100)));
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM promotions WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${limit}`, params);
    return rows.map(decodePromotion);
  }

  async transitionPromotion(id: string, change: PromotionTransition): Promise<Promotion | null> {
    if (change.from.length === 0) return null;
    const at = this.now().toISOString();
    return this.db.transaction(async (tx) => {
      const current = await selectOne(tx, 'id = ?', [id]);
      if (current === null || !change.from.includes(current.state)) return null;
      const result = change.result ? { ...current.result, ...check(PromotionResultSchema, change.result, 'promotion result') } : current.result;
      const sets = ['state = ?', 'state_reason = ?', 'updated_at = ?', 'result = ?'];
      const params: SqlParam[] = [change.to, change.reason, at, JSON.stringify(result)];
      if (change.evidence) {
        sets.push('evidence_digest = ?', 'evidence = ?');
        params.push(change.evidence.digest, JSON.stringify(check(EvidenceSchema, change.evidence.evidence, 'evidence')));
      }
      const { changes } = await tx.query(`UPDATE promotions SET ${sets.join(', ')} WHERE id = ? AND state = ?`, [...params, id, current.state]);
      if (changes !== 1) return null;
      await audit(tx, id, at, { actor: change.actor, action: change.to, fromState: current.state, toState: change.to, digest: change.evidence?.digest ?? current.evidenceDigest, detail: change.reason });
      return selectOne(tx, 'id = ?', [id]);
    });
  }

  async addApproval(id: string, approval: Approval): Promise<{ added: boolean; approvals: Approval[] }> {
    const a = check(ApprovalSchema, approval, `approval of ${id}`);
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.query(
        `INSERT INTO promotion_approvals (promotion_id, approver_id, approver_login, digest, via, approved_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (promotion_id, approver_id) DO NOTHING`,
        [id, a.approver.id, a.approver.login, a.digest, a.via, a.at],
      );
      if (changes === 1) await audit(tx, id, a.at, { actor: a.approver, action: 'approved', fromState: null, toState: null, digest: a.digest, detail: `via ${a.via}` });
      return { added: changes === 1, approvals: await selectApprovals(tx, id) };
    });
  }

  approvals(id: string): Promise<Approval[]> {
    return selectApprovals(this.db, id);
  }

  async recordStep(id: string, step: ExecutionStep, result: Record<string, unknown>): Promise<void> {
    await this.db.query('INSERT INTO promotion_steps (promotion_id, step, result, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (promotion_id, step) DO NOTHING', [
      id,
      check(ExecutionStepSchema, step, 'execution step'),
      JSON.stringify(result),
      this.now().toISOString(),
    ]);
  }

  async steps(id: string): Promise<Map<ExecutionStep, Record<string, unknown>>> {
    const { rows } = await this.db.query('SELECT step, result FROM promotion_steps WHERE promotion_id = ?', [id]);
    const steps = rows.map((row) => decode('promotion_steps', row, () => id, StepRow));
    // In execution order, whatever the clock said.
    return new Map(steps.sort(([a], [b]) => EXECUTION_STEPS.indexOf(a) - EXECUTION_STEPS.indexOf(b)));
  }

  async updateResult(id: string, result: PromotionResult): Promise<void> {
    const patch = check(PromotionResultSchema, result, 'promotion result');
    await this.db.transaction(async (tx) => {
      const current = await selectOne(tx, 'id = ?', [id]);
      if (current === null) throw new StoreError(`promotion request ${id} does not exist`);
      await tx.query('UPDATE promotions SET result = ?, updated_at = ? WHERE id = ?', [JSON.stringify({ ...current.result, ...patch }), this.now().toISOString(), id]);
    });
  }

  async leaseExecution(id: string, owner: string, until: Date): Promise<boolean> {
    const now = this.now().toISOString();
    const { changes } = await this.db.query(
      'UPDATE promotions SET lease_owner = ?, lease_until = ? WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)',
      [owner, until.toISOString(), id, owner, now],
    );
    return changes === 1;
  }

  async releaseExecution(id: string, owner: string): Promise<void> {
    await this.db.query('UPDATE promotions SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [id, owner]);
  }

  async resumablePromotions(now: Date): Promise<Promotion[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM promotions
       WHERE (state IN ('approved', 'executing')
              OR (state = 'done' AND NOT EXISTS (SELECT 1 FROM promotion_steps s WHERE s.promotion_id = promotions.id AND s.step = 'notify')))
         AND (lease_owner IS NULL OR lease_until < ?)
       ORDER BY updated_at LIMIT 100`,
      [now.toISOString()],
    );
    return rows.map(decodePromotion);
  }

  async expirePromotions(now: Date): Promise<Promotion[]> {
    const { rows } = await this.db.query(`SELECT id FROM promotions WHERE state = 'requested' AND expires_at < ? LIMIT 100`, [now.toISOString()]);
    const expired: Promotion[] = [];
    for (const row of rows) {
      const id = String((row as { id: unknown }).id);
      const moved = await this.transitionPromotion(id, { from: ['requested'], to: 'expired', actor: null, reason: 'The request expired before it was approved.' });
      if (moved) expired.push(moved);
    }
    return expired;
  }

  async auditLog(id: string): Promise<AuditEntry[]> {
    const { rows } = await this.db.query(
      'SELECT id, at, actor_id, actor_login, action, from_state, to_state, digest, detail FROM promotion_audit WHERE promotion_id = ? ORDER BY id',
      [id],
    );
    return rows.map((row) => decode('promotion_audit', row, (r) => String(r['id']), AuditRow));
  }
}

const COLUMNS =
  'id, repo_id, repo_full_name, repo_url, branch, installation_id, model, version, stage, kind, emergency, from_version, requested_by_id, requested_by_login, ' +
  'state, state_reason, evidence_digest, evidence, approvals_required, source, comparison, result, created_at, updated_at, expires_at';

async function selectOne(db: SqlExecutor, where: string, params: SqlParam[]): Promise<Promotion | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM promotions WHERE ${where} LIMIT 1`, params);
  return rows[0] === undefined ? null : decodePromotion(rows[0]);
}

async function selectApprovals(db: SqlExecutor, id: string): Promise<Approval[]> {
  const { rows } = await db.query(
    'SELECT approver_id, approver_login, digest, via, approved_at FROM promotion_approvals WHERE promotion_id = ? ORDER BY approved_at, approver_id',
    [id],
  );
  return rows.map((row) => decode('promotion_approvals', row, () => id, ApprovalRow));
}

async function audit(db: SqlExecutor, id: string, at: string, entry: Omit<AuditEntry, 'at'>): Promise<void> {
  await db.query(
    'INSERT INTO promotion_audit (promotion_id, at, actor_id, actor_login, action, from_state, to_state, digest, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [id, at, entry.actor?.id ?? null, entry.actor?.login ?? null, entry.action, entry.fromState, entry.toState, entry.digest, entry.detail],
  );
}

const P = PromotionSchema.shape;

const PromotionRow = z
  .object({
    id: P.id,
    repo_id: dbInteger.pipe(P.repoId),
    repo_full_name: P.repoFullName,
    repo_url: P.repoUrl,
    branch: P.branch,
    installation_id: dbInteger.pipe(P.installationId),
    model: P.model,
    version: P.version,
    stage: P.stage,
    kind: P.kind,
    emergency: P.emergency,
    from_version: P.fromVersion,
    requested_by_id: dbInteger.pipe(z.number().int().positive()),
    requested_by_login: z.string(),
    state: P.state,
    state_reason: P.stateReason,
    evidence_digest: P.evidenceDigest,
    evidence: jsonText.pipe(EvidenceSchema),
    approvals_required: dbInteger.pipe(P.approvalsRequired),
    source: jsonText.pipe(RequestSourceSchema),
    comparison: jsonText.pipe(ComparisonSchema),
    result: jsonText.pipe(PromotionResultSchema),
    created_at: dbTimestamp,
    updated_at: dbTimestamp,
    expires_at: dbTimestamp,
  })
  .transform(
    (r): Promotion => ({
      id: r.id,
      repoId: r.repo_id,
      repoFullName: r.repo_full_name,
      repoUrl: r.repo_url,
      branch: r.branch,
      installationId: r.installation_id,
      model: r.model,
      version: r.version,
      stage: r.stage,
      kind: r.kind,
      emergency: r.emergency,
      fromVersion: r.from_version,
      requestedBy: { id: r.requested_by_id, login: r.requested_by_login },
      state: r.state,
      stateReason: r.state_reason,
      evidenceDigest: r.evidence_digest,
      evidence: r.evidence,
      approvalsRequired: r.approvals_required,
      source: r.source,
      comparison: r.comparison,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      expiresAt: r.expires_at,
      result: r.result,
    }),
  );

const ApprovalRow = z
  .object({ approver_id: dbInteger.pipe(z.number().int().positive()), approver_login: z.string(), digest: z.string(), via: z.enum(['github', 'slack']), approved_at: dbTimestamp })
  .transform((r): Approval => ({ approver: { id: r.approver_id, login: r.approver_login }, digest: r.digest, via: r.via, at: r.approved_at }));

const StepRow = z
  .object({ step: ExecutionStepSchema, result: jsonText.pipe(z.record(z.string(), z.unknown())) })
  .transform((r): [ExecutionStep, Record<string, unknown>] => [r.step, r.result]);

const AuditRow = z
  .object({
    at: dbTimestamp,
    actor_id: dbInteger.pipe(z.number().int().positive()).nullable(),
    actor_login: z.string().nullable(),
    action: z.string(),
    from_state: AuditEntrySchema.shape.fromState,
    to_state: AuditEntrySchema.shape.toState,
    digest: z.string().nullable(),
    detail: z.string().nullable(),
  })
  .transform(
    (r): AuditEntry => ({
      at: r.at,
      actor: r.actor_id !== null && r.actor_login !== null ? { id: r.actor_id, login: r.actor_login } : null,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      digest: r.digest,
      detail: r.detail,
    }),
  );

function decodePromotion(row: unknown): Promotion {
  return decode('promotions', row, (r) => (typeof r['id'] === 'string' ? r['id'] : null), PromotionRow);
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  throw new StoreInputError(`invalid ${what}: ${problems}`);
}
