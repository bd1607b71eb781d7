import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { findPullRequestsForRun, type RunPullsClient } from '../../src/github/find-pull-for-run.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';
import { BASE_REPO_ID, FORK_REPO_ID, forkWorkflowRunEvent, RUN_HEAD_SHA, workflowRunEvent } from '../helpers/workflow-runs.js';
import { useNock } from '../helpers/nock.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const BASE_SHA = 'b'.repeat(40);
const octokit = (): RunPullsClient => restOctokit();

/** A pull request as GET /repos/{owner}/{repo}/pulls lists it (the fields that matter). */
const listed = (number: number, sha: string, headRepoId: number | null, state = 'open') => ({
  number,
  state,
  head: { ref: 'changes', sha, label: 'someone:changes', repo: headRepoId === null ? null : { id: headRepoId, full_name: 'someone/Hello-World' } },
  base: { ref: 'master', sha: BASE_SHA, repo: { id: BASE_REPO_ID, full_name: 'Codertocat/Hello-World' } },
});

describe('findPullRequestsForRun', () => {
  useNock();

  it('matches a same-repository PR from the payload, without a request', async () => {
    const { workflow_run: run } = workflowRunEvent();
    expect(await findPullRequestsForRun(octokit(), repo, run)).toEqual([{ number: 2, headSha: RUN_HEAD_SHA, headRepoId: BASE_REPO_ID, baseRef: 'master', baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e' }]);
  });

  it('does not match a payload PR whose head has moved on', async () => {
    const { workflow_run: run } = workflowRunEvent();
    run.pull_requests[0].head.sha = 'f'.repeat(40);
    expect(await findPullRequestsForRun(octokit(), repo, run)).toEqual([]);
  });

  it('finds a fork PR by fork owner and branch, checking the SHA and the head repository', async () => {
    const { workflow_run: run } = forkWorkflowRunEvent();
    nock(API)
      .get('/repos/Codertocat/Hello-World/pulls')
      .query({ state: 'open', head: 'someone:changes', per_page: 100 })
      .reply(200, [
        listed(9, RUN_HEAD_SHA, FORK_REPO_ID),
        listed(5, RUN_HEAD_SHA, FORK_REPO_ID),
        // Same commit and branch name, but another repository: not this run's PR.
        listed(6, RUN_HEAD_SHA, 12345),
        // The fork pushed again since the run started.
        listed(7, 'a'.repeat(40), FORK_REPO_ID),
        // The fork was deleted.
        listed(8, RUN_HEAD_SHA, null),
      ]);
    expect(await findPullRequestsForRun(octokit(), repo, run)).toEqual([
      { number: 5, headSha: RUN_HEAD_SHA, headRepoId: FORK_REPO_ID, baseRef: 'master', baseSha: BASE_SHA },
      { number: 9, headSha: RUN_HEAD_SHA, headRepoId: FORK_REPO_ID, baseRef: 'master', baseSha: BASE_SHA },
    ]);
  });

  it('ignores payload PRs of other repositories and looks the PR up instead', async () => {
    const { workflow_run: run } = workflowRunEvent();
    run.pull_requests[0].base.repo.id = 42;
    run.pull_requests.push(null);
    nock(API)
      .get('/repos/Codertocat/Hello-World/pulls')
      .query({ state: 'open', head: 'Codertocat:changes', per_page: 100 })
      .reply(200, [listed(3, RUN_HEAD_SHA, BASE_REPO_ID)]);
    expect(await findPullRequestsForRun(octokit(), repo, run)).toEqual([{ number: 3, headSha: RUN_HEAD_SHA, headRepoId: BASE_REPO_ID, baseRef: 'master', baseSha: BASE_SHA }]);
  });

  it('finds nothing when no open PR has the commit', async () => {
    const { workflow_run: run } = forkWorkflowRunEvent();
    nock(API).get('/repos/Codertocat/Hello-World/pulls').query({ state: 'open', head: 'someone:changes', per_page: 100 }).reply(200, []);
    expect(await findPullRequestsForRun(octokit(), repo, run)).toEqual([]);
  });

  it('finds nothing, without a request, when the fork is gone or the run has no branch', async () => {
    const gone = forkWorkflowRunEvent().workflow_run;
    gone.head_repository = null;
    expect(await findPullRequestsForRun(octokit(), repo, gone)).toEqual([]);
    const detached = forkWorkflowRunEvent().workflow_run;
    detached.head_branch = null;
    expect(await findPullRequestsForRun(octokit(), repo, detached)).toEqual([]);
  });

  it('does not swallow API errors', async () => {
    const { workflow_run: run } = forkWorkflowRunEvent();
    nock(API).get('/repos/Codertocat/Hello-World/pulls').query(true).reply(500, { message: 'boom' });
    await expect(findPullRequestsForRun(octokit(), repo, run)).rejects.toMatchObject({ status: 500 });
  });
});
