import { createRequire } from 'node:module';
import type { SqlDriver, SqlExecutor, SqlParam, SqlResult } from './driver.js';
import { migrate } from './migrations.js';
import { passwordOf, redactUrl } from './redact.js';
import { SqlStore } from './sql-store.js';
import { StoreError } from './errors.js';
import type { Store, StoreOptions } from './ports.js';

/** The part of pg we use (the package ships no types of its own). */
interface PgQueryResult {
  rows: unknown[];
  rowCount: number | null;
}
interface PgClient {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  release(destroy?: boolean | Error): void;
}
interface PgPool {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgPoolConfig {
  connectionString: string;
  max?: number;
  options?: string;
  connectionTimeoutMillis?: number;
  application_name?: string;
}
type PgPoolConstructor = new (config: PgPoolConfig) => PgPool;

const { Pool } = createRequire(import.meta.url)('pg') as { Pool: PgPoolConstructor };

export interface PostgresStoreOptions extends StoreOptions {
  /** `postgres://` or `postgresql://` URL. */
  connectionString: string;
  /**
   * The schema to keep the tables in (sets `search_path`; it must exist). Default: the server's
   * search_path, normally `public`.
   */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Called when an idle pooled connection fails (the pool replaces it); default: one line on stderr. */
  onIdleError?: (message: string) => void;
}

/**
 * Connects a pool to PostgreSQL and migrates the schema (under an advisory lock, so replicas that
 * start together do not race). Connection failures become one clear error, password redacted.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const now = options.now ?? (() => new Date());
  const label = redactUrl(options.connectionString);
  const scrub = scrubber(options.connectionString);
  if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.schema)) {
    throw new StoreError(`invalid PostgreSQL schema name ${JSON.stringify(options.schema)}: use letters, digits and _`);
  }
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    application_name: 'modelgate',
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const onIdleError =
    options.onIdleError ?? ((message: string) => process.stderr.write(`modelgate store: ${message}\n`));
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (error) => onIdleError(`idle PostgreSQL connection at ${label} failed: ${scrub(error.message)}`));

  const driver = new PostgresDriver(pool, label, scrub);
  try {
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      throw new StoreError(`cannot connect to PostgreSQL at ${label}: ${describePgError(error, scrub)}`);
    }
    await migrate(driver, now);
    return new SqlStore(driver, now);
  } catch (error) {
    await driver.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot prepare the PostgreSQL database at ${label}: ${describePgError(error, scrub)}`);
  }
}

class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres';
  private closed = false;

  constructor(
    private readonly pool: PgPool,
    readonly label: string,
    private readonly scrub: (text: string) => string,
  ) {}

  async query(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult> {
    if (this.closed) throw new StoreError('the store is closed');
    return this.run(this.pool, sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('the store is closed');
    const client = await this.pool.connect();
    let open = true;
    const tx: SqlExecutor = {
      dialect: 'postgres',
      query: async (sql, params = []) => {
        if (!open) throw new StoreError('a transaction was used after it ended');
        return this.run(client, sql, params);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back to the pool.
        client.release(rollbackError as Error);
      }
      throw error;
    } finally {
      open = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async run(target: PgPool | PgClient, sql: string, params: readonly SqlParam[]): Promise<SqlResult> {
    try {
      const result = await target.query(toNumberedParams(sql), [...params]);
      return { rows: result.rows, changes: result.rowCount ?? 0 };
    } catch (error) {
      if (hasMessage(error)) error.message = this.scrub(error.message);
      throw error;
    }
  }
}

/** `?` → `$1`, `$2`, …; the store's SQL has no `?` inside literals. */
function toNumberedParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function scrubber(connectionString: string): (text: string) => string {
  const password = passwordOf(connectionString);
  return (text) => (password === null ? text : text.split(password).join('***'));
}

/** Duck-typed: errors from Node's own modules are not `instanceof Error` inside a jest VM context. */
function hasMessage(error: unknown): error is { message: string; code?: unknown } {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

function describePgError(error: unknown, scrub: (text: string) => string): string {
  if (!hasMessage(error)) return scrub(String(error));
  // Connection failures from `net` can have an empty message and only a code (an AggregateError for several addresses).
  const inner = (error as { errors?: unknown }).errors;
  const first = Array.isArray(inner) && hasMessage(inner[0]) ? inner[0].message : '';
  const message =
    error.message !== '' ? error.message : first !== '' ? first : typeof error.code === 'string' ? error.code : 'unknown error';
  return scrub(message);
}
