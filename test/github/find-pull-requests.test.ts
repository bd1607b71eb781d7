import { describe, expect, jest, test } from '@jest/globals';
import { getOpenPullRequest, openPullRequestsWithHead, type PullRequestsClient } from '../../src/github/find-pull-requests.js';
import { httpError } from '../helpers/http-error.js';
import { type LooseMethod, fakeClient } from '../helpers/fake-client.js';

type Get = LooseMethod;
type List = LooseMethod;
const repo = { owner: 'octo', repo: 'models' };
const pr = (number: number, sha: string, state = 'open') => ({
  number,
  state,
  head: { sha, repo: { name: 'models-fork', owner: { login: 'someone' } } },
  changed_files: 3,
});

function client(get: Get, list: List) {
  const octokit = fakeClient<PullRequestsClient>({ pulls: { get }, repos: { listPullRequestsAssociatedWithCommit: list } });
  return octokit;
}

describe('getOpenPullRequest', () => {
  test('returns an open pull request', async () => {
    const get = jest.fn<Get>().mockResolvedValue({ data: pr(7, 'h1') });
    await expect(getOpenPullRequest(client(get, jest.fn<List>()), repo, 7)).resolves.toEqual(pr(7, 'h1'));
    expect(get.mock.calls).toEqual([[{ owner: 'octo', repo: 'models', pull_number: 7 }]]);
  });

  test('a closed or deleted pull request is null', async () => {
    await expect(getOpenPullRequest(client(jest.fn<Get>().mockResolvedValue({ data: pr(7, 'h1', 'closed') }), jest.fn<List>()), repo, 7)).resolves.toBeNull();
    await expect(getOpenPullRequest(client(jest.fn<Get>().mockRejectedValue(httpError(404)), jest.fn<List>()), repo, 7)).resolves.toBeNull();
  });
});

describe('openPullRequestsWithHead', () => {
  test('one lookup by commit; keeps open PRs headed by exactly that commit', async () => {
    const list = jest.fn<List>().mockResolvedValue({ data: [pr(1, 'h1'), pr(2, 'h1', 'closed'), pr(3, 'other'), pr(4, 'h1')] });
    const found = await openPullRequestsWithHead(client(jest.fn<Get>(), list), repo, 'h1');
    expect(found.map((p) => p.number)).toEqual([1, 4]);
    expect(list.mock.calls).toEqual([[{ owner: 'octo', repo: 'models', commit_sha: 'h1', per_page: 100 }]]);
  });
});
