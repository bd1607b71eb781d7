import type { CardReport } from '../../core/cards/index.js';
import { countBySeverity } from '../../core/common/index.js';
import { checkRegistryChange } from '../../core/promotion/index.js';
import { CHECK_NAME, completeCheckRun, startCheckRun, type CheckOutput } from '../../github/check-runs.js';
import type { FileRead } from '../../github/read-file.js';
import { cardsOutput, crashedOutput, invalidConfigOutput, skippedCardNote, unlistedFilesNote } from './check-output.js';
import { freshJournal, type Journal } from '../journal.js';
import { validateCardTimed, type ObserveValidation } from '../validation-timer.js';
import { createCheckRunOnce, type OwnChecksClient } from './check-run-once.js';
import type { PullTarget } from './pull-target.js';
import { pullRequestSnapshot, type PullRequestSnapshot, type RegistryChange, type SnapshotClient } from './snapshot.js';

export type CardCheckClient = OwnChecksClient & SnapshotClient;

export interface CardCheckResult {
  output: CheckOutput;
  /** What was read for the check, for the steps after it (the metric diff) to reuse. */
  snapshot: PullRequestSnapshot;
  /** One report per card that was read as a file, in the snapshot's order. */
  reports: CardReport[];
}

/**
 * Validates the model cards a pull request changes and reports them as one check run on
 * its head commit: shown in progress at once, then completed with the verdict and an
 * annotation on every finding's line. Once per delivery (`journal`): a retry completes the check
 * run its earlier attempt created.
 */
export async function checkPullRequestCards(
  octokit: CardCheckClient,
  pr: PullTarget,
  journal: Journal = freshJournal(),
  observe?: ObserveValidation,
): Promise<CardCheckResult> {
  const { id: checkRunId } = await createCheckRunOnce(octokit, journal, pr.base, { name: CHECK_NAME, headSha: pr.headSha, pull: pr.number, purpose: 'cards' }, (externalId) =>
    startCheckRun(octokit, pr.base, { headSha: pr.headSha, externalId }),
  );
  try {
    const snapshot = await pullRequestSnapshot(octokit, pr);
    const { output, reports } = validateSnapshot(snapshot, pr, observe);
    await completeCheckRun(octokit, pr.base, checkRunId, output);
    return { output, snapshot, reports };
  } catch (error) {
    // Best effort: the original error is the one worth surfacing (Probot logs it).
    await completeCheckRun(octokit, pr.base, checkRunId, crashedOutput(error)).catch(() => undefined);
    throw error;
  }
}

function validateSnapshot(snapshot: PullRequestSnapshot, pr: PullTarget, observe: ObserveValidation | undefined): { output: CheckOutput; reports: CardReport[] } {
  if (!snapshot.ok) return { output: invalidConfigOutput(snapshot.configErrors), reports: [] };
  const { config, files, cards } = snapshot;

  const reports: CardReport[] = [];
  const notes: string[] = [];
  const unlisted = unlistedFilesNote(pr.changedFiles, files.length);
  if (unlisted) notes.push(unlisted);
  for (const card of cards) {
    if (card.read.kind === 'file') reports.push(validateCardTimed(observe, card.path, card.read.bytes, config));
    else notes.push(skippedCardNote(card.path, card.read.kind === 'missing' ? 'not found at the head commit' : `it is a ${card.read.type}, not a file`));
  }
  const registry = snapshot.registry ? registryReport(snapshot.registry) : null;
  const checked = registry ? [...reports, registry] : reports;
  return { output: cardsOutput(checked, config.failOn, notes, cards.length - reports.length), reports };
}

/** The registry's hand edits as a report of their own: each problem annotated on its line. */
function registryReport(change: RegistryChange): CardReport {
  const text = (read: FileRead | null) => (read?.kind === 'file' ? new TextDecoder().decode(read.bytes) : null);
  const head = text(change.head);
  const findings = head === null ? [] : checkRegistryChange(head, text(change.base));
  return { path: change.path, format: null, model: null, findings, ...countBySeverity(findings) };
}
