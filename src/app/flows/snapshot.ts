import type { Config } from '../../core/config/index.js';
import type { Finding } from '../../core/common/index.js';
import { changedCards } from './changed-cards.js';
import { listPullRequestFiles, type PullFilesClient, type PullRequestFile } from '../../github/list-pr-files.js';
import { readCards } from '../../github/read-cards.js';
import { readConfig } from '../../github/read-config.js';
import type { ContentsClient, FileRead } from '../../github/read-file.js';
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
  | { ok: true; config: Config; files: PullRequestFile[]; cards: SnapshotCard[] };

export async function pullRequestSnapshot(octokit: SnapshotClient, pr: PullTarget): Promise<PullRequestSnapshot> {
  const loaded = await readConfig(octokit, pr.base, pr.defaultBranch);
  if (!loaded.ok) return { ok: false, configErrors: loaded.errors };
  const { config } = loaded;

  const files = await listPullRequestFiles(octokit, pr.base, pr.number);
  const changed = changedCards(files, config.cards);
  const reads = await readCards(octokit, { base: pr.base, head: pr.headRepo, sha: pr.headSha }, changed.map((c) => c.path));
  const cards = reads.map((card, i) => ({ path: card.path, basePath: changed[i]!.basePath, read: card.read }));
  return { ok: true, config, files, cards };
}
