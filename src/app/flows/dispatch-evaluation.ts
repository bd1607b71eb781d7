import { EVALUATION_CHECK_NAME, externalIdFor, reportCheckRun, type ChecksClient } from '../../github/check-runs.js';
import type { DispatchClient } from '../../github/dispatch.js';
import { escapeMarkdown } from '../../render/markdown/escape.js';
import { forkEvaluationMarkdown } from '../../render/markdown/evaluation-run.js';
import type { Log } from '../log.js';
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
  octokit: DispatchClient & ChecksClient,
  pr: PullTarget,
  head: PullHead,
  snapshot: PullRequestSnapshot,
  log: Log,
): Promise<void> {
  if (!snapshot.ok || snapshot.cards.length === 0) return;
  const workflow = snapshot.config.evaluation.workflow;
  if (workflow === null) return;
  const started = await startEvaluation(octokit, { base: pr.base, number: pr.number, headRef: head.ref, headSha: pr.headSha, sameRepository: head.sameRepository }, workflow, null);
  if (started.started) {
    log.info({ pull: pr.number, workflow }, 'Dispatched the evaluation workflow.');
    return;
  }
  const check = { name: EVALUATION_CHECK_NAME, headSha: pr.headSha, externalId: externalIdFor(pr.number) };
  if (started.reason === 'fork') {
    await reportCheckRun(octokit, pr.base, check, { status: 'queued', title: 'Waiting for the fork\'s evaluation workflow', summary: forkEvaluationMarkdown(workflow) });
  } else {
    await reportCheckRun(octokit, pr.base, check, { status: 'completed', conclusion: 'failure', title: 'The evaluation workflow could not be started', summary: escapeMarkdown(started.error) });
  }
}
