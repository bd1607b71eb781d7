import { dispatchEvaluation, findDispatchedRun, type DispatchClient, type DispatchLookupClient } from '../../github/dispatch.js';
import type { RepoRef } from '../../github/repo-ref.js';
import { freshJournal, type Journal } from '../journal.js';

/** A pull request, as far as starting its evaluation goes. */
export interface EvaluationRequest {
  base: RepoRef;
  number: number;
  /** The PR's head branch and commit. */
  headRef: string;
  headSha: string;
  /** Whether the head branch lives in the base repository (false for forks). */
  sameRepository: boolean;
}

export type StartEvaluationResult =
  | { started: true }
  /** GitHub dispatches only on the repository's own branches. */
  | { started: false; reason: 'fork' }
  /** Plain text (the workflow, the ref, GitHub's message): escape it wherever it is rendered as Markdown. */
  | { started: false; reason: 'dispatch failed'; error: string };

/**
 * Dispatches the evaluation workflow (`workflow`, from `evaluation.workflow` in the config) on
 * the pull request's head branch, naming the PR, the commit it expects and the model (empty
 * for every model) in the inputs the evaluation action reads. One request; none for forks.
 * Once per delivery (`journal`): a dispatch recorded by an earlier attempt is not repeated, and a
 * resumed delivery without that record first looks for a dispatched run of the workflow on this
 * head since the delivery began (one request). GitHub creates that run a few seconds after its
 * answer, so a retry within those seconds of a crash in the instant between the answer and the
 * record can still start the workflow twice; the evaluation it publishes is the same either way.
 */
export async function startEvaluation(
  octokit: DispatchClient & DispatchLookupClient,
  pr: EvaluationRequest,
  workflow: string,
  model: string | null,
  journal: Journal = freshJournal(),
): Promise<StartEvaluationResult> {
  if (!pr.sameRepository) return { started: false, reason: 'fork' };
  const step = `dispatch/pull/${pr.number}`;
  if (journal.recalled(step) !== null) return { started: true };
  if (journal.resumed && journal.begunAt !== null) {
    const since = new Date(journal.begunAt.getTime() - CLOCK_SKEW_MS);
    const found = await findDispatchedRun(octokit, pr.base, workflow, { ref: pr.headRef, headSha: pr.headSha, since });
    if (found !== null) {
      await journal.record(step, found);
      return { started: true };
    }
  }
  const inputs = { model: model ?? '', pr: String(pr.number), sha: pr.headSha };
  const result = await dispatchEvaluation(octokit, pr.base, workflow, pr.headRef, inputs);
  // A refused dispatch started nothing: nothing is recorded, so a retry dispatches.
  if (!result.ok) return { started: false, reason: 'dispatch failed', error: result.error };
  await journal.record(step, 1);
  return { started: true };
}

/** Our clock and GitHub's may differ by this much: a run created this long before the delivery began still counts. */
const CLOCK_SKEW_MS = 60_000;
