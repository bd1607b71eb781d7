import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Octokit } from '@octokit/rest';
import { upsertStickyComment, type CommentsApi } from '../../src/github/sticky-comment.js';
import { useNock } from '../helpers/nock.js';

const API = 'https://api.github.com';
const MARKER = '<!-- modelgate:metrics-diff model=sentiment -->';
const BODY = `${MARKER}\n### Metrics`;
const APP_ID = 4242;
const quiet = () => {};
const silent = { debug: quiet, info: quiet, warn: quiet, error: quiet };

const octokit = () => new Octokit({ auth: 'test-token', log: silent }) as unknown as CommentsApi;

const ours = (id: number, body = `${MARKER}\nold`) => ({ id, body, user: { login: 'modelgate[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } });
const someone = (id: number, body: string) => ({ id, body, user: { login: 'mallory', type: 'User' }, performed_via_github_app: null });
const filler = (from: number, n: number) => Array.from({ length: n }, (_, i) => someone(from + i, 'LGTM'));

const target = { owner: 'acme', repo: 'models', issue_number: 7, marker: MARKER, author: { appId: APP_ID } };

describe('upsertStickyComment', () => {
  useNock();

  it('updates a known comment with exactly one call', async () => {
    const scope = nock(API)
      .patch('/repos/acme/models/issues/comments/55', (b) => b.body === BODY)
      .reply(200, ours(55, BODY));
    expect(await upsertStickyComment(octokit(), { ...target, knownId: 55 }, BODY)).toEqual({ id: 55, action: 'updated' });
    scope.done();
  });

  it('finds our comment on a later page and updates it in place', async () => {
    nock(API)
      .get('/repos/acme/models/issues/7/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, filler(1, 100))
      .get('/repos/acme/models/issues/7/comments')
      .query({ per_page: 100, page: 2 })
      .reply(200, [...filler(101, 30), ours(999)])
      .patch('/repos/acme/models/issues/comments/999', (b) => b.body === BODY)
      .reply(200, ours(999, BODY));
    expect(await upsertStickyComment(octokit(), target, BODY)).toEqual({ id: 999, action: 'updated' });
  });

  it('never hijacks a comment by someone else that contains the marker', async () => {
    nock(API)
      .get('/repos/acme/models/issues/7/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, [someone(1, `quoting: ${MARKER}`)])
      .post('/repos/acme/models/issues/7/comments', (b) => b.body === BODY)
      .reply(201, ours(2, BODY));
    expect(await upsertStickyComment(octokit(), target, BODY)).toEqual({ id: 2, action: 'created' });
  });

  it('matches a workflow token author by login', async () => {
    nock(API)
      .get('/repos/acme/models/issues/7/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, [someone(1, MARKER), { id: 3, body: MARKER, user: { login: 'github-actions[bot]' } }])
      .patch('/repos/acme/models/issues/comments/3')
      .reply(200, {});
    const result = await upsertStickyComment(octokit(), { ...target, author: { login: 'github-actions[bot]' } }, BODY);
    expect(result).toEqual({ id: 3, action: 'updated' });
  });

  it('falls back to a search when the known comment was deleted', async () => {
    nock(API)
      .patch('/repos/acme/models/issues/comments/55')
      .reply(404, { message: 'Not Found' })
      .get('/repos/acme/models/issues/7/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, [])
      .post('/repos/acme/models/issues/7/comments', (b) => b.body === BODY)
      .reply(201, ours(56, BODY));
    expect(await upsertStickyComment(octokit(), { ...target, knownId: 55 }, BODY)).toEqual({ id: 56, action: 'created' });
  });

  it('does not swallow other errors', async () => {
    nock(API).patch('/repos/acme/models/issues/comments/55').reply(403, { message: 'Resource not accessible by integration' });
    await expect(upsertStickyComment(octokit(), { ...target, knownId: 55 }, BODY)).rejects.toMatchObject({ status: 403 });
  });

  it('refuses a body without its marker', async () => {
    await expect(upsertStickyComment(octokit(), target, 'no marker')).rejects.toThrow('marker');
  });
});
