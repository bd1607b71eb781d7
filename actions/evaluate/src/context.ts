import { readFile } from 'node:fs/promises';
import type { Manifest } from '../../../src/core/evaluation/index.js';
import { InputError } from '../../../src/node/errors.js';

/** Where an evaluation ran: the commit, the pull request, the runner. */
export interface RunContext {
  commit: string;
  pullRequest: number | null;
  runner: Manifest['runner'];
}

const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * On a pull request, GITHUB_SHA is the merge commit GitHub builds, which no one else can name;
 * the evaluation is of the PR's head commit, so that comes from the event payload. Elsewhere
 * (push, schedule, workflow_dispatch) GITHUB_SHA is the commit. When the modelgate App
 * dispatches an evaluation for a pull request, it names the PR in the `pr` input; the App then
 * checks that the commit evaluated is still that PR's head, so the input is never trusted alone.
 */
export async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  const pull = await readPullRequest(env['GITHUB_EVENT_PATH']);
  const commit = pull?.headSha ?? env['GITHUB_SHA']?.toLowerCase() ?? '';
  if (!COMMIT_SHA.test(commit)) {
    throw new InputError(
      env['GITHUB_SHA']
        ? `GITHUB_SHA is '${env['GITHUB_SHA']}', not a full commit SHA.`
        : 'GITHUB_SHA is not set: this action runs in a GitHub Actions job, where the runner sets it to the commit being evaluated.',
    );
  }
  return {
    commit,
    pullRequest: pull?.number ?? null,
    runner: { os: env['RUNNER_OS'] || null, arch: env['RUNNER_ARCH'] || null, name: env['RUNNER_NAME'] || null },
  };
}

/** The pull request of the event (pull_request, pull_request_target, …), when there is one. */
async function readPullRequest(eventPath: string | undefined): Promise<{ number: number; headSha: string | null } | null> {
  if (!eventPath) return null;
  let event: unknown;
  try {
    event = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch {
    // No readable payload: not an event with a pull request.
    return null;
  }
  const pull = isObject(event) ? event['pull_request'] : undefined;
  if (!isObject(pull)) return dispatchedPullRequest(event);
  if (typeof pull['number'] !== 'number' || !Number.isInteger(pull['number']) || pull['number'] <= 0) return null;
  const sha = isObject(pull['head']) && typeof pull['head']['sha'] === 'string' ? pull['head']['sha'].toLowerCase() : null;
  return { number: pull['number'], headSha: sha !== null && COMMIT_SHA.test(sha) ? sha : null };
}

/** A `workflow_dispatch` by the App carries `inputs.pr`; the commit is the dispatched ref's head. */
function dispatchedPullRequest(event: unknown): { number: number; headSha: null } | null {
  const inputs = isObject(event) && isObject(event['inputs']) ? event['inputs'] : undefined;
  const pr = typeof inputs?.['pr'] === 'string' ? inputs['pr'].trim() : '';
  return /^[1-9]\d{0,9}$/.test(pr) ? { number: Number(pr), headSha: null } : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
