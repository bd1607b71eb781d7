import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, resolveDatabaseLocation } from '../../src/store/open.js';
import { redactUrl } from '../../src/store/redact.js';
import { StoreError } from '../../src/store/index.js';

const ACCEPTED =
  'use a file path (e.g. ./data/modelgate.db), a file: URL (e.g. file:///var/lib/modelgate/modelgate.db), ' +
  'or a postgres:// or postgresql:// URL (or leave DATABASE_URL unset for ./data/modelgate.db)';

async function inTempCwd(fn: (cwd: string) => Promise<void>): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'modelgate-open-'));
  try {
    await fn(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Opens the store, proves it works, closes it. */
async function usable(env: { DATABASE_URL?: string }, cwd: string): Promise<void> {
  const store = await openStore(env, cwd);
  try {
    expect(await store.claimDelivery('d', 'push')).toBe(true);
    expect(await store.claimDelivery('d', 'push')).toBe(false);
  } finally {
    await store.close();
  }
}

describe('resolveDatabaseLocation', () => {
  test.each([
    [undefined, { kind: 'sqlite', path: '/srv/app/data/modelgate.db' }],
    ['', { kind: 'sqlite', path: '/srv/app/data/modelgate.db' }],
    ['  ', { kind: 'sqlite', path: '/srv/app/data/modelgate.db' }],
    ['state/mg.db', { kind: 'sqlite', path: '/srv/app/state/mg.db' }],
    ['./state/mg.db', { kind: 'sqlite', path: '/srv/app/state/mg.db' }],
    ['/var/lib/mg.db', { kind: 'sqlite', path: '/var/lib/mg.db' }],
    ['file:state/mg.db', { kind: 'sqlite', path: '/srv/app/state/mg.db' }],
    ['file:/var/lib/mg.db', { kind: 'sqlite', path: '/var/lib/mg.db' }],
    ['file:///var/lib/my%20mg.db', { kind: 'sqlite', path: '/var/lib/my mg.db' }],
    [':memory:', { kind: 'sqlite', path: ':memory:' }],
    ['file::memory:', { kind: 'sqlite', path: ':memory:' }],
    ['postgres://mg:pw@db:5432/mg', { kind: 'postgres', url: 'postgres://mg:pw@db:5432/mg' }],
    ['postgresql://db/mg?sslmode=require', { kind: 'postgres', url: 'postgresql://db/mg?sslmode=require' }],
  ])('%j', (databaseUrl, expected) => {
    expect(resolveDatabaseLocation(databaseUrl, '/srv/app')).toEqual(expected);
  });

  test.each([
    [
      'mysql://root:topsecret@db:3306/mg',
      `DATABASE_URL mysql://root:***@db:3306/mg is not supported (scheme "mysql:"): ${ACCEPTED}`,
    ],
    ['sqlite:mg.db', `DATABASE_URL sqlite:mg.db is not supported (scheme "sqlite:"): ${ACCEPTED}`],
    [
      'redis://:hunter2@cache',
      `DATABASE_URL redis://:***@cache is not supported (scheme "redis:"): ${ACCEPTED}`,
    ],
    ['file:', `DATABASE_URL file: is not a usable file: URL: ${ACCEPTED}`],
    ['file:mg.db?mode=ro', `DATABASE_URL file:mg.db?mode=ro is not a usable file: URL: ${ACCEPTED}`],
  ])('%j is refused, naming the accepted forms', (databaseUrl, message) => {
    expect(() => resolveDatabaseLocation(databaseUrl, '/srv/app')).toThrow(new StoreError(message));
  });
});

describe('openStore', () => {
  test('unset DATABASE_URL opens ./data/modelgate.db under cwd', () =>
    inTempCwd(async (cwd) => {
      const store = await openStore({}, cwd);
      expect(store.label).toBe(join(cwd, 'data', 'modelgate.db'));
      await store.close();
      await usable({}, cwd);
      expect(existsSync(join(cwd, 'data', 'modelgate.db'))).toBe(true);
    }));

  test('a relative path is relative to cwd', () =>
    inTempCwd(async (cwd) => {
      await usable({ DATABASE_URL: 'state/mg.db' }, cwd);
      expect(existsSync(join(cwd, 'state', 'mg.db'))).toBe(true);
    }));

  test('a file: URL opens that file', () =>
    inTempCwd(async (cwd) => {
      const file = join(cwd, 'dir with space', 'mg.db');
      await usable({ DATABASE_URL: pathToFileURL(file).href }, '/nonexistent-cwd');
      expect(existsSync(file)).toBe(true);
    }));

  test('a mysql:// URL is a clear error with the password redacted', async () => {
    const error = await openStore({ DATABASE_URL: 'mysql://root:topsecret@db/mg' }, '/').catch((e: unknown) => e);
    expect(error).toEqual(
      new StoreError(`DATABASE_URL mysql://root:***@db/mg is not supported (scheme "mysql:"): ${ACCEPTED}`),
    );
    expect((error as Error).message).not.toContain('topsecret');
  });

  test('a postgres:// URL opens PostgreSQL (schema chosen in the URL)', async () => {
    const url = process.env['MODELGATE_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    const { Pool } = createRequire(import.meta.url)('pg') as {
      Pool: new (config: { connectionString: string; connectionTimeoutMillis: number }) => {
        query(sql: string): Promise<unknown>;
        end(): Promise<void>;
      };
    };
    const admin = new Pool({ connectionString: url, connectionTimeoutMillis: 3000 });
    const schema = `mg_test_open_${randomBytes(4).toString('hex')}`;
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
    } catch (error) {
      await admin.end();
      if (process.env['CI']) {
        throw new Error(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
      }
      console.warn(`Skipping the openStore PostgreSQL test: cannot reach ${redactUrl(url)}.`);
      return;
    }
    try {
      const withSchema = new URL(url);
      withSchema.searchParams.set('options', `-c search_path=${schema}`);
      const first = await openStore({ DATABASE_URL: withSchema.toString() }, '/');
      expect(await first.claimDelivery('d', 'push')).toBe(true);
      await first.close();
      // The postgresql: spelling reaches the same database: the delivery is already claimed there.
      const second = await openStore({ DATABASE_URL: withSchema.toString().replace(/^postgres:/, 'postgresql:') }, '/');
      expect(await second.claimDelivery('d', 'push')).toBe(false);
      await second.close();
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});
