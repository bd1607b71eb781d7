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
 * API calls: 2 (check create + complete) + per model 1 (known comment id) or 2 (unknown).
 */
import { MAX_MARKDOWN_CHARS, METRICS_DIFF_MARKER_PREFIX, metricsDiffMarker, renderMarkdown, type Baseline, type MetricsDiff } from '../../core/metrics/index.js';
import { inlineCode, escapeMarkdown, truncate } from '../../render/markdown/escape.js';
import { plural } from '../../render/metrics-present.js';
import { upsertStickyComment, type CommentsApi, type StickyCommentResult } from '../../github/sticky-comment.js';
import type { Store } from '../../store/store.js';
import { ownAppId, type AppAuthClient } from '../../github/app-id.js';
import { completeCheckRun, EVALUATION_CHECK_NAME, externalIdFor, MAX_SUMMARY_CHARS, startCheckRun, type CheckOutput, type ChecksClient } from '../../github/check-runs.js';
import type { RepoRef } from '../../github/repo-ref.js';

/** One model's comparison, ready to publish. */
export interface ModelResult {
  /** The model's name: its comment's marker and store key. */
  model: string;
  diff: MetricsDiff;
  /** What the metrics were compared against; named in the comment. */
  baseline: Baseline;
  /** The evaluation run that produced the head metrics (http/https), or null. */
  runUrl: string | null;
  /** Where the head metrics came from (a card path, an artifact), for the check summary. */
  source?: string;
}

/** The pull request, as far as publishing goes. */
export interface EvaluationTarget {
  /** The repository the PR is opened against. */
  base: RepoRef;
  repoId: number;
  number: number;
  /** The commit the results are for; the check run goes on it. */
  headSha: string;
}

export type PublishClient = ChecksClient & CommentsApi & AppAuthClient;
export type PublishStore = Pick<Store, 'getHeadSha' | 'getCommentId' | 'setCommentId'>;

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
): Promise<PublishOutcome> {
  if (results.length === 0) return { published: false, reason: 'nothing to report' };
  const moved = await headMovedTo(store, pr);
  if (moved !== null) return { published: false, reason: 'outdated head', currentHead: moved };
  const appId = await ownAppId(octokit);
  // Without our own id we could not tell our comments from anyone else's.
  if (appId === null) throw new Error('Cannot tell which GitHub App this is (no App id in its credentials), so no comment can be updated safely.');

  const output = evaluationOutput(results);
  const checkRunId = await startCheckRun(octokit, pr.base, { name: EVALUATION_CHECK_NAME, headSha: pr.headSha, externalId: externalIdFor(pr.number) });
  try {
    const comments: Array<{ model: string } & StickyCommentResult> = [];
    let stoppedAt: string | undefined;
    for (const result of results) {
      const now = await headMovedTo(store, pr);
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

/** The recorded head when it is another commit than `pr.headSha`; null when it is this one or unknown. */
async function headMovedTo(store: PublishStore, pr: EvaluationTarget): Promise<string | null> {
  const head = await store.getHeadSha({ repoId: pr.repoId, pr: pr.number });
  return head !== null && head.sha !== pr.headSha ? head.sha : null;
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
  const body = renderMarkdown(result.diff, { baseline: result.baseline, model: result.model, runUrl: result.runUrl });
  const written = await upsertStickyComment(
    octokit,
    { owner: pr.base.owner, repo: pr.base.repo, issue_number: pr.number, marker: metricsDiffMarker(result.model), author: { appId }, knownId },
    body,
  );
  if (written.id !== knownId) await store.setCommentId({ ...key, commentId: written.id });
  return written;
}

const MAX_TITLE_MODELS = 3;
/** Below this many characters a model's section is not worth showing; the rest are listed as "more". */
const MIN_SECTION_CHARS = 1500;
const RESERVED_CHARS = 300;

/** The check run's output: the gates' verdict over all models, and each model's table. */
export function evaluationOutput(results: readonly ModelResult[]): CheckOutput {
  const failing = results.filter((r) => !r.diff.gatesPassed);
  const fail = sum(results, (r) => r.diff.gates.fail);
  const gated = fail + sum(results, (r) => r.diff.gates.pass);
  const verdict =
    fail > 0
      ? `${fail.toLocaleString('en-US')} of ${plural(gated, 'metric gate')} failed`
      : gated === 0
        ? 'No metric gates apply'
        : gated === 1
          ? 'The metric gate passed'
          : `All ${plural(gated, 'metric gate')} passed`;
  const named = failing.length > 0 ? failing : results;
  const names = named.slice(0, MAX_TITLE_MODELS).map((r) => truncate(r.model, 60));
  if (named.length > MAX_TITLE_MODELS) names.push(`${named.length - MAX_TITLE_MODELS} more`);
  return {
    conclusion: failing.length > 0 ? 'failure' : 'success',
    title: `${verdict} (${names.join(', ')})`,
    summary: evaluationSummary(results),
    annotations: [],
  };
}

/**
 * One section per model, each its comment's text without the marker. The sections share
 * GitHub's 65,535-character limit evenly (a short section leaves its rest to the next); when
 * the rest would get too little to be useful, those models are named and left to their comments.
 */
function evaluationSummary(results: readonly ModelResult[]): string {
  const limit = Math.min(MAX_SUMMARY_CHARS, MAX_MARKDOWN_CHARS) - RESERVED_CHARS;
  const sections: string[] = [];
  let used = 0;
  for (const [i, result] of results.entries()) {
    const remaining = limit - used;
    const heading = `### ${inlineCode(truncate(result.model, 100))}${result.source ? ` · ${inlineCode(truncate(result.source, 200))}` : ''}`;
    const share = Math.min(remaining, Math.max(MIN_SECTION_CHARS, Math.floor(remaining / (results.length - i)))) - heading.length - 2;
    if (share < MIN_SECTION_CHARS / 2) {
      const rest = results.slice(i).map((r) => escapeMarkdown(truncate(r.model, 60)));
      sections.push(`_${plural(rest.length, 'more model')} not shown here (each has its own comment on the pull request): ${truncate(rest.join(', '), RESERVED_CHARS - 100)}_`);
      break;
    }
    const section = `${heading}\n\n${withoutMarker(renderMarkdown(result.diff, { baseline: result.baseline, model: result.model, runUrl: result.runUrl, maxLength: share }))}`;
    sections.push(section);
    used += section.length + 2;
  }
  return sections.join('\n\n');
}

function withoutMarker(markdown: string): string {
  return markdown.startsWith(METRICS_DIFF_MARKER_PREFIX) ? markdown.slice(markdown.indexOf('\n') + 1) : markdown;
}

/** Publishing broke after the check run was created: fail it rather than leave it spinning. */
function crashedEvaluationOutput(error: unknown): CheckOutput {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    conclusion: 'failure',
    title: 'modelgate could not publish the evaluation',
    summary: [
      '**Publishing the metric diff stopped on an unexpected error**, so the comparison may be missing from the pull request.',
      '',
      `Error: ${escapeMarkdown(truncate(detail, 500))}`,
      '',
      'Push again or re-run this check. If it keeps failing, the App\'s logs have the details.',
    ].join('\n'),
    annotations: [],
  };
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((total, item) => total + f(item), 0);
}
