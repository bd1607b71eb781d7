import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { externalIdFor, findCheckRun, pullNumberFrom, rereportCheckRun, type CheckLookupClient, type ChecksClient } from '../../src/github/check-runs.js';
import { useNock } from '../helpers/nock.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';

const SHA = 'c'.repeat(40);
const NAME = 'modelgate / model cards';
const EXTERNAL = 'pull/7 delivery=d-1 step=cards';
const repo = { owner: 'acme', repo: 'models' };
const octokit = () => restOctokit() as unknown as CheckLookupClient & ChecksClient;
const run = (id: number, externalId: string | null, appId = 123) => ({ id, name: NAME, head_sha: SHA, external_id: externalId, app: { id: appId } });
const page = (n: number) => ({ check_name: NAME, filter: 'all', per_page: '100', page: String(n) });

describe('externalIdFor / pullNumberFrom', () => {
  test('a delivery-made check run names its PR, delivery and step; both forms give the PR back', () => {
    expect(externalIdFor(7)).toBe('pull/7');
    expect(externalIdFor(7, { delivery: 'd-1', step: 'cards' })).toBe(EXTERNAL);
    expect(pullNumberFrom('pull/7')).toBe(7);
    expect(pullNumberFrom(EXTERNAL)).toBe(7);
    expect(pullNumberFrom('pull/7x')).toBeNull();
    expect(pullNumberFrom('pulls/7')).toBeNull();
    expect(pullNumberFrom(null)).toBeNull();
  });
});

describe('findCheckRun', () => {
  useNock();

  test('one listing of the runs of that name on the commit; the one with our external id (and App) wins', async () => {
    const scope = nock(API)
      .get(`/repos/acme/models/commits/${SHA}/check-runs`)
      .query(page(1))
      .reply(200, { total_count: 4, check_runs: [run(1, 'pull/7'), run(2, EXTERNAL, 999), run(3, EXTERNAL), run(4, null)] });
    await expect(findCheckRun(octokit(), repo, { name: NAME, headSha: SHA, externalId: EXTERNAL, appId: 123 })).resolves.toBe(3);
    scope.done();
  });

  test('without an App id, the external id alone decides', async () => {
    nock(API).get(`/repos/acme/models/commits/${SHA}/check-runs`).query(page(1)).reply(200, { total_count: 1, check_runs: [run(2, EXTERNAL, 999)] });
    await expect(findCheckRun(octokit(), repo, { name: NAME, headSha: SHA, externalId: EXTERNAL })).resolves.toBe(2);
  });

  test('pages on while a page is full; null when no page has it', async () => {
    const full = Array.from({ length: 100 }, (_, i) => run(100 + i, `pull/7 delivery=other-${i} step=cards`));
    nock(API)
      .get(`/repos/acme/models/commits/${SHA}/check-runs`)
      .query(page(1))
      .reply(200, { total_count: 130, check_runs: full })
      .get(`/repos/acme/models/commits/${SHA}/check-runs`)
      .query(page(2))
      .reply(200, { total_count: 130, check_runs: [run(5, 'pull/8')] });
    await expect(findCheckRun(octokit(), repo, { name: NAME, headSha: SHA, externalId: EXTERNAL })).resolves.toBeNull();
  });
});

describe('rereportCheckRun', () => {
  useNock();

  test('gives an existing check run the completed report, with its details link: one PATCH', async () => {
    let body: unknown;
    nock(API)
      .patch('/repos/acme/models/check-runs/5', (b) => ((body = b), true))
      .reply(200, {});
    await rereportCheckRun(octokit(), repo, 5, { detailsUrl: 'https://github.com/acme/models/actions/runs/1' }, { status: 'completed', conclusion: 'failure', title: 'T', summary: 'S' });
    expect(body).toEqual({
      details_url: 'https://github.com/acme/models/actions/runs/1',
      status: 'completed',
      conclusion: 'failure',
      completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      output: { title: 'T', summary: 'S' },
    });
  });
});
