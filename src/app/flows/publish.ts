/**
 * Publishes metric diffs on a pull request: one sticky comment per model and one
 * "modelgate / evaluation" check run on the head commit. Any source of metrics uses it: the
 * pull_request handler with metrics from the changed cards, a workflow_run handler with
 * metrics from evaluation artifacts.
 *
 * Contract of `publishEvaluation(octokit, store, pr, results)`:
 * - `results` empty: nothing is posted (no comment, no check run): nothing to report.
 * - `pr.headSha` no longer the PR's head as recorded in the store (`recordHeadSha`, done by
 *   the pull_request handler): nothing is posted, so a run for an outdated commit never
 *   overwrites what the current one showed. No recorded head (e.g. the App was installed
 *   after the PR was opened): publishing goes ahead. The head is checked again before every
 *   comment, so a push during publishing stops the remaining comments.
 * - Otherwise: the check run is created in progress, then each model's comment is created or
 *   updated in place (found by the hidden marker `metricsDiffMarker(model)` among the App's
 *   own comments only; its id is remembered under the store key `metrics-diff:<model>`, so an
 *   update is one API call, and at most two otherwise: one listing, one write), then the
 *   check run is completed: success when every model's gates pass, failure otherwise, with
 *   every model's table in the summary.
 * - `model` names must be distinct across `results` (each gets its own comment).
 * - When publishing fails half way, the check run is completed as failed (best effort) and
 *   the error is thrown, so the webhook delivery is released for a retry.
 * - Once per delivery (`journal`): a retry of the delivery completes the check run its earlier
 *   attempt created (found in the journal, else on GitHub by its external id) instead of
 *   creating another; each comment is found by its marker, so a crash between a comment's
 *   creation and the remembering of its id still leaves one comment.
 * API calls: 2 (check create + complete) + per model 1 (known comment id) or 2 (unknown).
 */
import { evaluationVerdict, type ModelResult } from '../../core/evaluation/index.js';
import { ownAppId, type AppAuthClient } from '../../github/app-id.js';
import { completeCheckRun, EVALUATION_CHECK_NAME, startCheckRun, type CheckOutput } from '../../github/check-runs.js';
import { CHECK_SUMMARY_MAX_CHARS } from '../../github/limits.js';
import { metricsDiffMarker } from '../../github/markers.js';
import { metricsCommentBody } from '../../github/metrics-comment.js';
import type { RepoRef } from '../../github/repo-ref.js';
import { upsertStickyComment, type CommentsApi, type StickyCommentResult } from '../../github/sticky-comment.js';
import { crashedEvaluationMarkdown, evaluationMarkdown } from '../../render/markdown/evaluation.js';
import type { CommentIds, PullHeads } from '../../store/index.js';
import { freshJournal, type Journal } from '../journal.js';
import { createCheckRunOnce, type OwnChecksClient } from './check-run-once.js';
import { headMovedPast } from './head.js';

export type { ModelResult };

/** The pull request, as far as publishing goes. */
export interface EvaluationTarget {
  /** The repository the PR is opened against. */
  base: RepoRef;
  repoId: number;
  number: number;
  /** The commit the results are for; the check run goes on it. */
  headSha: string;
}

export type PublishClient = OwnChecksClient & CommentsApi & AppAuthClient;
export type PublishStore = Pick<PullHeads, 'getHeadSha'> & CommentIds;

export type PublishOutcome =
  | { published: false; reason: 'nothing to report' | 'outdated head'; currentHead?: string }
  | {
      published: true;
      conclusion: 'success' | 'failure';
      title: string;
      comments: Array<{ model: string } & StickyCommentResult>;
      /** Set when the head moved during publishing and the remaining comments were left alone. */
      stoppedAt?: string;
    };

/** The store key of a model's sticky comment. */
export const commentKey = (model: string): string => `metrics-diff:${model}`;

export async function publishEvaluation(
  octokit: PublishClient,
  store: PublishStore,
  pr: EvaluationTarget,
  results: readonly ModelResult[],
  journal: Journal = freshJournal(),
): Promise<PublishOutcome> {
  if (results.length === 0) return { published: false, reason: 'nothing to report' };
  const moved = await headMovedPast(store, pr, pr.headSha);
  if (moved !== null) return { published: false, reason: 'outdated head', currentHead: moved };
  const appId = await ownAppId(octokit);
  // Without our own id we could not tell our comments from anyone else's.
  if (appId === null) throw new Error('Cannot tell which GitHub App this is (no App id in its credentials), so no comment can be updated safely.');

  const output = evaluationOutput(results);
  const { id: checkRunId } = await createCheckRunOnce(
    octokit,
    journal,
    pr.base,
    { name: EVALUATION_CHECK_NAME, headSha: pr.headSha, pull: pr.number, purpose: 'evaluation' },
    (externalId) => startCheckRun(octokit, pr.base, { name: EVALUATION_CHECK_NAME, headSha: pr.headSha, externalId }),
  );
  try {
    const comments: Array<{ model: string } & StickyCommentResult> = [];
    let stoppedAt: string | undefined;
    for (const result of results) {
      const now = await headMovedPast(store, pr, pr.headSha);
      if (now !== null) {
        stoppedAt = now;
        break;
      }
      comments.push({ model: result.model, ...(await upsertComment(octokit, store, pr, appId, result)) });
    }
    await completeCheckRun(octokit, pr.base, checkRunId, output);
    return { published: true, conclusion: output.conclusion === 'success' ? 'success' : 'failure', title: output.title, comments, ...(stoppedAt ? { stoppedAt } : {}) };
  } catch (error) {
    await completeCheckRun(octokit, pr.base, checkRunId, crashedEvaluationOutput(error)).catch(() => undefined);
    throw error;
  }
}

async function upsertComment(
  octokit: CommentsApi,
  store: PublishStore,
  pr: EvaluationTarget,
  appId: number,
  result: ModelResult,
): Promise<StickyCommentResult> {
  const key = { repoId: pr.repoId, pr: pr.number, key: commentKey(result.model) };
  const knownId = await store.getCommentId(key);
  const body = metricsCommentBody(result.diff, { baseline: result.baseline, model: result.model, runUrl: result.runUrl });
  const written = await upsertStickyComment(
    octokit,
    { owner: pr.base.owner, repo: pr.base.repo, issue_number: pr.number, marker: metricsDiffMarker(result.model), author: { appId }, knownId },
    body,
  );
  if (written.id !== knownId) await store.setCommentId({ ...key, commentId: written.id });
  return written;
}

/** The check run's output: the gates' verdict over all models, and each model's table. */
export function evaluationOutput(results: readonly ModelResult[]): CheckOutput {
  const verdict = evaluationVerdict(results);
  return { conclusion: verdict.conclusion, title: verdict.title, summary: evaluationMarkdown(results, { maxLength: CHECK_SUMMARY_MAX_CHARS }), annotations: [] };
}

/** Publishing broke after the check run was created: fail it rather than leave it spinning. */
function crashedEvaluationOutput(error: unknown): CheckOutput {
  const detail = error instanceof Error ? error.message : String(error);
  return { conclusion: 'failure', title: 'modelgate could not publish the evaluation', summary: crashedEvaluationMarkdown(detail), annotations: [] };
}
