import { validateCard } from '../../core/cards/validate.js';
import type { CardReport } from '../../core/cards/types.js';
import { changedCardPaths } from '../changed-cards.js';
import { cardsOutput, crashedOutput, invalidConfigOutput, skippedCardNote, unlistedFilesNote } from '../check-output.js';
import { completeCheckRun, startCheckRun, type CheckOutput, type ChecksClient } from '../github/check-runs.js';
import { listPullRequestFiles, type PullFilesClient } from '../github/list-pr-files.js';
import { readCards } from '../github/read-cards.js';
import { readConfig } from '../github/read-config.js';
import type { ContentsClient } from '../github/read-file.js';
import type { PullTarget } from '../pull-target.js';

export type CardCheckClient = ChecksClient & ContentsClient & PullFilesClient;

/** Marks our check runs with their pull request, so a re-run of a fork PR's check finds it again. */
export const externalIdFor = (pullNumber: number): string => `pull/${pullNumber}`;
export const pullNumberFrom = (externalId: string | null | undefined): number | null => {
  const match = /^pull\/(\d+)$/.exec(externalId ?? '');
  return match ? Number(match[1]) : null;
};

/**
 * Validates the model cards a pull request changes and reports them as one check run on
 * its head commit: shown in progress at once, then completed with the verdict and an
 * annotation on every finding's line.
 */
export async function checkPullRequestCards(octokit: CardCheckClient, pr: PullTarget): Promise<CheckOutput> {
  const checkRunId = await startCheckRun(octokit, pr.base, { headSha: pr.headSha, externalId: externalIdFor(pr.number) });
  try {
    const output = await validateChangedCards(octokit, pr);
    await completeCheckRun(octokit, pr.base, checkRunId, output);
    return output;
  } catch (error) {
    // Best effort: the original error is the one worth surfacing (Probot logs it).
    await completeCheckRun(octokit, pr.base, checkRunId, crashedOutput(error)).catch(() => undefined);
    throw error;
  }
}

async function validateChangedCards(octokit: CardCheckClient, pr: PullTarget): Promise<CheckOutput> {
  const loaded = await readConfig(octokit, pr.base, pr.defaultBranch);
  if (!loaded.ok) return invalidConfigOutput(loaded.errors);
  const { config } = loaded;

  const files = await listPullRequestFiles(octokit, pr.base, pr.number);
  const cards = await readCards(octokit, { base: pr.base, head: pr.headRepo, sha: pr.headSha }, changedCardPaths(files, config.cards));

  const reports: CardReport[] = [];
  const notes: string[] = [];
  const unlisted = unlistedFilesNote(pr.changedFiles, files.length);
  if (unlisted) notes.push(unlisted);
  for (const card of cards) {
    if (card.read.kind === 'file') reports.push(validateCard(card.path, card.read.bytes, config));
    else notes.push(skippedCardNote(card.path, card.read.kind === 'missing' ? 'not found at the head commit' : `it is a ${card.read.type}, not a file`));
  }
  return cardsOutput(reports, config.failOn, notes, cards.length - reports.length);
}
