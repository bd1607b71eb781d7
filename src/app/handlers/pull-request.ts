import type { Context } from 'probot';
import type { PullHeads } from '../../store/index.js';
import { dispatchEvaluation } from '../flows/dispatch-evaluation.js';
import { inspectPullRequest } from '../flows/inspect-pull-request.js';
import type { PublishStore } from '../flows/publish.js';
import { pullTarget } from '../flows/pull-target.js';
import type { Journal } from '../journal.js';
import type { ObserveValidation } from '../validation-timer.js';

/** The pull request actions that put new code in front of reviewers. */
export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
] as const;

/** New code on a pull request: remember its head, check its cards and metrics, start its evaluation. */
export async function onPullRequest(
  context: Context<(typeof PULL_REQUEST_EVENTS)[number]>,
  store: PublishStore & Pick<PullHeads, 'recordHeadSha'>,
  journal: Journal,
  observe?: ObserveValidation,
): Promise<void> {
  const { repository, pull_request } = context.payload;
  const pr = pullTarget(repository, pull_request);
  // Webhooks can arrive out of order: the newest event's head wins, and results for any
  // other head are not published (see headMovedPast).
  const follows = context.payload.action === 'synchronize' ? context.payload.before : undefined;
  await store.recordHeadSha({ repoId: pr.repoId, pr: pr.number, sha: pr.headSha, at: new Date(pull_request.updated_at), ...(follows === undefined ? {} : { follows }) });
  const snapshot = await inspectPullRequest(context.octokit, store, pr, context.log, journal, observe);
  const head = { ref: pull_request.head.ref, sameRepository: pull_request.head.repo?.id === repository.id };
  await dispatchEvaluation(context.octokit, pr, head, snapshot, context.log, journal);
}
