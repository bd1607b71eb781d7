import type { PullHeads } from '../../store/index.js';

/**
 * The one "has the pull request moved past this commit?" check: the head recorded by the
 * pull_request handler when it is another commit than `sha`, else null (this commit, or no head
 * recorded, e.g. the App was installed after the pull request was opened). Results for a commit
 * the pull request has moved past are never published, so they cannot overwrite newer ones.
 */
export async function headMovedPast(heads: Pick<PullHeads, 'getHeadSha'>, pr: { repoId: number; number: number }, sha: string): Promise<string | null> {
  const head = await heads.getHeadSha({ repoId: pr.repoId, pr: pr.number });
  return head !== null && head.sha !== sha ? head.sha : null;
}
