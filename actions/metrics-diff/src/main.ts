import * as core from '@actions/core';
import { Octokit } from '@octokit/rest';
import { readFileSync } from 'node:fs';
import { CONFIG_PATH } from '../../../src/core/config/index.js';
import { compareMetrics, type Baseline, type MetricsDiff } from '../../../src/core/metrics/index.js';
import { metricsDiffMarker } from '../../../src/github/markers.js';
import { metricsCommentBody } from '../../../src/github/metrics-comment.js';
import { httpStatus } from '../../../src/github/http-status.js';
import { upsertStickyComment, type CommentsApi } from '../../../src/github/sticky-comment.js';
import { toJson } from '../../../src/render/json/metrics.js';
import { ConfigError, InputError } from '../../../src/node/errors.js';
import { loadConfig } from '../../../src/node/load-config.js';
import { MAX_THREADS, MAX_THREADS_ASKED, parallelBlocks, type ParallelBlocks } from '../../../src/node/parallel-bootstrap.js';
import { readMetricsFile, readPredictionsFile } from '../../../src/node/read-metrics.js';

/** The login GitHub shows for comments made with a workflow's GITHUB_TOKEN. */
const WORKFLOW_TOKEN_LOGIN = 'github-actions[bot]';

export interface Dependencies {
  /** Builds the client for the comment; tests point it at nock. */
  octokit(token: string): CommentsApi;
  env: NodeJS.ProcessEnv;
}

const defaults: Dependencies = {
  octokit: (token) => new Octokit({ auth: token, baseUrl: process.env['GITHUB_API_URL'] || 'https://api.github.com' }),
  env: process.env,
};

/**
 * The metrics-diff action: compares HEAD's metrics with BASE's under the config's gates,
 * writes the table to the job summary, keeps the sticky PR comment up to date, and fails the
 * step when a gate fails.
 */
export async function run(deps: Dependencies = defaults): Promise<void> {
  try {
    const root = deps.env['GITHUB_WORKSPACE'] || process.cwd();
    const comment = parseBoolean('comment', core.getInput('comment') || 'true');
    const threads = parseThreads(core.getInput('threads'));
    const configInput = core.getInput('config');
    const file = configInput === '' || configInput === CONFIG_PATH ? undefined : configInput;
    const { config } = await loadConfig({ root, file });

    const basePath = core.getInput('base', { required: true });
    const base = await readMetricsFile(root, basePath, 'base metrics');
    const head = await readMetricsFile(root, core.getInput('head', { required: true }), 'head metrics');
    const basePredictionsPath = core.getInput('base-predictions');
    const headPredictionsPath = core.getInput('head-predictions');
    if (Boolean(basePredictionsPath) !== Boolean(headPredictionsPath)) {
      throw new InputError('base-predictions and head-predictions go together: significance needs per-example results for both sides.');
    }
    const basePredictions = basePredictionsPath ? await readPredictionsFile(root, basePredictionsPath, 'base per-example results') : null;
    const headPredictions = headPredictionsPath ? await readPredictionsFile(root, headPredictionsPath, 'head per-example results') : null;

    // As `modelgate diff --threads` does: a large Poisson bootstrap on worker threads (the worker
    // is dist/bootstrap-worker.js, beside the bundle), with exactly the one-thread interval.
    const parallel = parallelBlocks({ threads });
    let diff: MetricsDiff;
    try {
      diff = compareMetrics(base, head, { rules: config.metrics, basePredictions, headPredictions, bootstrap: { runBlocks: parallel.runBlocks } });
    } finally {
      await parallel.close();
    }
    if (basePredictions && headPredictions) core.debug(threadsUsed(parallel, threads));
    const baseline: Baseline = { label: core.getInput('base-label') || base.file };
    const model = core.getInput('model') || diff.model;
    const runUrl = runUrlOf(deps.env);
    const markdown = metricsCommentBody(diff, { baseline, model, runUrl });

    for (const set of [base, head]) {
      for (const note of set.notes) {
        core.warning(note.hint ? `${note.message} ${note.hint}` : note.message, {
          file: set.file,
          startLine: note.line,
          startColumn: note.column,
          title: note.rule,
        });
      }
    }
    core.setOutput('gates-passed', String(diff.gatesPassed));
    core.setOutput('report', JSON.stringify(toJson(diff, baseline)));
    if (deps.env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(markdown).write();

    if (comment) await postComment(deps, markdown, metricsDiffMarker(model));
    if (!diff.gatesPassed) core.setFailed(`Metric gates failed against ${baseline.label}: see the job summary.`);
    else core.info(`All metric gates passed against ${baseline.label}.`);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const f of error.findings) core.error(f.message, { file: error.file, startLine: f.line, startColumn: f.column, title: f.rule });
    }
    // Input errors are complete sentences for people; anything else is a bug, so keep its stack in the log.
    if (!(error instanceof InputError) && error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function postComment(deps: Dependencies, body: string, marker: string): Promise<void> {
  const event = readEvent(deps.env);
  const pr = event?.pull_request;
  if (!pr) {
    core.info('Not a pull request event: no comment to post.');
    return;
  }
  const [owner, repo] = (deps.env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY is not set; is this running in GitHub Actions?');
  // A fork's pull_request workflow gets a read-only token: say so instead of failing on a 403.
  if (pr.head?.repo?.full_name && pr.head.repo.full_name !== `${owner}/${repo}`) {
    core.notice('This pull request comes from a fork, whose workflow token cannot comment: the diff is in the job summary instead.');
    return;
  }
  const token = core.getInput('github-token');
  if (!token) throw new InputError('The github-token input is empty: pass a token with pull-requests: write, or set comment: false.');
  try {
    const result = await upsertStickyComment(
      deps.octokit(token),
      { owner, repo, issue_number: pr.number, marker, author: { login: WORKFLOW_TOKEN_LOGIN } },
      body,
    );
    core.setOutput('comment-id', String(result.id));
    core.info(`${result.action === 'created' ? 'Posted' : 'Updated'} the metrics comment on #${pr.number}.`);
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403 || status === 404) {
      core.notice(
        `The token cannot comment on #${pr.number} (HTTP ${status}): give the job \`permissions: pull-requests: write\`. The diff is in the job summary.`,
      );
      return;
    }
    throw error;
  }
}

interface PullRequestEvent {
  pull_request?: { number: number; head?: { repo?: { full_name?: string } | null } };
}

function readEvent(env: NodeJS.ProcessEnv): PullRequestEvent | null {
  if (!env['GITHUB_EVENT_PATH']) return null;
  try {
    return JSON.parse(readFileSync(env['GITHUB_EVENT_PATH'], 'utf8')) as PullRequestEvent;
  } catch {
    return null;
  }
}

function runUrlOf(env: NodeJS.ProcessEnv): string | null {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : null;
}

/** `auto` (or empty): the runner's cores, at most MAX_THREADS, as the CLI's default; else a count. */
function parseThreads(value: string): number | undefined {
  if (value === '' || /^auto$/i.test(value)) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS_ASKED) {
    throw new InputError(
      `The threads input must be 'auto' (the runner's cores, at most ${MAX_THREADS}) or a whole number from 1 to ${MAX_THREADS_ASKED}, not '${value}'.`,
    );
  }
  return n;
}

/** The debug line that says where the bootstrap ran: a missing worker file is otherwise invisible. */
function threadsUsed(parallel: ParallelBlocks, requested: number | undefined): string {
  const { workers, lastJob, threads } = parallel;
  if (threads < 2) return `Bootstrap: 1 thread (${requested === undefined ? 'threads: auto, and the runner has one core' : 'threads: 1'}).`;
  if (workers === null) return `Bootstrap: 1 thread (${threads} allowed): no metric had enough examples × resamples for worker threads to pay off.`;
  if (workers === 0 || !lastJob) return `Bootstrap: 1 thread (${threads} allowed): the worker file bootstrap-worker.js is not beside the bundle.`;
  return `Bootstrap: ${workers + 1} threads (${workers} worker${workers === 1 ? '' : 's'}); the workers computed ${lastJob.blocks - lastJob.here} of the last job's ${lastJob.blocks} blocks.`;
}

function parseBoolean(name: string, value: string): boolean {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new InputError(`The ${name} input must be true or false, not '${value}'.`);
}
