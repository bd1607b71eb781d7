import { testDatabase, type TestDatabase } from './postgres.js';

/** A database for one integration test: SQLite in memory, or a schema of its own on the test PostgreSQL. */
export type Database = Pick<TestDatabase, 'missing' | 'create' | 'drop'>;

export const sqlite: Database = { missing: null, create: async () => ':memory:', drop: async () => undefined };

/** Schemas of their own on the test PostgreSQL (MODELGATE_TEST_DATABASE_URL), or what is missing. */
export function postgres(prefix = 'mg_test'): Promise<Database> {
  return testDatabase(prefix);
}
