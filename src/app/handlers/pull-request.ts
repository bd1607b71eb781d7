import type { Context } from 'probot';
import { pullTarget } from '../pull-target.js';
import { checkPullRequestCards } from './check-cards.js';

/** The pull request actions that put new code in front of reviewers. */
export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
] as const;

export async function onPullRequest(context: Context<(typeof PULL_REQUEST_EVENTS)[number]>): Promise<void> {
  const { repository, pull_request } = context.payload;
  const output = await checkPullRequestCards(context.octokit, pullTarget(repository, pull_request));
  context.log.info({ pull: pull_request.number, conclusion: output.conclusion }, output.title);
}
