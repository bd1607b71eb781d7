import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** A database for one integration test: SQLite in memory, or a schema of its own on the test PostgreSQL. */
export interface Database {
  /** Null when the database is there; else what is missing. */
  missing: string | null;
  /** A fresh, empty database for one test. */
  create(): Promise<string>;
  drop(): Promise<void>;
}

export const sqlite: Database = { missing: null, create: async () => ':memory:', drop: async () => undefined };

/** A schema of its own per test on the test server (MODELGATE_TEST_DATABASE_URL), or what is missing. */
export async function postgres(): Promise<Database> {
  const url = process.env['MODELGATE_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const { Pool } = createRequire(import.meta.url)('pg') as { Pool: new (config: { connectionString: string; connectionTimeoutMillis: number; max: number }) => { query(sql: string): Promise<unknown>; end(): Promise<void> } };
  const admin = new Pool({ connectionString: url, connectionTimeoutMillis: 3000, max: 1 });
  let missing: string | null = null;
  try {
    await admin.query('SELECT 1');
  } catch (error) {
    missing = `a PostgreSQL server at ${url} (${(error as Error).message})`;
  } finally {
    await admin.end();
  }
  let schema: string | null = null;
  return {
    missing,
    create: async () => {
      schema = `mg_promo_${randomBytes(5).toString('hex')}`;
      const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 3000, max: 1 });
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.end();
      const withSchema = new URL(url);
      withSchema.searchParams.set('options', `-c search_path=${schema}`);
      return withSchema.toString();
    },
    drop: async () => {
      if (schema === null) return;
      const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 3000, max: 1 });
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
      schema = null;
    },
  };
}
