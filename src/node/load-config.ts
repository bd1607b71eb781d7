import { resolve } from 'node:path';
import { CONFIG_PATH, parseConfig } from '../core/config/index.js';
import { DEFAULT_CONFIG, type Config } from '../core/config/index.js';
import { ConfigError, describeFsError, InputError } from './errors.js';
import { displayPath } from './paths.js';
import { findProject } from './project.js';
import { readUpTo } from './read-limited.js';

/** Larger than parseConfig's cap, so that parseConfig is the one that reports the size. */
const CONFIG_READ_LIMIT = 256 * 1024 + 1;

export interface LoadedConfig {
  config: Config;
  /** The file the config came from (as the user would name it), or null for the defaults. */
  file: string | null;
}

export interface LoadConfigOptions {
  /** The repository root: the default config is `.github/modelgate.yml` under it. */
  root: string;
  /** A config file named by the user (relative to `root`); it must exist. */
  file?: string | undefined;
}

/**
 * Loads the repository's config. Without an explicit file, a missing `.github/modelgate.yml`
 * means the defaults; a file that is named but missing, unreadable or invalid is an error —
 * never a silent fall back to defaults.
 */
export async function loadConfig({ root, file }: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = file !== undefined && file !== '';
  const absolute = resolve(root, explicit ? file : CONFIG_PATH);
  const display = displayPath(root, absolute);

  let bytes: Uint8Array;
  try {
    bytes = await readUpTo(absolute, CONFIG_READ_LIMIT);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return { config: DEFAULT_CONFIG, file: null };
    throw new InputError(`Cannot read config file ${display}: ${describeFsError(error)}.`);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(display, [
      { severity: 'error', rule: 'config/invalid-encoding', message: 'The config is not valid UTF-8.', hint: 'Save the file as UTF-8.', line: 1, column: 1 },
    ]);
  }
  const result = parseConfig(text);
  if (!result.ok) throw new ConfigError(display, result.errors);
  return { config: result.config, file: display };
}


/**
 * Loads the config of the project the working directory is in (see findProject): the config
 * found walking up to the repository root, or the one named with --config. `root` is what card
 * globs and reported paths are relative to.
 */
export async function loadProjectConfig(cwd: string, file?: string): Promise<LoadedConfig & { root: string }> {
  const project = findProject(cwd, file);
  if (project.configFile === null) return { config: DEFAULT_CONFIG, file: null, root: project.root };
  return { ...(await loadConfig({ root: project.root, file: project.configFile })), root: project.root };
}
