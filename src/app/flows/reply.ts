import { ownAppId, type AppAuthClient } from '../../github/app-id.js';
import { findOwnReply } from '../../github/replies.js';
import type { CommentsApi } from '../../github/sticky-comment.js';
import { journaled, type Journal } from '../journal.js';

/**
 * A delivery's replies on one issue (to a command comment), each posted once per delivery: the
 * n-th reply of the handling is step `reply/n`, recorded with the comment's id right after it is
 * posted. A retry of the delivery skips the replies its earlier attempt recorded, and on a
 * resumed delivery looks for one it posted without recording (our comment with that exact body,
 * since the command was written) before posting. A first attempt costs one request per reply.
 */
export function replyOnce(
  octokit: CommentsApi & AppAuthClient,
  journal: Journal,
  where: { owner: string; repo: string; issue_number: number; since: string },
): (body: string) => Promise<number> {
  let replies = 0;
  return async (body) => {
    const step = `reply/${++replies}`;
    const { value } = await journaled(journal, step, {
      act: async () => (await octokit.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.issue_number, body })).data.id,
      find: async () => {
        const appId = await ownAppId(octokit);
        // Without our own id no comment can be told to be ours: posting again beats guessing.
        return appId === null ? null : findOwnReply(octokit, { ...where, author: { appId } }, body);
      },
    });
    return value;
  };
}
