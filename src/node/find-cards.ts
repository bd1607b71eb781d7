import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { hasModelCardMetadata, isCardPath, isRootReadme } from '../core/cards/index.js';
import { describeFsError, InputError } from './errors.js';
import { displayPath } from './paths.js';
import { readCard } from './read-card.js';

/** Never searched: dependencies and git internals hold no cards of this repository. */
const IGNORED = ['**/node_modules/**', '**/.git/**'];

/** The names modelgate can read as cards: Markdown, YAML and JSON (and a README without extension). */
const CARD_FORMAT = /(?:\.(?:md|markdown|mdx|ya?ml|json)|(?:^|\/)README)$/i;

export interface CardFile {
  /** Relative to the root, forward slashes: the path findings and annotations use. */
  path: string;
  absolute: string;
}

export interface FindCardsOptions {
  /** The project root; card globs and output paths are relative to it. */
  root: string;
  /** Where relative PATHS start (the working directory); default: the root. */
  cwd?: string;
  /** Files, directories or globs (relative to `cwd`). None means all of `cwd`. */
  paths: readonly string[];
  /** The config's `cards` globs. */
  globs: readonly string[];
  /**
   * Keep only the named files that are cards by the config (the globs, or the Hub layout's
   * root README); skip the others without a word. For pre-commit, which passes every staged file
   * its `files` pattern lets through.
   */
  onlyCards?: boolean;
}

/**
 * Resolves what the user asked to check into card files, sorted by path:
 * - a file is a card because the user named it, whatever the globs say — but it must be in a
 *   format modelgate reads (Markdown, YAML, JSON), or it is an error saying so;
 * - a directory is searched for files that match the card globs, and for the root README.md
 *   when its front matter has model-card keys (the Hugging Face Hub layout); a directory named
 *   on the command line that holds no card is an error;
 * - a glob selects the files it matches, as a shell would expand it.
 * A path that does not exist, or a glob that matches nothing, is an error: it is most likely a typo.
 */
export async function findCards({ root, cwd = root, paths, globs, onlyCards = false }: FindCardsOptions): Promise<CardFile[]> {
  const found = new Map<string, CardFile>();
  const add = (absolute: string): void => {
    if (!found.has(absolute)) found.set(absolute, { path: displayPath(root, absolute), absolute });
  };
  const isCard = async (path: string, absolute: string): Promise<boolean> =>
    isCardPath(path, globs) || (isRootReadme(path) && hasModelCardMetadata(new TextDecoder().decode(await readCard(absolute, path))));

  for (const target of paths.length > 0 ? paths : ['.']) {
    const absolute = resolve(cwd, target);
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(absolute)).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && isDynamicPattern(target)) {
        const matches = await glob(target, { cwd, absolute: true, dot: true, ignore: IGNORED, followSymbolicLinks: false });
        if (matches.length === 0) throw new InputError(`No files match ${target}.`);
        for (const match of matches) if (!onlyCards || (await isCard(displayPath(root, match), match))) add(match);
        continue;
      }
      throw new InputError(`Cannot read ${target}: ${describeFsError(error)}.`);
    }
    if (!isDirectory) {
      const path = displayPath(root, absolute);
      if (onlyCards) {
        if (await isCard(path, absolute)) add(absolute);
      } else if (!CARD_FORMAT.test(path)) {
        throw new InputError(
          `${target} is not a model card: modelgate reads Markdown cards with YAML front matter (.md), YAML (.yml, .yaml) and JSON (.json) cards. Name a card, or a directory to search.`,
        );
      } else add(absolute);
      continue;
    }
    let cards = 0;
    const files = await glob('**/*', { cwd: absolute, dot: true, ignore: IGNORED, followSymbolicLinks: false });
    for (const file of files) {
      const fileAbsolute = join(absolute, file);
      if (await isCard(displayPath(root, fileAbsolute), fileAbsolute)) {
        add(fileAbsolute);
        cards++;
      }
    }
    if (cards === 0 && paths.length > 0 && !onlyCards) {
      throw new InputError(
        `${target} holds no model card: no file in it matches the card globs (${globs.join(', ')})${isRootReadme(displayPath(root, join(absolute, 'README.md'))) ? ', and its README.md has no model-card front matter' : ''}. Name the card itself, or set \`cards:\` in .github/modelgate.yml.`,
      );
    }
  }

  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
