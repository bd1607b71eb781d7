import { httpStatus } from './http-status.js';
import { hasMarker } from './markers.js';
import type { Rest } from './octokit.js';

/**
 * One comment per PR and topic, found by a hidden marker (its first line) and updated in place on every push.
 * Shared by the App (installation token) and the actions (workflow token): both pass an
 * Octokit that has at least this narrow surface.
 */

export interface IssueComment {
  id: number;
  body?: string | null;
  user: { login: string; type?: string } | null;
  performed_via_github_app?: { id: number } | null;
}

export interface CommentsApi {
  rest: { issues: Pick<Rest['issues'], 'listComments' | 'createComment' | 'updateComment'> };
}

/** Who we are: only comments we wrote are ever edited, whatever markers others paste. */
export type Author = { appId: number } | { login: string };

export interface StickyCommentTarget {
  owner: string;
  repo: string;
  issue_number: number;
  /** The hidden first line that identifies the comment (see markers.ts), e.g. `<!-- modelgate:metrics-diff model=x -->`. */
  marker: string;
  author: Author;
  /** The comment's id when it is already known (remembered from an earlier update). */
  knownId?: number | null;
  /** The comment cannot exist yet (its topic was just created): create it without searching. */
  isNew?: boolean;
}

export interface StickyCommentResult {
  id: number;
  action: 'created' | 'updated';
}

const PAGE_SIZE = 100;

export function isOwnComment(comment: IssueComment, author: Author): boolean {
  if ('appId' in author) return comment.performed_via_github_app?.id === author.appId;
  return comment.user?.login === author.login;
}

/** Finds our marked comment, newest page last; stops at the first page that has it. */
export async function findStickyComment(octokit: CommentsApi, target: StickyCommentTarget): Promise<IssueComment | null> {
  for (let page = 1; ; page++) {
    const { data } = await octokit.rest.issues.listComments({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issue_number,
      per_page: PAGE_SIZE,
      page,
    });
    const mine = data.find((c) => isOwnComment(c, target.author) && hasMarker(c.body, target.marker));
    if (mine) return mine;
    if (data.length < PAGE_SIZE) return null;
  }
}

/**
 * Creates or updates the sticky comment. With a known id this is one API call; otherwise
 * one listing call per page of comments plus the write. A known id whose comment was
 * deleted (404) falls back to a search.
 */
export async function upsertStickyComment(
  octokit: CommentsApi,
  target: StickyCommentTarget,
  body: string,
): Promise<StickyCommentResult> {
  if (!hasMarker(body, target.marker)) throw new Error('The sticky comment body must start with its marker.');
  const { owner, repo } = target;
  if (target.knownId) {
    try {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: target.knownId, body });
      return { id: target.knownId, action: 'updated' };
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
    }
  }
  const existing = target.isNew ? null : await findStickyComment(octokit, target);
  if (existing) {
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    return { id: existing.id, action: 'updated' };
  }
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: target.issue_number, body });
  return { id: data.id, action: 'created' };
}
