import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

export interface DispatchClient {
  rest: { actions: Pick<Rest['actions'], 'createWorkflowDispatch'> };
}

export interface DispatchLookupClient {
  rest: { actions: Pick<Rest['actions'], 'listWorkflowRuns'> };
}

/**
 * The newest run of the workflow that a dispatch started on `ref` for `headSha`, created at or
 * after `since`; null when there is none (yet: GitHub creates a dispatched run within seconds).
 * A dispatch's answer names no run, so this is how a retried delivery tells that its earlier
 * attempt's dispatch went through. One request.
 */
export async function findDispatchedRun(
  octokit: DispatchLookupClient,
  repo: RepoRef,
  workflowFile: string,
  run: { ref: string; headSha: string; since: Date },
): Promise<number | null> {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    owner: repo.owner,
    repo: repo.repo,
    workflow_id: workflowFile,
    event: 'workflow_dispatch',
    branch: run.ref,
    head_sha: run.headSha,
    created: `>=${run.since.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    per_page: 1,
  });
  return data.workflow_runs[0]?.id ?? null;
}

/** `error` is plain text, like every message here: escape it wherever it is rendered as Markdown. */
export type DispatchResult = { ok: true } | { ok: false; status: number; error: string };

/**
 * Starts the evaluation workflow (`workflowFile`, a file name in .github/workflows) on `ref`,
 * a branch or tag of the repository (GitHub does not dispatch on a bare commit). What the
 * user can fix becomes an error to show them: a missing workflow or one without a
 * `workflow_dispatch` trigger (404, 422; 422 also covers an unknown ref or undeclared
 * inputs, so GitHub's own message is kept) and a missing Actions permission (403).
 * Anything else is thrown.
 */
export async function dispatchEvaluation(
  octokit: DispatchClient,
  repo: RepoRef,
  workflowFile: string,
  ref: string,
  inputs: Record<string, string>,
): Promise<DispatchResult> {
  try {
    await octokit.rest.actions.createWorkflowDispatch({ owner: repo.owner, repo: repo.repo, workflow_id: workflowFile, ref, inputs });
    return { ok: true };
  } catch (error) {
    const status = httpStatus(error);
    const path = `.github/workflows/${workflowFile}`;
    const said = githubMessage(error);
    const because = said ? ` (GitHub says: ${said})` : '';
    switch (status) {
      case 404:
        return {
          ok: false,
          status,
          error: `Could not start the evaluation workflow: ${path} was not found on '${ref}'. Add the workflow there, with \`on: workflow_dispatch\` among its triggers.`,
        };
      case 422: {
        const names = Object.keys(inputs).join(', ');
        return {
          ok: false,
          status,
          error:
            `Could not start the evaluation workflow ${path} on '${ref}'${because}. ` +
            `Make sure ${path} has \`on: workflow_dispatch\` among its triggers${names ? `, declaring the inputs ${names}` : ''}.`,
        };
      }
      case 403:
        return {
          ok: false,
          status,
          error: `Could not start the evaluation workflow ${path}${because}. The modelgate App needs the "Actions: write" permission on this repository.`,
        };
      default:
        throw error;
    }
  }
}

/** GitHub's `message` from an error response, on one line and bounded. */
function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const message = typeof data === 'object' && data !== null && 'message' in data ? (data as { message: unknown }).message : null;
  return typeof message === 'string' ? message.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
}
