import type { Finding } from '../core/common/index.js';

/**
 * Input the user must fix before anything can be checked: a path that does not exist, a file
 * that cannot be read. The message is complete and meant for people (it names the file).
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** A config file that exists but is not valid; `findings` are positioned in `file`. */
export class ConfigError extends InputError {
  override name = 'ConfigError';
  constructor(
    /** The config file as the user would name it (relative to the root when inside it). */
    readonly file: string,
    readonly findings: readonly Finding[],
  ) {
    super(`${file} is not a valid modelgate config (${findings.length} ${findings.length === 1 ? 'error' : 'errors'}).`);
  }
}

/** Turns an fs error into a sentence: "not found", "permission denied", … */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
