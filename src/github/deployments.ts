import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

export interface DeploymentsClient {
  rest: { repos: Pick<Rest['repos'], 'createDeployment' | 'createDeploymentStatus' | 'listDeployments'> };
}

export interface NewDeployment {
  /** The commit deployed: the registry commit that moved the stage. */
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, unknown> & { promotion: string };
  production: boolean;
}

/**
 * Creates the deployment of a promotion. `auto_merge: false` and `required_contexts: []`:
 * modelgate checked the evidence itself and GitHub must not merge or gate anything on its own.
 */
export async function createDeployment(octokit: DeploymentsClient, repo: RepoRef, d: NewDeployment): Promise<{ id: number }> {
  const response = await octokit.rest.repos.createDeployment({
    owner: repo.owner,
    repo: repo.repo,
    ref: d.ref,
    environment: d.environment,
    description: d.description,
    payload: d.payload,
    auto_merge: false,
    required_contexts: [],
    production_environment: d.production,
    transient_environment: false,
    // Never re-sent blindly: a lost answer could mean a second deployment. The caller looks it up
    // (findDeployment) before trying again.
    request: { retries: 0 },
  });
  const data = response.data as { id?: unknown; url?: unknown; message?: unknown };
  if (typeof data.id !== 'number') throw new Error(`GitHub did not create the deployment: ${typeof data.message === 'string' ? data.message : 'no id in its answer'}`);
  return { id: data.id };
}

/** The deployment a promotion created earlier (found by its payload's promotion id), or null (one request). */
export async function findDeployment(octokit: DeploymentsClient, repo: RepoRef, q: { ref: string; environment: string; promotion: string }): Promise<{ id: number } | null> {
  const { data } = await octokit.rest.repos.listDeployments({ owner: repo.owner, repo: repo.repo, sha: q.ref, environment: q.environment, per_page: 100 });
  const found = data.find((d) => {
    const payload = typeof d.payload === 'string' ? safeJson(d.payload) : d.payload;
    return typeof payload === 'object' && payload !== null && (payload as { promotion?: unknown }).promotion === q.promotion;
  });
  return found ? { id: found.id } : null;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure';

export async function setDeploymentStatus(
  octokit: DeploymentsClient,
  repo: RepoRef,
  id: number,
  status: { state: DeploymentState; description: string; logUrl?: string | null; environment: string },
): Promise<void> {
  try {
    await octokit.rest.repos.createDeploymentStatus({
      owner: repo.owner,
      repo: repo.repo,
      deployment_id: id,
      state: status.state,
      description: status.description.slice(0, 140),
      environment: status.environment,
      auto_inactive: status.state === 'success',
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
    });
  } catch (error) {
    if (httpStatus(error) === 404) throw new Error(`Deployment ${id} is gone (deleted on GitHub?).`, { cause: error });
    throw error;
  }
}

/** The environment's page of deployments, from the repository's web address (github.com or a GitHub Enterprise host). */
export function deploymentsPage(repoUrl: string, environment: string): string {
  return `${repoUrl.replace(/\/+$/, '')}/deployments/${encodeURIComponent(environment)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
