import { isOwnComment, type Author, type CommentsApi } from './sticky-comment.js';

const PAGE_SIZE = 100;

/**
 * The id of a comment we (`author`) wrote on the issue with exactly `body`, written or edited
 * since `since` (ISO 8601, e.g. the command comment's creation time); null when there is none.
 * It lets a retried delivery find the reply its earlier attempt posted before it could record
 * it. One request per page of the comments since then.
 */
export async function findOwnReply(
  octokit: CommentsApi,
  where: { owner: string; repo: string; issue_number: number; author: Author; since: string },
  body: string,
): Promise<number | null> {
  for (let page = 1; ; page++) {
    const { data } = await octokit.rest.issues.listComments({
      owner: where.owner,
      repo: where.repo,
      issue_number: where.issue_number,
      since: where.since,
      per_page: PAGE_SIZE,
      page,
    });
    const mine = data.find((c) => isOwnComment(c, where.author) && c.body === body);
    if (mine) return mine.id;
    if (data.length < PAGE_SIZE) return null;
  }
}
