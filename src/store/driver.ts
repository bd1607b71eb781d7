/**
 * The little SQL surface the store is written against, so the queries and the row decoding exist
 * once and SQLite and PostgreSQL only differ in how a statement reaches the database.
 */
export type Dialect = 'sqlite' | 'postgres';

/** Parameter values; booleans are bound as 1/0 on SQLite. */
export type SqlParam = string | number | boolean | null;

export interface SqlResult {
  /** Rows returned (SELECT, or RETURNING); external data, validated by the caller. */
  rows: unknown[];
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Runs one statement; parameters are written `?` in every dialect. */
  query(sql: string, params?: readonly SqlParam[]): Promise<SqlResult>;
}

export interface SqlDriver extends SqlExecutor {
  /** Where the database is, for messages; never contains a password. */
  readonly label: string;
  /**
   * Runs `fn` in a write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: one pooled
   * connection). Commits when `fn` resolves, rolls back when it throws.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Safe to call twice; queries afterwards fail with "the store is closed". */
  close(): Promise<void>;
}
