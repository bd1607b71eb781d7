import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { SqlParam } from '../../src/store/driver.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { StoreError } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { describeStoreContract, type StoreHarness } from './contract.js';

interface Statement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface Connection {
  prepare(sql: string): Statement;
  pragma(source: string, options: { simple: true }): unknown;
  close(): void;
}
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as new (file: string) => Connection;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'modelgate-store-'));
}

async function sqliteHarness(): Promise<StoreHarness> {
  const dir = tempDir();
  const file = join(dir, 'nested', 'modelgate.db');
  let direct: Connection | undefined;
  const connection = (): Connection => (direct ??= new Database(file));
  return {
    label: file,
    open: (options) => openSqliteStore(file, options),
    query: async (sql: string, params: SqlParam[] = []) => {
      const statement = connection().prepare(sql);
      const values = params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
      if (statement.reader) return statement.all(...values);
      statement.run(...values);
      return [];
    },
    dispose: async () => {
      direct?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreContract('SQLite', sqliteHarness);

describe('SQLite specifics', () => {
  test('creates the folder of the file and uses WAL', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'a', 'b', 'modelgate.db');
      const store = await openSqliteStore(file);
      await store.close();
      expect(existsSync(file)).toBe(true);
      const direct = new Database(file);
      expect(direct.pragma('journal_mode', { simple: true })).toBe('wal');
      direct.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every connection writes with synchronous = FULL, not only the one that created the file', async () => {
    // better-sqlite3 lowers WAL's default to NORMAL, which can lose acknowledged deliveries on a
    // power cut; the reopened file is the case that used to run with NORMAL.
    const dir = tempDir();
    try {
      const file = join(dir, 'modelgate.db');
      await (await openSqliteStore(file)).close();
      const reopened = await openSqliteStore(file);
      const driver = (reopened as unknown as { db: { query(sql: string): Promise<{ rows: unknown[] }> } }).db;
      expect((await driver.query('PRAGMA synchronous')).rows).toEqual([{ synchronous: 2 }]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(':memory: stores are private to their connection', async () => {
    const one = await openSqliteStore(':memory:');
    const two = await openSqliteStore(':memory:');
    expect(await one.claimDelivery('d', 'push')).toBe(true);
    expect(await two.claimDelivery('d', 'push')).toBe(true);
    expect(await one.claimDelivery('d', 'push')).toBe(false);
    await Promise.all([one.close(), two.close()]);
  });

  test('a file that is not a database is a clear error', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'notes.db');
      writeFileSync(file, 'these are my notes, not a database '.repeat(100));
      await expect(openSqliteStore(file)).rejects.toThrow(
        new StoreError(`cannot open the SQLite database at ${file}: file is not a database`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a folder that cannot be created is a clear error', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'blocker'), '');
      await expect(openSqliteStore(join(dir, 'blocker', 'modelgate.db'))).rejects.toThrow(
        new StoreError(`cannot create the folder ${join(dir, 'blocker')} for the SQLite database: a file is in the way (part of the path is not a folder)`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('processes racing on one new file migrate once and claim each delivery once', async () => {
    const dir = tempDir();
    try {
      // Each child runs the real store (bundled from the TypeScript sources) on the same, not yet created, file.
      const script = join(dir, 'claimer.mjs');
      await build({
        stdin: {
          contents: `
            import { openSqliteStore } from './src/store/sqlite.ts';
            const [file, count] = process.argv.slice(2);
            const store = await openSqliteStore(file);
            const won = [];
            for (let i = 0; i < Number(count); i++) if (await store.claimDelivery('delivery-' + i, 'push')) won.push(i);
            await store.close();
            process.stdout.write(JSON.stringify(won));
          `,
          resolveDir: repoRoot,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: script,
        external: ['better-sqlite3', 'pg'],
        // CommonJS dependencies (yaml, via the core) call require(); an ESM bundle needs one.
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
        logLevel: 'silent',
      });
      const file = join(dir, 'db', 'modelgate.db');
      const count = 300;
      const runs = await Promise.all([1, 2, 3, 4].map(() => runNode(script, [file, String(count)])));
      const won = runs.flatMap((out) => JSON.parse(out) as number[]);
      expect(won.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));

      const direct = new Database(file);
      expect(direct.prepare('SELECT COUNT(*) AS n FROM schema_migrations').all()).toEqual([{ n: MIGRATIONS.length }]);
      direct.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function runNode(script: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      // The bundle lives in a temp folder: let it find better-sqlite3 in this repo.
      env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules'), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}
