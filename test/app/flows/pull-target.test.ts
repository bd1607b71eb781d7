import { describe, expect, test } from '@jest/globals';
import { pullTarget } from '../../../src/app/flows/pull-target.js';
import { BASE_SHA, forkPullRequestEvent, HEAD_SHA, pullRequestEvent } from '../../helpers/payloads.js';

describe('pullTarget', () => {
  test('a same-repository pull_request event', () => {
    const { repository, pull_request } = pullRequestEvent('opened', 4);
    expect(pullTarget(repository, pull_request)).toEqual({
      base: { owner: 'Codertocat', repo: 'Hello-World' },
      repoId: 186853002,
      defaultBranch: 'master',
      number: 2,
      headSha: HEAD_SHA,
      headRepo: { owner: 'Codertocat', repo: 'Hello-World' },
      changedFiles: 4,
      baseRef: 'master',
      baseSha: BASE_SHA,
    });
  });

  test('a fork pull_request event reads from the fork', () => {
    const { repository, pull_request } = forkPullRequestEvent(1);
    expect(pullTarget(repository, pull_request).headRepo).toEqual({ owner: 'someone', repo: 'Hello-World' });
  });

  test('a deleted fork, an unknown file count and no base commit', () => {
    const repository = { id: 7, name: 'r', owner: { login: 'o' }, default_branch: 'main' };
    expect(pullTarget(repository, { number: 9, head: { sha: 's', repo: null } })).toEqual({
      base: { owner: 'o', repo: 'r' },
      repoId: 7,
      defaultBranch: 'main',
      number: 9,
      headSha: 's',
      headRepo: null,
      changedFiles: null,
      baseRef: null,
      baseSha: null,
    });
  });
});
