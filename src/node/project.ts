import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_PATH } from '../core/config/index.js';

/** Where a command run from some directory takes its config and its paths from. */
export interface Project {
  /**
   * The directory card globs and output paths are relative to: the one holding the config found
   * (`<root>/.github/modelgate.yml`), else the repository root, else the working directory.
   */
  root: string;
  /** The config file (absolute), or null: the defaults. */
  configFile: string | null;
  /** Whether `configFile` was named with --config (then it must exist). */
  explicit: boolean;
}

/** The enclosing git repository's root (the first directory upwards with `.git`), or null. */
export function repositoryRoot(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Finds the project the way git and eslint do: `--config` wins (relative to the working
 * directory, paths then relative to the repository root); else `.github/modelgate.yml` is looked
 * for in the working directory and each parent up to the repository root (only the working
 * directory outside a repository); without one, the defaults apply at the repository root.
 */
export function findProject(cwd: string, config?: string): Project {
  const repo = repositoryRoot(cwd);
  if (config !== undefined && config !== '') return { root: repo ?? cwd, configFile: resolve(cwd, config), explicit: true };
  const stop = repo ?? resolve(cwd);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_PATH);
    if (existsSync(candidate)) return { root: dir, configFile: candidate, explicit: false };
    if (dir === stop || dirname(dir) === dir) break;
  }
  return { root: stop, configFile: null, explicit: false };
}
