import { isCardPath } from '../../core/cards/index.js';
import type { PullRequestFile } from '../../github/list-pr-files.js';

/** A card the pull request leaves behind at its head, and where it was at the base. */
export interface ChangedCard {
  /** The path at the head. */
  path: string;
  /** The same card at the base: its old name for renames, null when the PR adds (or copies) it. */
  basePath: string | null;
}

/**
 * The model cards a pull request leaves behind at its head: cards it adds, changes, copies
 * or renames (under the new name). Deleted cards have nothing left to validate.
 */
export function changedCards(files: readonly PullRequestFile[], cardGlobs: readonly string[]): ChangedCard[] {
  const cards = new Map<string, ChangedCard>();
  for (const f of files) {
    if (f.status === 'removed' || !isCardPath(f.filename, cardGlobs) || cards.has(f.filename)) continue;
    cards.set(f.filename, { path: f.filename, basePath: basePathOf(f) });
  }
  return [...cards.values()];
}

export function changedCardPaths(files: readonly PullRequestFile[], cardGlobs: readonly string[]): string[] {
  return changedCards(files, cardGlobs).map((c) => c.path);
}

function basePathOf(file: PullRequestFile): string | null {
  if (file.status === 'added' || file.status === 'copied') return null;
  if (file.status === 'renamed') return file.previous_filename ?? file.filename;
  return file.filename;
}
