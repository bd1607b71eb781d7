import type { Actor } from '../core/promotion/index.js';
import type { PromotionGitHub, PromotionRepo } from '../promotion/ports.js';
import { CONFIG_PATH } from '../core/config/index.js';
import { createDeployment, findDeployment, setDeploymentStatus, type DeploymentsClient } from './deployments.js';
import { commitFile, findCommit, type GitCommitClient } from './git-commit.js';
import type { Rest } from './octokit.js';
import { hasWriteAccess, type PermissionsClient } from './permissions.js';
import { readRepoFacts, type RepoFactsClient } from './repo-facts.js';

export type PromotionClient = RepoFactsClient &
  GitCommitClient &
  DeploymentsClient &
  PermissionsClient & { rest: { repos: Pick<Rest['repos'], 'listCollaborators'> } };

/** A repository's GitHub side for the promotion service, over one installation's client. */
export function promotionGitHub(octokit: PromotionClient, repo: PromotionRepo): PromotionGitHub {
  const ref = { owner: repo.owner, repo: repo.name };
  return {
    facts: (query) => readRepoFacts(octokit, { ...query, repo: ref, branch: repo.defaultBranch, configPath: CONFIG_PATH }),
    hasWriteAccess: (login) => hasWriteAccess(octokit, ref, login),
    writers: () => writers(octokit, ref),
    commitFile: (change) => commitFile(octokit, ref, change),
    findCommit: (query, matches) => findCommit(octokit, ref, { ...query, branch: repo.defaultBranch }, matches),
    createDeployment: (deployment) => createDeployment(octokit, ref, deployment),
    findDeployment: (query) => findDeployment(octokit, ref, query),
    setDeploymentStatus: (id, status) => setDeploymentStatus(octokit, ref, id, status),
  };
}

/** Bounded: a repository with more collaborators than this has enough approvers. */
const MAX_WRITER_PAGES = 5;

/** The collaborators who can push, paginated (100 a page). */
async function writers(octokit: PromotionClient, repo: { owner: string; repo: string }): Promise<Actor[]> {
  const found: Actor[] = [];
  for (let page = 1; page <= MAX_WRITER_PAGES; page++) {
    const { data } = await octokit.rest.repos.listCollaborators({ ...repo, permission: 'push', affiliation: 'all', per_page: 100, page });
    found.push(...data.map((c) => ({ id: c.id, login: c.login })));
    if (data.length < 100) break;
  }
  return found;
}
