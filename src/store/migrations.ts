import type { Dialect, SqlDriver, SqlExecutor } from './driver.js';
import { StoreError } from './errors.js';

/** Column types that differ between the backends; everything else is the same SQL. */
interface ColumnTypes {
  /** An auto-incrementing integer primary key. */
  id: string;
  timestamp: string;
  boolean: string;
}

const COLUMN_TYPES: Record<Dialect, ColumnTypes> = {
  sqlite: { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', timestamp: 'TEXT', boolean: 'INTEGER' },
  postgres: { id: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', timestamp: 'TIMESTAMPTZ', boolean: 'BOOLEAN' },
};

export interface Migration {
  /** 1, 2, 3, …; never reuse or reorder a released version. */
  version: number;
  name: string;
  statements(types: ColumnTypes): string[];
}

/** Append only: a released migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: (t) => [
      `CREATE TABLE evaluations (
        id ${t.id},
        repo_id BIGINT NOT NULL,
        repo_full_name TEXT NOT NULL,
        model TEXT NOT NULL,
        model_version TEXT,
        sha TEXT NOT NULL,
        ref TEXT NOT NULL,
        pr INTEGER,
        run_id BIGINT NOT NULL,
        run_attempt INTEGER,
        run_url TEXT NOT NULL,
        status TEXT NOT NULL,
        metrics TEXT NOT NULL,
        predictions_digest TEXT,
        card_digest TEXT,
        manifest TEXT,
        verdict ${t.boolean},
        created_at ${t.timestamp} NOT NULL
      )`,
      // A missing attempt counts as 0 so NULLs (distinct in a unique index) cannot duplicate a run.
      'CREATE UNIQUE INDEX evaluations_run_model ON evaluations (repo_id, run_id, (COALESCE(run_attempt, 0)), model)',
      'CREATE INDEX evaluations_latest ON evaluations (repo_id, model, status, ref, created_at)',
      'CREATE INDEX evaluations_commit ON evaluations (repo_id, sha)',
      `CREATE TABLE webhook_deliveries (
        delivery_id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        received_at ${t.timestamp} NOT NULL
      )`,
      'CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at)',
      `CREATE TABLE pr_comments (
        repo_id BIGINT NOT NULL,
        pr INTEGER NOT NULL,
        comment_key TEXT NOT NULL,
        comment_id BIGINT NOT NULL,
        updated_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (repo_id, pr, comment_key)
      )`,
      `CREATE TABLE pr_heads (
        repo_id BIGINT NOT NULL,
        pr INTEGER NOT NULL,
        sha TEXT NOT NULL,
        seen_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (repo_id, pr)
      )`,
    ],
  },
  {
    version: 3,
    name: 'promotion requests',
    statements: (t) => [
      `CREATE TABLE promotions (
        id TEXT PRIMARY KEY,
        repo_id BIGINT NOT NULL,
        repo_full_name TEXT NOT NULL,
        repo_url TEXT NOT NULL,
        branch TEXT NOT NULL,
        installation_id BIGINT NOT NULL,
        model TEXT NOT NULL,
        version TEXT NOT NULL,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL,
        emergency TEXT,
        from_version TEXT,
        requested_by_id BIGINT NOT NULL,
        requested_by_login TEXT NOT NULL,
        state TEXT NOT NULL,
        state_reason TEXT,
        evidence_digest TEXT NOT NULL,
        evidence TEXT NOT NULL,
        approvals_required INTEGER NOT NULL,
        source TEXT NOT NULL,
        comparison TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at ${t.timestamp} NOT NULL,
        updated_at ${t.timestamp} NOT NULL,
        expires_at ${t.timestamp} NOT NULL,
        lease_owner TEXT,
        lease_until ${t.timestamp}
      )`,
      // One active request per (repository, model, stage), also across replicas: the database decides.
      "CREATE UNIQUE INDEX promotions_one_active ON promotions (repo_id, model, stage) WHERE state IN ('requested', 'approved', 'executing')",
      'CREATE INDEX promotions_by_state ON promotions (state, expires_at)',
      'CREATE INDEX promotions_by_model ON promotions (repo_id, model, created_at)',
      `CREATE TABLE promotion_approvals (
        promotion_id TEXT NOT NULL,
        approver_id BIGINT NOT NULL,
        approver_login TEXT NOT NULL,
        digest TEXT NOT NULL,
        via TEXT NOT NULL,
        approved_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (promotion_id, approver_id)
      )`,
      `CREATE TABLE promotion_steps (
        promotion_id TEXT NOT NULL,
        step TEXT NOT NULL,
        result TEXT NOT NULL,
        recorded_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (promotion_id, step)
      )`,
      `CREATE TABLE promotion_audit (
        id ${t.id},
        promotion_id TEXT NOT NULL,
        at ${t.timestamp} NOT NULL,
        actor_id BIGINT,
        actor_login TEXT,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        digest TEXT,
        detail TEXT
      )`,
      'CREATE INDEX promotion_audit_by_promotion ON promotion_audit (promotion_id, id)',
    ],
  },
  {
    version: 4,
    name: 'slack: identities, messages, repositories',
    statements: (t) => [
      // A Slack user linked to a GitHub identity through GitHub's OAuth (or an operator's seed file).
      `CREATE TABLE slack_links (
        team_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        github_id BIGINT NOT NULL,
        github_login TEXT NOT NULL,
        source TEXT NOT NULL,
        linked_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (team_id, user_id)
      )`,
      'CREATE INDEX slack_links_by_github ON slack_links (github_id)',
      // One-time link states: single use, expiring, bound to the Slack user who asked.
      `CREATE TABLE slack_link_states (
        state TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        response_url TEXT,
        expires_at ${t.timestamp} NOT NULL,
        used_at ${t.timestamp}
      )`,
      // The Slack message that shows a promotion request, updated in place as it moves.
      // ts is null while the replica that claimed the message posts it; replied_state is the
      // state whose outcome was posted in its thread (each outcome posted at most once).
      `CREATE TABLE slack_messages (
        promotion_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        ts TEXT,
        team_id TEXT,
        claimed_at ${t.timestamp} NOT NULL,
        replied_state TEXT,
        PRIMARY KEY (promotion_id, channel)
      )`,
      // Repositories the App has seen, and the models their registries hold: how Slack finds a model.
      `CREATE TABLE repositories (
        repo_id BIGINT PRIMARY KEY,
        full_name TEXT NOT NULL,
        installation_id BIGINT NOT NULL,
        default_branch TEXT NOT NULL,
        html_url TEXT NOT NULL,
        seen_at ${t.timestamp} NOT NULL
      )`,
      'CREATE INDEX repositories_by_name ON repositories (full_name)',
      `CREATE TABLE repository_models (
        repo_id BIGINT NOT NULL,
        model TEXT NOT NULL,
        seen_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (repo_id, model)
      )`,
      'CREATE INDEX repository_models_by_model ON repository_models (model)',
    ],
  },
  {
    version: 5,
    name: 'webhook inbox',
    statements: (t) => [
      // Verified deliveries, written before the 202 and handled by workers afterwards. `id` orders
      // deliveries as received (across replicas on PostgreSQL); `ordering_key` (a repository's PR)
      // keeps one PR's deliveries in that order. A row is pending until done or dead; a worker
      // holds it by its lease (owner, until), which another replica takes over once it expires.
      `CREATE TABLE webhook_inbox (
        id ${t.id},
        delivery_id TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL,
        action TEXT,
        installation_id BIGINT,
        repo_full_name TEXT,
        pr INTEGER,
        ordering_key TEXT,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        available_at ${t.timestamp} NOT NULL,
        lease_owner TEXT,
        lease_until ${t.timestamp},
        last_error TEXT,
        received_at ${t.timestamp} NOT NULL,
        finished_at ${t.timestamp}
      )`,
      'CREATE INDEX webhook_inbox_ready ON webhook_inbox (state, available_at, id)',
      'CREATE INDEX webhook_inbox_ordering ON webhook_inbox (ordering_key, state, id)',
      'CREATE INDEX webhook_inbox_installation ON webhook_inbox (installation_id, state, lease_until)',
    ],
  },
  {
    version: 6,
    name: 'delivery steps',
    statements: (t) => [
      // What handling a delivery did on GitHub, one row per step (a check run's id, a dispatch),
      // written right after the step: a retry of the delivery finds its own effects here instead
      // of repeating them. The `begun` step marks a delivery whose handling started.
      `CREATE TABLE delivery_steps (
        delivery_id TEXT NOT NULL,
        step TEXT NOT NULL,
        value BIGINT NOT NULL,
        recorded_at ${t.timestamp} NOT NULL,
        PRIMARY KEY (delivery_id, step)
      )`,
      'CREATE INDEX delivery_steps_recorded_at ON delivery_steps (recorded_at)',
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** The database was written by a newer modelgate; refusing beats misreading it. */
export class StoreSchemaTooNewError extends StoreError {
  override name = 'StoreSchemaTooNewError';
  constructor(
    readonly found: number,
    readonly known: number,
    readonly label: string,
  ) {
    super(
      `database schema version ${found} at ${label} is newer than this modelgate (knows up to ${known}): ` +
        'upgrade modelgate or point DATABASE_URL elsewhere',
    );
  }
}

/**
 * Applies every migration the database has not recorded, in one write transaction; a no-op when
 * it is current. On PostgreSQL an advisory lock makes replicas that start together take turns.
 * Returns the versions before and after.
 */
export async function migrate(
  driver: SqlDriver,
  now: () => Date,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const types = COLUMN_TYPES[driver.dialect];
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  return driver.transaction(async (tx) => {
    if (tx.dialect === 'postgres') {
      // Held until this transaction ends; every schema in the database shares the key, which only serialises.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext(?))', ['modelgate:migrations']);
    }
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at ${types.timestamp} NOT NULL
      )`,
    );
    const applied = await appliedVersions(tx);
    const from = applied.reduce((max, v) => Math.max(max, v), 0);
    if (from > known) throw new StoreSchemaTooNewError(from, known, driver.label);
    // Every migration not yet recorded, in order: one merged after a higher-numbered one still runs.
    const pending = [...migrations].filter((m) => !applied.includes(m.version)).sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      for (const statement of migration.statements(types)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
    }
    return { from, to: Math.max(from, known) };
  });
}

async function appliedVersions(tx: SqlExecutor): Promise<number[]> {
  const { rows } = await tx.query('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((row) => {
    const value = (row as { version?: unknown }).version;
    const version = typeof value === 'string' ? Number(value) : value;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
      throw new StoreError(`schema_migrations holds an unreadable version (${String(value)}); fix or drop the table`);
    }
    return version;
  });
}
