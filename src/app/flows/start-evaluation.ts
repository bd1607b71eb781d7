import { dispatchEvaluation, type DispatchClient } from '../../github/dispatch.js';
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
 * Once per delivery (`journal`): a dispatch recorded by an earlier attempt is not repeated.
 * GitHub offers no way to tell a dispatch apart afterwards (its run appears later, without its
 * inputs), so a crash in the moment between GitHub's answer and the record can still start the
 * workflow twice; the evaluation it publishes is the same either way.
 */
export async function startEvaluation(
  octokit: DispatchClient,
  pr: EvaluationRequest,
  workflow: string,
  model: string | null,
  journal: Journal = freshJournal(),
): Promise<StartEvaluationResult> {
  if (!pr.sameRepository) return { started: false, reason: 'fork' };
  const step = `dispatch/pull/${pr.number}`;
  if (journal.recalled(step) !== null) return { started: true };
  const inputs = { model: model ?? '', pr: String(pr.number), sha: pr.headSha };
  const result = await dispatchEvaluation(octokit, pr.base, workflow, pr.headRef, inputs);
  if (!result.ok) return { started: false, reason: 'dispatch failed', error: result.error };
  await journal.record(step, 1);
  return { started: true };
}

