import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { findOwnReply } from '../../src/github/replies.js';
import type { CommentsApi } from '../../src/github/sticky-comment.js';
import { useNock } from '../helpers/nock.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';

const SINCE = '2026-01-02T03:04:05Z';
const where = { owner: 'acme', repo: 'models', issue_number: 12, author: { appId: 123 }, since: SINCE };
const comment = (id: number, body: string, appId: number | null) => ({ id, body, user: { login: appId ? 'modelgate[bot]' : 'mallory' }, performed_via_github_app: appId ? { id: appId } : null });
const page = (n: number) => ({ since: SINCE, per_page: '100', page: String(n) });

describe('findOwnReply', () => {
  useNock();

  test('our comment with exactly this body, among those since the command; others with the same words do not count', async () => {
    const scope = nock(API)
      .get('/repos/acme/models/issues/12/comments')
      .query(page(1))
      .reply(200, [comment(1, 'Hello', null), comment(2, 'Hello', 999), comment(3, 'Hello!', 123), comment(4, 'Hello', 123)]);
    await expect(findOwnReply(restOctokit() as unknown as CommentsApi, where, 'Hello')).resolves.toBe(4);
    scope.done();
  });

  test('pages on while a page is full; null when none is ours', async () => {
    nock(API)
      .get('/repos/acme/models/issues/12/comments')
      .query(page(1))
      .reply(200, Array.from({ length: 100 }, (_, i) => comment(10 + i, 'Hello', null)))
      .get('/repos/acme/models/issues/12/comments')
      .query(page(2))
      .reply(200, [comment(200, 'Bye', 123)]);
    await expect(findOwnReply(restOctokit() as unknown as CommentsApi, where, 'Hello')).resolves.toBeNull();
  });
});
