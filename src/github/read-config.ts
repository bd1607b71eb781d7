import { CONFIG_PATH, parseConfig } from '../core/config/index.js';
import { DEFAULT_CONFIG, type Config } from '../core/config/index.js';
import type { Finding } from '../core/common/index.js';
import { readFile, type ContentsClient } from './read-file.js';
import type { RepoRef } from './repo-ref.js';

export type LoadedConfig =
  | { ok: true; config: Config; source: 'file' | 'defaults' }
  | { ok: false; errors: Finding[] };

/**
 * Reads `.github/modelgate.yml` from the default branch, so a pull request cannot relax
 * the rules it is checked against. A missing file means defaults; a bad file is an error
 * with exact positions (which Probot's `context.config` would not give).
 */
export async function readConfig(octokit: ContentsClient, repo: RepoRef, defaultBranch: string): Promise<LoadedConfig> {
  const file = await readFile(octokit, repo, CONFIG_PATH, defaultBranch);
  if (file.kind === 'missing') return { ok: true, config: DEFAULT_CONFIG, source: 'defaults' };
  if (file.kind === 'not-a-file') {
    return {
      ok: false,
      errors: [
        {
          severity: 'error',
          rule: 'config/not-a-file',
          message: `${CONFIG_PATH} is a ${file.type}, not a file.`,
          hint: `Make ${CONFIG_PATH} a YAML file on the default branch, or remove it to use the defaults.`,
          line: 1,
          column: 1,
        },
      ],
    };
  }
  const result = parseConfig(new TextDecoder().decode(file.bytes));
  return result.ok ? { ok: true, config: result.config, source: 'file' } : { ok: false, errors: result.errors };
}
