import type { Promotion, PromotionView } from '../../core/promotion/index.js';
import { COMMENT_MAX_CHARS } from '../../github/limits.js';
import { promotionMarker, withMarker } from '../../github/markers.js';
import { upsertStickyComment, type CommentsApi } from '../../github/sticky-comment.js';
import { promotionMarkdown } from '../../render/markdown/promotion.js';
import type { CommentIds } from '../../store/index.js';

/** The store key of a request's sticky comment. */
export const promotionCommentKey = (id: string): string => `promotion:${id}`;

/**
 * Where a request's comment lives: the issue or pull request it was requested on; for a request
 * made in Slack, the version's pull request (so both sides see it); null when it has none.
 */
export function commentIssue(p: Promotion): number | null {
  return p.source.kind === 'github' ? p.source.issue : (p.evidence.pr?.number ?? null);
}

/**
 * Creates or updates a request's one comment: one API call (its id is remembered; a new
 * request's comment is created without a search). The App is its only author.
 */
export async function publishPromotionComment(
  octokit: CommentsApi,
  comments: CommentIds,
  view: PromotionView,
  where: { issue: number; appId: number; isNew?: boolean },
): Promise<number> {
  const p = view.promotion;
  const [owner = '', repo = ''] = p.repoFullName.split('/');
  const marker = promotionMarker(p.id);
  const key = { repoId: p.repoId, pr: where.issue, key: promotionCommentKey(p.id) };
  const knownId = where.isNew ? null : await comments.getCommentId(key);
  const body = withMarker(marker, promotionMarkdown(view, { maxLength: COMMENT_MAX_CHARS - marker.length - 1 }));
  const written = await upsertStickyComment(
    octokit,
    { owner, repo, issue_number: where.issue, marker, author: { appId: where.appId }, knownId, ...(where.isNew ? { isNew: true } : {}) },
    body,
  );
  if (written.id !== knownId) await comments.setCommentId({ ...key, commentId: written.id });
  return written.id;
}
