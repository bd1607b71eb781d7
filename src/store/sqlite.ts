import { mkdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { SqlDriver, SqlExecutor, SqlParam, SqlResult } from './driver.js';
import { migrate } from './migrations.js';
import { SqlStore } from './sql-store.js';
import { describeFsReason, StoreError } from './errors.js';
import type { Store, StoreOptions } from './ports.js';

/** The part of better-sqlite3 we use (the package ships no types of its own). */
interface SqliteStatement {
  readonly reader: boolean;
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(source: string, options: { simple: true }): unknown;
  close(): void;
  readonly inTransaction: boolean;
}
type SqliteConstructor = new (filename: string, options?: { timeout?: number }) => SqliteDatabase;

const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;

export const SQLITE_MEMORY = ':memory:';

export interface SqliteStoreOptions extends StoreOptions {
  /** How long a write waits for another connection's lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its folder if needed) the SQLite database at `path`, or an in-memory one
 * for `:memory:`, and migrates it. WAL mode lets readers and the writer (other processes too)
 * work side by side.
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const now = options.now ?? (() => new Date());
  const file = path === SQLITE_MEMORY ? path : resolve(path);
  if (file !== SQLITE_MEMORY) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'EEXIST'
          ? 'a file is in the way (part of the path is not a folder)'
          : describeFsReason(error);
      throw new StoreError(`cannot create the folder ${dirname(file)} for the SQLite database: ${reason}`);
    }
  }

  let driver: SqliteDriver | undefined;
  try {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const db = new Database(file, { timeout: busyTimeoutMs });
    driver = new SqliteDriver(db, file, file === SQLITE_MEMORY ? new Gate() : Gate.forFile(realpathSync(file)));
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`, { simple: true });
    db.pragma('journal_mode = WAL', { simple: true });
    // FULL on every connection, not only the one that created the file: better-sqlite3 builds
    // SQLite with WAL's default lowered to NORMAL, and in WAL mode NORMAL can lose the last
    // commits on a power cut. A delivery answered 202 must survive that too; the inbox writes a
    // burst of deliveries in one transaction, so the fsync is paid once per burst.
    db.pragma('synchronous = FULL', { simple: true });
    await migrate(driver, now);
    return new SqlStore(driver, now);
  } catch (error) {
    await driver?.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open the SQLite database at ${file}: ${(error as Error).message}`);
  }
}

/**
 * Serialises the connections of this process to one file. better-sqlite3 is synchronous, but a
 * transaction body awaits between statements; were another connection of this thread to write
 * meanwhile, it would wait for the lock synchronously (busy_timeout), blocking the very event loop
 * the lock holder needs to finish. Other processes are fine: busy_timeout waits for them.
 */
class Gate {
  private static readonly byFile = new Map<string, { gate: Gate; users: number }>();
  private tail: Promise<unknown> = Promise.resolve();

  static forFile(realPath: string): Gate {
    const entry = Gate.byFile.get(realPath) ?? { gate: new Gate(realPath), users: 0 };
    entry.users += 1;
    Gate.byFile.set(realPath, entry);
    return entry.gate;
  }

  constructor(private readonly realPath: string | null = null) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  release(): void {
    if (this.realPath === null) return;
    const entry = Gate.byFile.get(this.realPath);
    if (entry !== undefined && --entry.users === 0) Gate.byFile.delete(this.realPath);
  }
}

class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, SqliteStatement>();
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    readonly label: string,
    private readonly gate: Gate,
  ) {}

  query(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult> {
    return this.exclusive(async () => this.run(sql, params));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      let open = true;
      const tx: SqlExecutor = {
        dialect: 'sqlite',
        query: async (sql, params = []) => {
          if (!open) throw new StoreError('a transaction was used after it ended');
          return this.run(sql, params);
        },
      };
      // IMMEDIATE takes the write lock now (waiting up to busy_timeout), so the transaction cannot
      // fail half-way with SQLITE_BUSY when a read is upgraded to a write.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      } finally {
        open = false;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.gate.run(async () => {
      this.statements.clear();
      this.db.close();
    });
    this.gate.release();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('the store is closed'));
    return this.gate.run(fn);
  }

  private run(sql: string, params: readonly SqlParam[]): SqlResult {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    const values = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
    if (statement.reader) {
      const rows = statement.all(...values);
      // RETURNING rows are the changed rows; a plain SELECT changes nothing.
      return { rows, changes: /^\s*select\b/i.test(sql) ? 0 : rows.length };
    }
    return { rows: [], changes: statement.run(...values).changes };
  }
}
