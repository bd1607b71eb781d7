import type { Context } from 'probot';
import type { PromotionGitHub, PromotionRepo, PromotionStore } from '../../promotion/ports.js';
import { registerMergedPullRequest } from '../flows/register-merged.js';
import type { ObserveValidation } from '../validation-timer.js';

/** A pull request closed: when it was merged, the versions its cards name are registered. */
export async function onPullRequestClosed(
  context: Context<'pull_request.closed'>,
  store: Pick<PromotionStore, 'latestEvaluation'>,
  github: (repo: PromotionRepo) => Promise<PromotionGitHub>,
  now: () => Date,
  observe?: ObserveValidation,
): Promise<void> {
  const { pull_request: pr, repository, installation } = context.payload;
  if (!pr.merged || !pr.merge_commit_sha || installation === undefined) return;
  const repo: PromotionRepo = {
    id: repository.id,
    owner: repository.owner.login,
    name: repository.name,
    fullName: repository.full_name,
    defaultBranch: repository.default_branch,
    htmlUrl: repository.html_url,
    installationId: installation.id,
  };
  // Only merges into the default branch make a version: that is where the registry lives.
  if (pr.base.ref !== repository.default_branch) return;
  await registerMergedPullRequest(context.octokit, await github(repo), store, repo, { number: pr.number, mergeCommit: pr.merge_commit_sha }, context.log, now, observe);
}
