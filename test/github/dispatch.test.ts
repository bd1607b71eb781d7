import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { dispatchEvaluation, findDispatchedRun } from '../../src/github/dispatch.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';
import { useNock } from '../helpers/nock.js';

const repo = { owner: 'acme', repo: 'models' };
const inputs = { pr: '7', sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', model: 'sentiment' };
const path = '/repos/acme/models/actions/workflows/evaluate.yml/dispatches';

describe('dispatchEvaluation', () => {
  useNock();

  it('dispatches the workflow on the ref with the inputs', async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post(path, (body) => bodies.push(body) > 0)
      .reply(204);
    await expect(dispatchEvaluation(restOctokit(), repo, 'evaluate.yml', 'main', inputs)).resolves.toEqual({ ok: true });
    expect(bodies).toEqual([{ ref: 'main', inputs }]);
  });

  it('a missing workflow tells the user to add one with workflow_dispatch', async () => {
    nock(API).post(path).reply(404, { message: 'Not Found' });
    await expect(dispatchEvaluation(restOctokit(), repo, 'evaluate.yml', 'main', inputs)).resolves.toEqual({
      ok: false,
      status: 404,
      error:
        "Could not start the evaluation workflow: .github/workflows/evaluate.yml was not found on 'main'. " +
        'Add the workflow there, with `on: workflow_dispatch` among its triggers.',
    });
  });

  it('a workflow without workflow_dispatch tells the user to add the trigger and the inputs', async () => {
    nock(API).post(path).reply(422, { message: "Workflow does not have 'workflow_dispatch' trigger", documentation_url: 'https://docs.github.com' });
    await expect(dispatchEvaluation(restOctokit(), repo, 'evaluate.yml', 'main', inputs)).resolves.toEqual({
      ok: false,
      status: 422,
      error:
        "Could not start the evaluation workflow .github/workflows/evaluate.yml on 'main' (GitHub says: Workflow does not have 'workflow_dispatch' trigger). " +
        'Make sure .github/workflows/evaluate.yml has `on: workflow_dispatch` among its triggers, declaring the inputs pr, sha, model.',
    });
  });

  it('a missing Actions permission says which permission', async () => {
    nock(API).post(path).reply(403, { message: 'Resource not accessible by integration' });
    await expect(dispatchEvaluation(restOctokit(), repo, 'evaluate.yml', 'main', {})).resolves.toEqual({
      ok: false,
      status: 403,
      error:
        'Could not start the evaluation workflow .github/workflows/evaluate.yml (GitHub says: Resource not accessible by integration). ' +
        'The modelgate App needs the "Actions: write" permission on this repository.',
    });
  });

  it('a 422 without inputs says so plainly', async () => {
    nock(API).post(path, { ref: 'v1.2', inputs: {} }).reply(422, { message: 'No ref found for: v1.2' });
    await expect(dispatchEvaluation(restOctokit(), repo, 'evaluate.yml', 'v1.2', {})).resolves.toEqual({
      ok: false,
      status: 422,
      error:
        "Could not start the evaluation workflow .github/workflows/evaluate.yml on 'v1.2' (GitHub says: No ref found for: v1.2). " +
        'Make sure .github/workflows/evaluate.yml has `on: workflow_dispatch` among its triggers.',
    });
  });

  it('throws anything else', async () => {
    nock(API).post(path).reply(500, { message: 'boom' });
    await expect(dispatchEvaluation(restOctokit(), repo, 'evaluate.yml', 'main', inputs)).rejects.toMatchObject({ status: 500 });
  });
});

describe('findDispatchedRun', () => {
  useNock();
  const runs = '/repos/acme/models/actions/workflows/evaluate.yml/runs';
  const query = { event: 'workflow_dispatch', branch: 'feature', head_sha: inputs.sha, created: '>=2026-01-02T03:04:05Z', per_page: '1' };

  it('one listing of the workflow\'s dispatched runs on the branch and commit since then: the newest', async () => {
    const scope = nock(API).get(runs).query(query).reply(200, { total_count: 2, workflow_runs: [{ id: 31 }, { id: 30 }] });
    await expect(findDispatchedRun(restOctokit(), repo, 'evaluate.yml', { ref: 'feature', headSha: inputs.sha, since: new Date('2026-01-02T03:04:05.678Z') })).resolves.toBe(31);
    scope.done();
  });

  it('none yet: null', async () => {
    nock(API).get(runs).query(query).reply(200, { total_count: 0, workflow_runs: [] });
    await expect(findDispatchedRun(restOctokit(), repo, 'evaluate.yml', { ref: 'feature', headSha: inputs.sha, since: new Date('2026-01-02T03:04:05Z') })).resolves.toBeNull();
  });
});
