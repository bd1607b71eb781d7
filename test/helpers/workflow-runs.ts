import { createRequire } from 'node:module';

interface Definition {
  name: string;
  examples: Array<Record<string, any>>;
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

export const RUN_HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
export const BASE_REPO_ID = 186853002;
export const FORK_REPO_ID = 999;

/**
 * A `workflow_run.completed` event from @octokit/webhooks-examples (the one whose run lists a
 * pull request), made over as a pull_request run of Codertocat/Hello-World (installation 1):
 * PR #2, head branch `changes` at RUN_HEAD_SHA in the same repository.
 */
export function workflowRunEvent(): any {
  const found = definitions
    .find((d) => d.name === 'workflow_run')
    ?.examples.find((e) => e['action'] === 'completed' && e['workflow_run'].pull_requests.length > 0);
  if (!found) throw new Error('No workflow_run.completed example with a pull request');
  const payload = structuredClone(found);
  const run = payload['workflow_run'];
  const base = { ...run.repository, id: BASE_REPO_ID, name: 'Hello-World', full_name: 'Codertocat/Hello-World', owner: { ...run.repository.owner, login: 'Codertocat' } };
  // The event's own repository is the full object (with the default branch); the run's is a summary.
  payload['repository'] = { ...base, default_branch: 'master' };
  payload['installation'] = { id: 1, node_id: 'x' };
  run.event = 'pull_request';
  run.head_sha = RUN_HEAD_SHA;
  run.head_branch = 'changes';
  run.repository = base;
  run.head_repository = base;
  return payload;
}

/** The same run for a fork PR (someone/Hello-World, branch `changes`): GitHub lists no PRs. */
export function forkWorkflowRunEvent(): any {
  const payload = workflowRunEvent();
  const run = payload.workflow_run;
  run.pull_requests = [];
  run.head_repository = { ...run.repository, id: FORK_REPO_ID, full_name: 'someone/Hello-World', owner: { ...run.repository.owner, login: 'someone', id: 4 } };
  return payload;
}
