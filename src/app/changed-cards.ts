import { isCardPath } from '../core/cards/paths.js';
import type { PullRequestFile } from './github/list-pr-files.js';

/**
 * The model cards a pull request leaves behind at its head: cards it adds, changes, copies
 * or renames (under the new name). Deleted cards have nothing left to validate.
 */
export function changedCardPaths(files: readonly PullRequestFile[], cardGlobs: readonly string[]): string[] {
  const paths = files.filter((f) => f.status !== 'removed' && isCardPath(f.filename, cardGlobs)).map((f) => f.filename);
  return [...new Set(paths)];
}
