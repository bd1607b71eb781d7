import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { isCardPath } from '../core/cards/index.js';
import { describeFsError, InputError } from './errors.js';
import { displayPath } from './paths.js';

/** Never searched: dependencies and git internals hold no cards of this repository. */
const IGNORED = ['**/node_modules/**', '**/.git/**'];

export interface CardFile {
  /** Relative to the root, forward slashes: the path findings and annotations use. */
  path: string;
  absolute: string;
}

export interface FindCardsOptions {
  /** The repository root; card globs and output paths are relative to it. */
  root: string;
  /** Files, directories or globs (relative to the root). None means the whole root. */
  paths: readonly string[];
  /** The config's `cards` globs. */
  globs: readonly string[];
}

/**
 * Resolves what the user asked to check into card files, sorted by path:
 * - a file is a card because the user named it, whatever its name;
 * - a directory is searched for files that match the card globs;
 * - a glob selects the files it matches, as a shell would expand it.
 * A path that does not exist, or a glob that matches nothing, is an error: it is most likely a typo.
 */
export async function findCards({ root, paths, globs }: FindCardsOptions): Promise<CardFile[]> {
  const found = new Map<string, CardFile>();
  const add = (absolute: string): void => {
    if (!found.has(absolute)) found.set(absolute, { path: displayPath(root, absolute), absolute });
  };

  for (const target of paths.length > 0 ? paths : ['.']) {
    const absolute = resolve(root, target);
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(absolute)).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && isDynamicPattern(target)) {
        const matches = await glob(target, { cwd: root, absolute: true, dot: true, ignore: IGNORED, followSymbolicLinks: false });
        if (matches.length === 0) throw new InputError(`No files match ${target}.`);
        matches.forEach(add);
        continue;
      }
      throw new InputError(`Cannot read ${target}: ${describeFsError(error)}.`);
    }
    if (!isDirectory) {
      add(absolute);
      continue;
    }
    const files = await glob('**/*', { cwd: absolute, dot: true, ignore: IGNORED, followSymbolicLinks: false });
    for (const file of files) {
      const fileAbsolute = join(absolute, file);
      if (isCardPath(displayPath(root, fileAbsolute), globs)) add(fileAbsolute);
    }
  }

  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
