/** The store's own errors: what went wrong with the database, worded for the operator. */

export class StoreError extends Error {
  override name = 'StoreError';
}

/** A row that exists but cannot be read back (invalid JSON, wrong type, …). */
export class StoreCorruptRowError extends StoreError {
  override name = 'StoreCorruptRowError';
  constructor(
    readonly table: string,
    /** The row's id (primary key, as text), or null when even that is unreadable. */
    readonly rowId: string | null,
    readonly problem: string,
  ) {
    super(
      `${table} row ${rowId ?? '(unreadable id)'} is corrupt: ${problem}. ` +
        'Fix or delete the row in the database; modelgate did not write it this way.',
    );
  }
}

/** Inputs that break the store's own rules (NaN metric, non-integer id, …); a bug in the caller. */
export class StoreInputError extends StoreError {
  override name = 'StoreInputError';
}

/** An fs error as a sentence, for messages about the SQLite file's folder. */
export function describeFsReason(error: unknown): string {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'ENOENT':
      return 'not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
