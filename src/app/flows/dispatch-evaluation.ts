import { EVALUATION_CHECK_NAME, reportCheckRun, rereportCheckRun, type CheckReport } from '../../github/check-runs.js';
import type { DispatchClient, DispatchLookupClient } from '../../github/dispatch.js';
import { escapeMarkdown } from '../../render/markdown/escape.js';
import { forkEvaluationMarkdown } from '../../render/markdown/evaluation-run.js';
import { freshJournal, type Journal } from '../journal.js';
import type { Log } from '../log.js';
import { createCheckRunOnce, type OwnChecksClient } from './check-run-once.js';
import { startEvaluation } from './start-evaluation.js';
import type { PullTarget } from './pull-target.js';
import type { PullRequestSnapshot } from './snapshot.js';

/** What the pull_request payload tells about the head branch. */
export interface PullHead {
  ref: string;
  /** Whether the head branch lives in the base repository (false for forks). */
  sameRepository: boolean;
}

/**
 * When a pull request changes a model card and the config names an evaluation workflow
 * (`evaluation.workflow`), starts it on the PR's head: one request. A fork's branch cannot be
 * dispatched, so its evaluation check waits (queued) with a note on what runs it instead; a
 * dispatch GitHub refuses fails the evaluation check with what to fix.
 */
export async function dispatchEvaluation(
  octokit: DispatchClient & DispatchLookupClient & OwnChecksClient,
  pr: PullTarget,
  head: PullHead,
  snapshot: PullRequestSnapshot,
  log: Log,
  journal: Journal = freshJournal(),
): Promise<void> {
  if (!snapshot.ok || snapshot.cards.length === 0) return;
  const workflow = snapshot.config.evaluation.workflow;
  if (workflow === null) return;
  const started = await startEvaluation(octokit, { base: pr.base, number: pr.number, headRef: head.ref, headSha: pr.headSha, sameRepository: head.sameRepository }, workflow, null, journal);
  if (started.started) {
    log.info({ pull: pr.number, workflow }, 'Dispatched the evaluation workflow.');
    return;
  }
  const report: CheckReport =
    started.reason === 'fork'
      ? { status: 'queued', title: 'Waiting for the fork\'s evaluation workflow', summary: forkEvaluationMarkdown(workflow) }
      : { status: 'completed', conclusion: 'failure', title: 'The evaluation workflow could not be started', summary: escapeMarkdown(started.error) };
  const check = await createCheckRunOnce(octokit, journal, pr.base, { name: EVALUATION_CHECK_NAME, headSha: pr.headSha, pull: pr.number, purpose: 'dispatch' }, (externalId) =>
    reportCheckRun(octokit, pr.base, { name: EVALUATION_CHECK_NAME, headSha: pr.headSha, externalId }, report),
  );
  // An earlier attempt created it: say what this attempt found (the same, unless GitHub's answer changed).
  if (check.again) await rereportCheckRun(octokit, pr.base, check.id, {}, report);
}
