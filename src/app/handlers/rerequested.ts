import type { Context } from 'probot';
import { ownAppId, type AppAuthClient } from '../../github/app-id.js';
import { CHECK_NAME, EVALUATION_CHECK_NAME, pullNumberFrom } from '../../github/check-runs.js';
import { getOpenPullRequest, openPullRequestsWithHead, type PullRequestsClient } from '../../github/find-pull-requests.js';
import type { PullRequestLike, RepositoryLike } from '../../github/pull-request.js';
import { inspectPullRequest, type InspectClient } from '../flows/inspect-pull-request.js';
import type { PublishStore } from '../flows/publish.js';
import { pullTarget } from '../flows/pull-target.js';
import type { Journal } from '../journal.js';
import type { ObserveValidation } from '../validation-timer.js';

type Client = InspectClient & PullRequestsClient & AppAuthClient;
type Store = PublishStore;

/** The entries of `pull_requests` in check_run and check_suite payloads: no owner, no files. */
interface ListedPullRequest {
  number: number;
  head: { sha: string };
  base: { ref: string; sha: string; repo: { id: number } };
}

/** "Re-run" on one of our check runs: review the pull request it belongs to again (cards and metrics). */
export async function onCheckRunRerequested(context: Context<'check_run.rerequested'>, store: Store, journal: Journal, observe?: ObserveValidation): Promise<void> {
  const { check_run: run, repository } = context.payload;
  if (![CHECK_NAME, EVALUATION_CHECK_NAME].includes(run.name) || !(await isOurApp(context.octokit, run.app?.id))) return;
  const number = pullNumberFrom(run.external_id);
  const pulls =
    number === null
      ? await openPullRequestsAt(context.octokit, repository, run.head_sha, run.pull_requests)
      : [await getOpenPullRequest(context.octokit, repoOf(repository), number)].filter((pr) => pr !== null);
  await recheck(context, store, { journal, observe }, repository, run.head_sha, pulls);
}

/** "Re-run all checks" on a commit whose checks include ours. */
export async function onCheckSuiteRerequested(context: Context<'check_suite.rerequested'>, store: Store, journal: Journal, observe?: ObserveValidation): Promise<void> {
  const { check_suite: suite, repository } = context.payload;
  if (!(await isOurApp(context.octokit, suite.app.id))) return;
  const pulls = await openPullRequestsAt(context.octokit, repository, suite.head_sha, suite.pull_requests);
  await recheck(context, store, { journal, observe }, repository, suite.head_sha, pulls);
}

async function recheck(
  context: Context<'check_run.rerequested' | 'check_suite.rerequested'>,
  store: Store,
  { journal, observe }: { journal: Journal; observe: ObserveValidation | undefined },
  repository: RepositoryLike,
  sha: string,
  pulls: PullRequestLike[],
): Promise<void> {
  // A re-run of an older commit's check is moot once the PR has moved on: its head has its own check.
  const current = pulls.filter((pr) => pr.head.sha === sha);
  if (current.length === 0) context.log.info({ sha }, 'No open pull request has this commit as its head; nothing to re-check.');
  for (const pr of current) await inspectPullRequest(context.octokit, store, pullTarget(repository, pr), context.log, journal, observe);
}

/**
 * The open pull requests headed by a commit. GitHub lists those from this repository's own
 * branches in the event, but leaves fork PRs out, so an empty list means one lookup by SHA.
 * Listed PRs are read from this repository (their head branch lives here).
 */
async function openPullRequestsAt(
  octokit: Client,
  repository: RepositoryLike & { id: number },
  sha: string,
  listed: readonly ListedPullRequest[] | null,
): Promise<PullRequestLike[]> {
  const here = (listed ?? []).filter((pr) => pr.base.repo.id === repository.id);
  if (here.length > 0) {
    return here.map((pr) => ({ number: pr.number, head: { sha: pr.head.sha, repo: null }, base: { ref: pr.base.ref, sha: pr.base.sha } }));
  }
  return openPullRequestsWithHead(octokit, repoOf(repository), sha);
}

async function isOurApp(octokit: AppAuthClient, appId: number | null | undefined): Promise<boolean> {
  const ours = await ownAppId(octokit);
  return ours === null || ours === appId;
}

const repoOf = (repository: RepositoryLike) => ({ owner: repository.owner.login, repo: repository.name });
