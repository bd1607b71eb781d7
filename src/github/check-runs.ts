import { truncate } from '../core/common/index.js';
import { fitMarkdown } from '../render/markdown/fit.js';
import type { CheckAnnotation } from './annotations.js';
import { ANNOTATION_MESSAGE_MAX_CHARS, ANNOTATION_TITLE_MAX_CHARS, ANNOTATIONS_PER_REQUEST, CHECK_SUMMARY_MAX_CHARS } from './limits.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

export type { CheckAnnotation };

/** The one check run this App reports card validation in. Users require it in branch protection by this name. */
export const CHECK_NAME = 'modelgate / model cards';
/** The check run that carries the metric gates' verdict (only when a pull request has metrics to compare). */
export const EVALUATION_CHECK_NAME = 'modelgate / evaluation';

/**
 * Marks our check runs with their pull request, so a re-run of a fork PR's check finds it again,
 * and, when created while handling a webhook delivery, with that delivery and step
 * (`pull/2 delivery=<id> step=cards`): a retry of the delivery finds the check run its earlier
 * attempt created by this key (see `findCheckRun`) instead of creating a second one.
 */
export const externalIdFor = (pullNumber: number, made?: { delivery: string; step: string }): string =>
  made === undefined ? `pull/${pullNumber}` : `pull/${pullNumber} delivery=${made.delivery} step=${made.step}`;
export const pullNumberFrom = (externalId: string | null | undefined): number | null => {
  const match = /^pull\/(\d+)(?: |$)/.exec(externalId ?? '');
  return match ? Number(match[1]) : null;
};

/** The conclusions modelgate reports (`cancelled` and `timed_out` mirror an evaluation run's). */
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'skipped' | 'cancelled' | 'timed_out';

export interface CheckOutput {
  conclusion: CheckConclusion;
  title: string;
  /** Markdown, already escaped. */
  summary: string;
  annotations: CheckAnnotation[];
}

export interface ChecksClient {
  rest: { checks: Pick<Rest['checks'], 'create' | 'update'> };
}

export interface CheckLookupClient {
  rest: { checks: Pick<Rest['checks'], 'listForRef'> };
}

const LOOKUP_PAGE_SIZE = 100;

/**
 * The id of the check run named `name` on `headSha` whose external id is `externalId` (and, when
 * `appId` is given, that this App created); null when there is none. One request per page of
 * 100 runs of that name on the commit, newest first; stops at the page that has it.
 */
export async function findCheckRun(
  octokit: CheckLookupClient,
  repo: RepoRef,
  run: { name: string; headSha: string; externalId: string; appId?: number | null },
): Promise<number | null> {
  for (let page = 1; ; page++) {
    const { data } = await octokit.rest.checks.listForRef({
      owner: repo.owner,
      repo: repo.repo,
      ref: run.headSha,
      check_name: run.name,
      filter: 'all',
      per_page: LOOKUP_PAGE_SIZE,
      page,
    });
    const found = data.check_runs.find((r) => r.external_id === run.externalId && (run.appId == null || r.app?.id === run.appId));
    if (found) return found.id;
    if (data.check_runs.length < LOOKUP_PAGE_SIZE) return null;
  }
}

/** Creates one of our check runs (the card check unless `name` says otherwise), in progress. Returns its id. */
export async function startCheckRun(
  octokit: ChecksClient,
  repo: RepoRef,
  run: { headSha: string; externalId?: string; name?: string },
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.repo,
    name: run.name ?? CHECK_NAME,
    head_sha: run.headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    ...(run.externalId === undefined ? {} : { external_id: run.externalId }),
  });
  return data.id;
}

/**
 * Creates a check run that is already complete (a failed evaluation run) or queued (waiting
 * for an evaluation the App cannot start), with its output: one request. `detailsUrl` (the
 * evaluation run, http/https only) is where the check's "Details" link goes.
 */
export async function reportCheckRun(
  octokit: ChecksClient,
  repo: RepoRef,
  run: { name: string; headSha: string; externalId?: string; detailsUrl?: string | null },
  result: CheckReport,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.repo,
    name: run.name,
    head_sha: run.headSha,
    ...(run.externalId === undefined ? {} : { external_id: run.externalId }),
    ...reportFields(run, result),
  });
  return data.id;
}

/**
 * Gives a check run that already exists (one an earlier attempt of the same delivery created)
 * what `reportCheckRun` would have created it with: one request.
 */
export async function rereportCheckRun(
  octokit: ChecksClient,
  repo: RepoRef,
  checkRunId: number,
  run: { detailsUrl?: string | null },
  result: CheckReport,
): Promise<void> {
  await octokit.rest.checks.update({ owner: repo.owner, repo: repo.repo, check_run_id: checkRunId, ...reportFields(run, result) });
}

export type CheckReport = { status: 'queued'; title: string; summary: string } | { status: 'completed'; conclusion: CheckConclusion; title: string; summary: string };

function reportFields(run: { detailsUrl?: string | null }, result: CheckReport) {
  const output = { title: result.title, summary: capSummary(result.summary) };
  return {
    ...(run.detailsUrl && /^https?:\/\//.test(run.detailsUrl) ? { details_url: run.detailsUrl } : {}),
    ...(result.status === 'queued'
      ? { status: 'queued' as const, output }
      : { status: 'completed' as const, conclusion: result.conclusion, completed_at: new Date().toISOString(), output }),
  };
}

/**
 * Completes the check run. GitHub takes at most 50 annotations per request, so the
 * completing request carries the first 50 and further updates carry the rest, 50 at a
 * time, each repeating the title and summary (GitHub requires them in every output).
 */
export async function completeCheckRun(octokit: ChecksClient, repo: RepoRef, checkRunId: number, output: CheckOutput): Promise<void> {
  const title = output.title;
  const summary = capSummary(output.summary);
  const batches = chunk(output.annotations.map(withinLimits), ANNOTATIONS_PER_REQUEST);
  const [first = [], ...rest] = batches;
  await octokit.rest.checks.update({
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary, ...(first.length ? { annotations: first } : {}) },
  });
  for (const annotations of rest) {
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: checkRunId,
      output: { title, summary, annotations },
    });
  }
}

/** GitHub rejects the whole request (422) for one annotation out of bounds, so clamp rather than trust. */
function withinLimits(a: CheckAnnotation): CheckAnnotation {
  const start = Math.max(1, a.start_line);
  const end = Math.max(start, a.end_line);
  const out: CheckAnnotation = {
    path: a.path,
    start_line: start,
    end_line: end,
    annotation_level: a.annotation_level,
    message: truncate(a.message, ANNOTATION_MESSAGE_MAX_CHARS),
    title: truncate(a.title, ANNOTATION_TITLE_MAX_CHARS),
  };
  // Columns are only allowed on single-line annotations.
  if (start === end && a.start_column !== undefined) {
    out.start_column = Math.max(1, a.start_column);
    if (a.end_column !== undefined) out.end_column = Math.max(out.start_column, a.end_column);
  }
  return out;
}

/** A last guard: renderers fit their budget, but GitHub refuses the whole request for one character over. */
function capSummary(summary: string): string {
  return fitMarkdown(summary, CHECK_SUMMARY_MAX_CHARS, '_The summary was cut to fit GitHub\'s size limit; every finding is still an annotation._');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
