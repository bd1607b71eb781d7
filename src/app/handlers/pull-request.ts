import type { Context } from 'probot';
import type { Store } from '../../store/store.js';
import { pullTarget } from '../flows/pull-target.js';
import { evaluateChangedCards } from '../flows/dispatch-evaluation.js';
import { reviewPullRequest } from '../flows/inspect-pull-request.js';

/** The pull request actions that put new code in front of reviewers. */
export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
] as const;

export async function onPullRequest(context: Context<(typeof PULL_REQUEST_EVENTS)[number]>, store: Store): Promise<void> {
  const { repository, pull_request } = context.payload;
  const pr = pullTarget(repository, pull_request);
  // Webhooks can arrive out of order: the newest event's head wins, and results for any
  // other head are not published (see publishEvaluation).
  const follows = context.payload.action === 'synchronize' ? context.payload.before : undefined;
  await store.recordHeadSha({ repoId: pr.repoId, pr: pr.number, sha: pr.headSha, at: new Date(pull_request.updated_at), follows });
  const snapshot = await reviewPullRequest(context.octokit, store, pr, context.log);
  const head = { ref: pull_request.head.ref, sameRepository: pull_request.head.repo?.id === repository.id };
  await evaluateChangedCards(context.octokit, pr, head, snapshot, context.log);
}
