import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgresStore } from './postgres.js';
import { redactUrl } from './redact.js';
import { SQLITE_MEMORY, openSqliteStore } from './sqlite.js';
import { StoreError } from './errors.js';
import type { Store, StoreOptions } from './ports.js';

export const DEFAULT_DATABASE_PATH = 'data/modelgate.db';

/** Where DATABASE_URL points, decided without touching the database. */
export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

const ACCEPTED_FORMS =
  'use a file path (e.g. ./data/modelgate.db), a file: URL (e.g. file:///var/lib/modelgate/modelgate.db), ' +
  'or a postgres:// or postgresql:// URL (or leave DATABASE_URL unset for ./data/modelgate.db)';

/**
 * Reads DATABASE_URL: unset or empty → `./data/modelgate.db` under `cwd`; a path or `file:` URL →
 * that SQLite file (relative paths are relative to `cwd`); `postgres://`/`postgresql://` →
 * PostgreSQL. Anything else is a StoreError naming the accepted forms (password redacted).
 */
export function resolveDatabaseLocation(databaseUrl: string | undefined, cwd: string): DatabaseLocation {
  const value = databaseUrl?.trim() ?? '';
  if (value === '') return { kind: 'sqlite', path: resolve(cwd, DEFAULT_DATABASE_PATH) };
  if (/^postgres(?:ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value };
  if (value === SQLITE_MEMORY || value === `file:${SQLITE_MEMORY}`) return { kind: 'sqlite', path: SQLITE_MEMORY };
  if (/^file:/i.test(value)) return { kind: 'sqlite', path: filePath(value, cwd) };
  // Two or more letters before the colon, so a Windows drive (C:\…) still reads as a path.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value);
  if (scheme !== null) {
    throw new StoreError(`DATABASE_URL ${redactUrl(value)} is not supported (scheme "${scheme[1]}:"): ${ACCEPTED_FORMS}`);
  }
  return { kind: 'sqlite', path: resolve(cwd, value) };
}

/** Opens (and migrates) the store DATABASE_URL names; see resolveDatabaseLocation. */
export async function openStore(
  env: { DATABASE_URL?: string | undefined },
  cwd: string,
  options: StoreOptions = {},
): Promise<Store> {
  const location = resolveDatabaseLocation(env.DATABASE_URL, cwd);
  return location.kind === 'postgres'
    ? openPostgresStore({ ...options, connectionString: location.url })
    : openSqliteStore(location.path, options);
}

function filePath(value: string, cwd: string): string {
  if (/^file:\/\//i.test(value)) {
    try {
      // file:///abs/path.db (a host other than localhost is rejected by Node)
      return fileURLToPath(value);
    } catch (error) {
      throw new StoreError(`DATABASE_URL ${redactUrl(value)} is not a usable file: URL (${(error as Error).message}): ${ACCEPTED_FORMS}`);
    }
  }
  // file:relative/path.db or file:/abs/path.db; the rest of a URL (query, fragment) is not supported.
  const encoded = value.slice('file:'.length);
  let rest = '';
  try {
    rest = /[?#]/.test(encoded) ? '' : decodeURIComponent(encoded);
  } catch {
    // malformed %-escape: reported below
  }
  if (rest === '') {
    throw new StoreError(`DATABASE_URL ${redactUrl(value)} is not a usable file: URL: ${ACCEPTED_FORMS}`);
  }
  return isAbsolute(rest) ? rest : resolve(cwd, rest);
}
