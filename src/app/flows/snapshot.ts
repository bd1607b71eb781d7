import type { Config } from '../../core/config/index.js';
import type { Finding } from '../../core/common/index.js';
import { changedCards } from './changed-cards.js';
import { listPullRequestFiles, type PullFilesClient, type PullRequestFile } from '../../github/list-pr-files.js';
import { readCards } from '../../github/read-cards.js';
import { readConfig } from '../../github/read-config.js';
import { readFile, type ContentsClient, type FileRead } from '../../github/read-file.js';
import type { PullTarget } from './pull-target.js';

export type SnapshotClient = ContentsClient & PullFilesClient;

/** A changed card as read at the head commit. */
export interface SnapshotCard {
  path: string;
  /** Its path at the base (the old name for renames); null when the PR adds it. */
  basePath: string | null;
  read: FileRead;
}

/**
 * What a pull request looks like to modelgate, read once per event and shared by the card
 * check and the metric diff: the config (from the default branch), the changed files and the
 * changed cards' bytes at the head. A bad config stops there: nothing else can be judged.
 */
export type PullRequestSnapshot =
  | { ok: false; configErrors: Finding[] }
  | { ok: true; config: Config; files: PullRequestFile[]; cards: SnapshotCard[]; registry: RegistryChange | null };

/** The registry file, when the pull request changes it: at the head, and at the base (null when the PR adds it). */
export interface RegistryChange {
  path: string;
  head: FileRead;
  base: FileRead | null;
}

export async function pullRequestSnapshot(octokit: SnapshotClient, pr: PullTarget): Promise<PullRequestSnapshot> {
  const loaded = await readConfig(octokit, pr.base, pr.defaultBranch);
  if (!loaded.ok) return { ok: false, configErrors: loaded.errors };
  const { config } = loaded;

  const files = await listPullRequestFiles(octokit, pr.base, pr.number);
  const changed = changedCards(files, config.cards);
  const reads = await readCards(octokit, { base: pr.base, head: pr.headRepo, sha: pr.headSha }, changed.map((c) => c.path));
  const cards = reads.map((card, i) => ({ path: card.path, basePath: changed[i]!.basePath, read: card.read }));
  return { ok: true, config, files, cards, registry: await registryChange(octokit, pr, config, files) };
}

/** Two reads, only when the pull request touches the registry: hand edits are checked like a config. */
async function registryChange(octokit: SnapshotClient, pr: PullTarget, config: Config, files: readonly PullRequestFile[]): Promise<RegistryChange | null> {
  const path = config.promotion?.registry;
  const file = path === undefined ? undefined : files.find((f) => f.filename === path && f.status !== 'removed');
  if (path === undefined || file === undefined) return null;
  const [head] = await readCards(octokit, { base: pr.base, head: pr.headRepo, sha: pr.headSha }, [path]);
  const base = file.status === 'added' || pr.baseSha === null ? null : await readFile(octokit, pr.base, file.previous_filename ?? path, pr.baseSha);
  return { path, head: head!.read, base };
}
