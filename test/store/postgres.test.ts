import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SqlParam } from '../../src/store/driver.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { redactUrl } from '../../src/store/redact.js';
import { StoreError } from '../../src/store/index.js';
import { describeStoreContract, type StoreHarness } from './contract.js';
import { describeWith } from '../helpers/prerequisite.js';

interface Pool {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}
const require = createRequire(import.meta.url);
const { Pool } = require('pg') as {
  Pool: new (config: { connectionString: string; options?: string; connectionTimeoutMillis?: number; max?: number }) => Pool;
};

const url = process.env['MODELGATE_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** One prefix per test run, so parallel runs on one server never collide. */
const runPrefix = `mg_test_${randomBytes(4).toString('hex')}`;
let schemaCount = 0;

async function reachable(): Promise<string | null> {
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 3000, max: 1 });
  try {
    await pool.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message || String((error as { code?: unknown }).code);
  } finally {
    await pool.end();
  }
}

async function postgresHarness(): Promise<StoreHarness> {
  const schema = `${runPrefix}_${++schemaCount}`;
  const admin = new Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const direct = new Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 1 });
  return {
    label: redactUrl(url),
    open: (options) => openPostgresStore({ ...options, connectionString: url, schema }),
    query: async (sql: string, params: SqlParam[] = []) => {
      let n = 0;
      return (await direct.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
    },
    dispose: async () => {
      await direct.end();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

const unreachable = await reachable();

const missing = unreachable === null ? null : `a PostgreSQL server at ${redactUrl(url)} (${unreachable}); start it or set MODELGATE_TEST_DATABASE_URL`;
describeWith('the PostgreSQL store', missing, () => {
  describeStoreContract('PostgreSQL', postgresHarness);

  describe('PostgreSQL specifics', () => {
    test('timestamps are timestamptz and come back as ISO strings', async () => {
      const harness = await postgresHarness();
      const store = await harness.open({ now: () => new Date('2025-01-02T03:04:05.678Z') });
      try {
        await store.claimDelivery('d', 'push');
        const [row] = (await harness.query('SELECT received_at FROM webhook_deliveries')) as { received_at: unknown }[];
        expect(row?.received_at).toEqual(new Date('2025-01-02T03:04:05.678Z'));
        const types = await harness.query(
          "SELECT DISTINCT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'created_at'",
        );
        expect(types).toEqual([{ data_type: 'timestamp with time zone' }]);
      } finally {
        await store.close();
        await harness.dispose();
      }
    });

    test('a database that does not exist is a clear error without the password', async () => {
      const target = new URL(url);
      target.password = 's3cret-pw';
      target.pathname = `/${runPrefix}_missing`;
      const error = await openPostgresStore({ connectionString: target.toString() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toBe(
        `cannot connect to PostgreSQL at ${redactUrl(target.toString())}: database "${runPrefix}_missing" does not exist`,
      );
      expect((error as Error).message).not.toContain('s3cret-pw');
    });

    test('the schema must exist', async () => {
      await expect(
        openPostgresStore({ connectionString: url, schema: `${runPrefix}_nowhere` }),
      ).rejects.toThrow(/^cannot prepare the PostgreSQL database at .*: no schema has been selected to create in$/);
    });
  });
});

describe('PostgreSQL without a server', () => {
  test('an unreachable server is a clear error without the password', async () => {
    const error = await openPostgresStore({ connectionString: 'postgres://mg:hunter2@127.0.0.1:1/db' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(
      'cannot connect to PostgreSQL at postgres://mg:***@127.0.0.1:1/db: connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  test('an invalid schema name is refused before connecting', async () => {
    await expect(openPostgresStore({ connectionString: url, schema: 'x; DROP TABLE y' })).rejects.toThrow(
      new StoreError('invalid PostgreSQL schema name "x; DROP TABLE y": use letters, digits and _'),
    );
  });
});
