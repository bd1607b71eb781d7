import type { Context } from 'probot';
import { ownAppId, type AppAuthClient } from '../github/app-id.js';
import { CHECK_NAME } from '../github/check-runs.js';
import { getOpenPullRequest, openPullRequestsWithHead, type PullRequestsClient } from '../github/find-pull-requests.js';
import { pullTarget, type PullRequestLike, type RepositoryLike } from '../pull-target.js';
import { checkPullRequestCards, pullNumberFrom, type CardCheckClient } from './check-cards.js';

type Client = CardCheckClient & PullRequestsClient & AppAuthClient;

/** The entries of `pull_requests` in check_run and check_suite payloads: no owner, no files. */
interface ListedPullRequest {
  number: number;
  head: { sha: string };
  base: { repo: { id: number } };
}

/** "Re-run" on our check run: check the pull request it belongs to again. */
export async function onCheckRunRerequested(context: Context<'check_run.rerequested'>): Promise<void> {
  const { check_run: run, repository } = context.payload;
  if (run.name !== CHECK_NAME || !(await isOurApp(context.octokit, run.app?.id))) return;
  const number = pullNumberFrom(run.external_id);
  const pulls =
    number === null
      ? await openPullRequestsAt(context.octokit, repository, run.head_sha, run.pull_requests)
      : [await getOpenPullRequest(context.octokit, repoOf(repository), number)].filter((pr) => pr !== null);
  await recheck(context, repository, run.head_sha, pulls);
}

/** "Re-run all checks" on a commit whose checks include ours. */
export async function onCheckSuiteRerequested(context: Context<'check_suite.rerequested'>): Promise<void> {
  const { check_suite: suite, repository } = context.payload;
  if (!(await isOurApp(context.octokit, suite.app.id))) return;
  const pulls = await openPullRequestsAt(context.octokit, repository, suite.head_sha, suite.pull_requests);
  await recheck(context, repository, suite.head_sha, pulls);
}

async function recheck(
  context: Context<'check_run.rerequested' | 'check_suite.rerequested'>,
  repository: RepositoryLike,
  sha: string,
  pulls: PullRequestLike[],
): Promise<void> {
  // A re-run of an older commit's check is moot once the PR has moved on: its head has its own check.
  const current = pulls.filter((pr) => pr.head.sha === sha);
  if (current.length === 0) context.log.info({ sha }, 'No open pull request has this commit as its head; nothing to re-check.');
  for (const pr of current) {
    const output = await checkPullRequestCards(context.octokit, pullTarget(repository, pr));
    context.log.info({ pull: pr.number, conclusion: output.conclusion }, output.title);
  }
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
  if (here.length > 0) return here.map((pr) => ({ number: pr.number, head: { sha: pr.head.sha, repo: null } }));
  return openPullRequestsWithHead(octokit, repoOf(repository), sha);
}

async function isOurApp(octokit: AppAuthClient, appId: number | null | undefined): Promise<boolean> {
  const ours = await ownAppId(octokit);
  return ours === null || ours === appId;
}

const repoOf = (repository: RepositoryLike) => ({ owner: repository.owner.login, repo: repository.name });
