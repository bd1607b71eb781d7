import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

export interface ReactionsClient {
  rest: { reactions: Pick<Rest['reactions'], 'createForIssueComment'> };
}

/**
 * Puts 👀 on a command's comment, so its author sees at once that modelgate is on it. Returns
 * false when the comment is gone (404) or reactions are not allowed there (403, e.g. a locked
 * conversation): the command still runs. Reacting twice is harmless (GitHub answers 200).
 */
export async function acknowledge(octokit: ReactionsClient, repo: RepoRef, commentId: number): Promise<boolean> {
  try {
    await octokit.rest.reactions.createForIssueComment({ owner: repo.owner, repo: repo.repo, comment_id: commentId, content: 'eyes' });
    return true;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404 || status === 403) return false;
    throw error;
  }
}
