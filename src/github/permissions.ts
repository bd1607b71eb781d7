import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

export interface PermissionsClient {
  rest: { repos: Pick<Rest['repos'], 'getCollaboratorPermissionLevel'> };
}

/**
 * `permission` is the legacy level (maintain reads as write, triage as read); `role_name` is
 * the role itself, or a custom role's name, whose base level `permission` still gives.
 */
const WRITE_PERMISSIONS = new Set(['admin', 'write']);
const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

/**
 * Whether `username` can push to the repository: write, maintain and admin can; read, triage
 * and none cannot. Commands that start workflows (which spend the repository's minutes and
 * may read its secrets) are only for them. A user GitHub does not know (404) cannot.
 */
export async function hasWriteAccess(octokit: PermissionsClient, repo: RepoRef, username: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.repo, username });
    return WRITE_PERMISSIONS.has(data.permission) || WRITE_ROLES.has(data.role_name ?? '');
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}
