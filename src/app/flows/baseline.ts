import { chooseBaseline, needsCardBaseline, type BaseCommit, type FoundBaseline } from '../../core/evaluation/index.js';
import { readFile, type ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';
import type { Evaluations } from '../../store/index.js';

/** The pull request, as far as finding a baseline goes. */
export interface BaselineTarget extends BaseCommit {
  /** The repository the PR is opened against: the base commit lives there, also for fork PRs. */
  base: RepoRef;
  /** That repository's id: the store's key. */
  repoId: number;
}

/** The changed card whose metrics need a baseline. */
export interface BaselineCard {
  /** Its path at the head. */
  path: string;
  /** Its path at the base (the old name for renames); null when the pull request adds it. */
  basePath: string | null;
}

export interface BaselineSources {
  octokit: ContentsClient;
  /**
   * Where evaluations are remembered; null to compare with the card only. The pull_request
   * flow passes null: a card's `model-index` metrics (`imdb/accuracy`) and an evaluation's
   * metrics file (`eval.accuracy`) name their metrics differently, so only like is compared with like.
   */
  store: Pick<Evaluations, 'latestEvaluation'> | null;
}

/**
 * Fetches what the core's baseline rule (chooseBaseline) decides between: the latest successful
 * evaluation of `model` on the base branch (no request), and only without one, the card at the
 * base commit (one request; none for a new card).
 */
export async function findBaseline({ octokit, store }: BaselineSources, pr: BaselineTarget, model: string, card: BaselineCard | null): Promise<FoundBaseline | null> {
  const evaluation = store ? await store.latestEvaluation({ repoId: pr.repoId, model, status: 'success', ref: pr.baseRef }) : null;
  let baseCard: { path: string; bytes: Uint8Array } | null = null;
  if (needsCardBaseline(evaluation) && card?.basePath) {
    const read = await readFile(octokit, pr.base, card.basePath, pr.baseSha);
    if (read.kind === 'file') baseCard = { path: card.basePath, bytes: read.bytes };
  }
  return chooseBaseline(pr, { evaluation, card: baseCard });
}
