import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { acknowledge } from '../../src/github/reactions.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';
import { useNock } from '../helpers/nock.js';

const repo = { owner: 'acme', repo: 'models' };
const reaction = { id: 1, content: 'eyes', user: { login: 'modelgate[bot]' } };

describe('acknowledge', () => {
  useNock();

  it('adds 👀 to the comment', async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post('/repos/acme/models/issues/comments/42/reactions', (body) => bodies.push(body) > 0)
      .reply(201, reaction);
    await expect(acknowledge(restOctokit(), repo, 42)).resolves.toBe(true);
    expect(bodies).toEqual([{ content: 'eyes' }]);
  });

  it('is fine with a reaction that is already there', async () => {
    nock(API).post('/repos/acme/models/issues/comments/42/reactions', { content: 'eyes' }).reply(200, reaction);
    await expect(acknowledge(restOctokit(), repo, 42)).resolves.toBe(true);
  });

  it('returns false when the comment is gone or reactions are not allowed', async () => {
    nock(API)
      .post('/repos/acme/models/issues/comments/42/reactions', { content: 'eyes' })
      .reply(404, { message: 'Not Found' })
      .post('/repos/acme/models/issues/comments/43/reactions', { content: 'eyes' })
      .reply(403, { message: 'Unable to create reaction because issue is locked.' });
    await expect(acknowledge(restOctokit(), repo, 42)).resolves.toBe(false);
    await expect(acknowledge(restOctokit(), repo, 43)).resolves.toBe(false);
  });

  it('does not swallow server errors', async () => {
    nock(API).post('/repos/acme/models/issues/comments/42/reactions').reply(500, { message: 'boom' });
    const octokit = restOctokit();
    await expect(acknowledge(octokit, repo, 42)).rejects.toMatchObject({ status: 500 });
  });
});
