import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { hasModelCardMetadata, isCardPath, isRootReadme } from '../core/cards/index.js';
import { formatInputError, MAX_METRICS_BYTES, MetricTable, readMetrics, type MetricSet, type ReadMetricsOptions } from '../core/metrics/index.js';
import { describeFsError, InputError } from './errors.js';
import { listFilesAt, pathKindAt, readFileAt } from './git.js';
import { displayPath } from './paths.js';
import { readUpTo } from './read-limited.js';

/**
 * Where one side of `modelgate diff` reads its metrics: the working tree, or a commit. Paths
 * are relative to the project root (what output shows and card globs match), and the
 * commands run there.
 */
export type Tree = { kind: 'worktree' } | { kind: 'commit'; sha: string; name: string };

/** Files that hold metrics when a directory is named: JSON, YAML, CSV/TSV, and model cards by the globs. */
const METRICS_FILE = /\.(?:json|ya?ml|csv|tsv)$/i;

export interface SourcesOptions {
  /** The project root (config's directory, else the repository root). */
  root: string;
  /** Where PATHS given by the user start. */
  cwd: string;
  /** The config's card globs (the default files, and which Markdown files in a directory count). */
  globs: readonly string[];
}

/** Metrics files (root-relative) under each named path on a side; none named: the model cards. */
export async function metricsFilesOn(tree: Tree, paths: readonly string[], options: SourcesOptions): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const targets = paths.length > 0 ? paths.map((p) => displayPath(options.root, resolve(options.cwd, p))) : ['.'];
  for (const target of targets) {
    if (target.startsWith('../') || target === '..') throw new InputError(`${target} is outside the project (${options.root}); run modelgate from the repository that holds it.`);
    const candidates = tree.kind === 'worktree' ? await worktreeFiles(options.root, target) : await commitFiles(options.root, tree.sha, target);
    const named = paths.length > 0;
    const files: string[] = [];
    for (const file of candidates.files) {
      if (candidates.single) files.push(file);
      else if (isCardPath(file, options.globs)) files.push(file);
      else if (isRootReadme(file) && (await isHubCard(tree, options.root, file))) files.push(file);
      else if (named && METRICS_FILE.test(file)) files.push(file);
    }
    out.set(target, files.sort());
  }
  return out;
}

async function isHubCard(tree: Tree, root: string, file: string): Promise<boolean> {
  const bytes = await readOn(tree, root, file, MAX_METRICS_BYTES + 1);
  return bytes !== null && hasModelCardMetadata(new TextDecoder().decode(bytes));
}

async function worktreeFiles(root: string, target: string): Promise<{ files: string[]; single: boolean }> {
  const absolute = resolve(root, target);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], single: false };
    throw new InputError(`Cannot read ${target}: ${describeFsError(error)}.`);
  }
  if (!info.isDirectory()) return { files: [target], single: true };
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(root, path).replace(/\\/g, '/'));
    }
  };
  walk(absolute);
  return { files, single: false };
}

async function commitFiles(root: string, sha: string, target: string): Promise<{ files: string[]; single: boolean }> {
  if (target !== '.') {
    const kind = await pathKindAt(root, sha, target);
    if (kind === null) return { files: [], single: false };
    if (kind === 'file') return { files: [target], single: true };
  }
  return { files: await listFilesAt(root, sha, target), single: false };
}

async function readOn(tree: Tree, root: string, file: string, limit: number): Promise<Uint8Array | null> {
  if (tree.kind === 'commit') return readFileAt(root, tree.sha, file, limit);
  try {
    return await readUpTo(resolve(root, file), limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(`Cannot read ${file}: ${describeFsError(error)}.`);
  }
}

/** A file's metrics on a side, or null when the side does not have the file. */
export async function readMetricsOn(tree: Tree, root: string, file: string): Promise<MetricSet | null> {
  const bytes = await readOn(tree, root, file, MAX_METRICS_BYTES + 1);
  if (bytes === null) return null;
  const shown = tree.kind === 'commit' ? `${tree.name}:${file}` : file;
  const options: ReadMetricsOptions = /(^|[/\\])README$/i.test(file) ? { format: 'markdown' } : {};
  const result = readMetrics(shown, bytes, options);
  if (!result.ok) throw new InputError(formatInputError(result.error));
  return { ...result.value, file };
}

/** Reads standard input as a metrics file named `name` ("-"). */
export function readMetricsBytes(name: string, bytes: Uint8Array): MetricSet {
  const result = readMetrics(name, bytes);
  if (!result.ok) throw new InputError(formatInputError(result.error));
  return result.value;
}

/** A side without the file: every metric of the other side is added (or removed). */
export function emptyMetrics(file: string): MetricSet {
  return { file, format: 'json', metrics: new MetricTable(), notes: [], model: null };
}
