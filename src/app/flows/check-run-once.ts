import { externalIdFor, findCheckRun, type CheckLookupClient, type ChecksClient } from '../../github/check-runs.js';
import type { RepoRef } from '../../github/repo-ref.js';
import { journaled, type Journal } from '../journal.js';

export type OwnChecksClient = ChecksClient & CheckLookupClient;

/** One of our check runs on a pull request's head, as a step of a delivery. */
export interface CheckRunStep {
  name: string;
  headSha: string;
  pull: number;
  /** Which of the delivery's check runs this is (`cards`, `evaluation`, …): one delivery may make two of one name. */
  purpose: string;
}

/**
 * Creates our check run once per delivery: `create` (given the external id to mark it with) on
 * the first attempt; on a later one, the check run that attempt created, from the journal or,
 * when the crash fell before its record, from GitHub by its external id (which names the
 * delivery and the step). `again` says it already existed: the caller still finishes it.
 */
export async function createCheckRunOnce(
  octokit: CheckLookupClient,
  journal: Journal,
  repo: RepoRef,
  run: CheckRunStep,
  create: (externalId: string) => Promise<number>,
): Promise<{ id: number; again: boolean }> {
  const externalId = externalIdFor(run.pull, journal.deliveryId === null ? undefined : { delivery: journal.deliveryId, step: run.purpose });
  const { value, again } = await journaled(journal, `check-run/${run.purpose}/pull/${run.pull}`, {
    act: () => create(externalId),
    find: () => findCheckRun(octokit, repo, { name: run.name, headSha: run.headSha, externalId }),
  });
  return { id: value, again };
}
