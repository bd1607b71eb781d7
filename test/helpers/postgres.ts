import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

interface Pool {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const { Pool } = createRequire(import.meta.url)('pg') as { Pool: new (config: { connectionString: string; connectionTimeoutMillis: number; max: number }) => Pool };

export interface TestDatabase {
  /** Null when the database is there; else what is missing (for describeWith). */
  missing: string | null;
  /** A DATABASE_URL to a fresh, empty schema of its own, for one test. */
  create(): Promise<string>;
  /** Drops the schema create() made last. */
  drop(): Promise<void>;
}

/** Schemas of their own (named `prefix_…`) on the test server (MODELGATE_TEST_DATABASE_URL), or what is missing. */
export async function testDatabase(prefix: string): Promise<TestDatabase> {
  const url = process.env['MODELGATE_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
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
  const run = async (sql: string) => {
    const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 3000, max: 1 });
    try {
      await pool.query(sql);
    } finally {
      await pool.end();
    }
  };
  return {
    missing,
    create: async () => {
      schema = `${prefix}_${randomBytes(5).toString('hex')}`;
      await run(`CREATE SCHEMA ${schema}`);
      const withSchema = new URL(url);
      withSchema.searchParams.set('options', `-c search_path=${schema}`);
      return withSchema.toString();
    },
    drop: async () => {
      if (schema === null) return;
      const dropped = schema;
      schema = null;
      await run(`DROP SCHEMA ${dropped} CASCADE`);
    },
  };
}
