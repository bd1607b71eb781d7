import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { createCheckRunOnce, type OwnChecksClient } from '../../src/app/flows/check-run-once.js';
import { replyOnce } from '../../src/app/flows/reply.js';
import { startEvaluation } from '../../src/app/flows/start-evaluation.js';
import type { DispatchClient, DispatchLookupClient } from '../../src/github/dispatch.js';
import { freshJournal, journaled, openJournal } from '../../src/app/journal.js';
import type { AppAuthClient } from '../../src/github/app-id.js';
import type { CommentsApi } from '../../src/github/sticky-comment.js';
import type { Store } from '../../src/store/index.js';
import { useNock } from '../helpers/nock.js';
import { memoryStore } from '../helpers/probot.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';

const SHA = 'd'.repeat(40);
const repo = { owner: 'acme', repo: 'models' };
const CARDS = { name: 'modelgate / model cards', headSha: SHA, pull: 7, purpose: 'cards' };
const LOOKUP = { check_name: 'modelgate / model cards', filter: 'all', per_page: '100', page: '1' };

const BEGUN = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
let store: Store;
const open = (deliveryId: string) => openJournal(store, deliveryId, () => new Date(BEGUN * 1000 + 678));
beforeEach(async () => {
  store = await memoryStore();
});
afterEach(() => store.close());

/** A counter of `act` and `find` calls around fixed answers. */
function effect(made: number, found: number | null) {
  const calls: string[] = [];
  return {
    calls,
    act: async () => (calls.push('act'), made),
    find: async () => (calls.push('find'), found),
  };
}

describe('openJournal and journaled', () => {
  test('a first attempt acts and records, without looking; a later attempt recalls without acting', async () => {
    const first = await open('d-1');
    expect(first.resumed).toBe(false);
    const e = effect(41, 99);
    await expect(journaled(first, 'step', e)).resolves.toEqual({ value: 41, again: false });
    expect(e.calls).toEqual(['act']);

    const second = await open('d-1');
    expect(second.resumed).toBe(true);
    expect(second.begunAt).toEqual(new Date(BEGUN * 1000));
    const again = effect(42, 99);
    await expect(journaled(second, 'step', again)).resolves.toEqual({ value: 41, again: true });
    expect(again.calls).toEqual([]);
    expect(await store.deliverySteps('d-1')).toEqual(new Map([['begun', BEGUN], ['step', 41]]));
  });

  test('a resumed delivery without a record looks first: what it finds is recorded, else it acts', async () => {
    await open('d-2');
    const resumed = await open('d-2');
    const found = effect(1, 77);
    await expect(journaled(resumed, 'a', found)).resolves.toEqual({ value: 77, again: true });
    const missing = effect(5, null);
    await expect(journaled(resumed, 'b', missing)).resolves.toEqual({ value: 5, again: false });
    expect([found.calls, missing.calls]).toEqual([['find'], ['find', 'act']]);
    expect(await store.deliverySteps('d-2')).toEqual(new Map([['begun', BEGUN], ['a', 77], ['b', 5]]));
  });

  test('a failed act records nothing, so the retry acts again', async () => {
    const journal = await open('d-3');
    await expect(journaled(journal, 'x', { act: () => Promise.reject(new Error('GitHub is down')) })).rejects.toThrow('GitHub is down');
    expect(journal.recalled('x')).toBeNull();
  });

  test('outside a delivery: no delivery, never resumed, remembered only in memory', async () => {
    const journal = freshJournal();
    expect([journal.deliveryId, journal.resumed, journal.begunAt]).toEqual([null, false, null]);
    const e = effect(3, 4);
    await journaled(journal, 's', e);
    await expect(journaled(journal, 's', e)).resolves.toEqual({ value: 3, again: true });
    expect(e.calls).toEqual(['act']);
  });
});

describe('createCheckRunOnce', () => {
  useNock();
  const octokit = () => restOctokit() as unknown as OwnChecksClient;

  test('first attempt: created with the delivery\'s external id, no lookup', async () => {
    const externalIds: string[] = [];
    const journal = await open('d-4');
    await expect(createCheckRunOnce(octokit(), journal, repo, CARDS, async (id) => (externalIds.push(id), 501))).resolves.toEqual({ id: 501, again: false });
    expect(externalIds).toEqual(['pull/7 delivery=d-4 step=cards']);
    expect(journal.recalled('check-run/cards/pull/7')).toBe(501);
  });

  test('resumed without a record: one lookup by name and external id finds it, and nothing is created', async () => {
    await open('d-5');
    const scope = nock(API)
      .get(`/repos/acme/models/commits/${SHA}/check-runs`)
      .query(LOOKUP)
      .reply(200, { total_count: 2, check_runs: [{ id: 600, external_id: 'pull/7 delivery=other step=cards' }, { id: 601, external_id: 'pull/7 delivery=d-5 step=cards' }] });
    const resumed = await open('d-5');
    await expect(createCheckRunOnce(octokit(), resumed, repo, CARDS, () => Promise.reject(new Error('must not create')))).resolves.toEqual({ id: 601, again: true });
    scope.done();
    expect(await store.deliverySteps('d-5')).toEqual(new Map([['begun', BEGUN], ['check-run/cards/pull/7', 601]]));
  });

  test('resumed, and GitHub has none (the crash came before the create): created once', async () => {
    await open('d-6');
    nock(API).get(`/repos/acme/models/commits/${SHA}/check-runs`).query(LOOKUP).reply(200, { total_count: 0, check_runs: [] });
    const resumed = await open('d-6');
    await expect(createCheckRunOnce(octokit(), resumed, repo, CARDS, async () => 700)).resolves.toEqual({ id: 700, again: false });
  });
});

describe('replyOnce', () => {
  useNock();
  const octokit = () => Object.assign(restOctokit(), { auth: async () => ({ appId: 123 }) }) as unknown as CommentsApi & AppAuthClient;
  const where = { owner: 'acme', repo: 'models', issue_number: 12, since: '2026-01-02T03:04:05Z' };

  test('first attempt: one POST per reply, each recorded; a retry posts none of them again', async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post('/repos/acme/models/issues/12/comments', (b) => (bodies.push(b), true))
      .reply(201, { id: 801 })
      .post('/repos/acme/models/issues/12/comments', (b) => (bodies.push(b), true))
      .reply(201, { id: 802 });
    const reply = replyOnce(octokit(), await open('d-7'), where);
    await expect(reply('one')).resolves.toBe(801);
    await expect(reply('two')).resolves.toBe(802);
    expect(bodies).toEqual([{ body: 'one' }, { body: 'two' }]);

    const retry = replyOnce(octokit(), await open('d-7'), where);
    await expect(retry('one')).resolves.toBe(801);
    await expect(retry('two')).resolves.toBe(802);
  });

  test('resumed without a record: our reply with that body since the command is found; no second POST', async () => {
    await open('d-8');
    const scope = nock(API)
      .get('/repos/acme/models/issues/12/comments')
      .query({ since: where.since, per_page: '100', page: '1' })
      .reply(200, [{ id: 900, body: 'Sorry', user: { login: 'modelgate[bot]' }, performed_via_github_app: { id: 123 } }]);
    const reply = replyOnce(octokit(), await open('d-8'), where);
    await expect(reply('Sorry')).resolves.toBe(900);
    scope.done();
  });
});

describe('startEvaluation, once per delivery', () => {
  useNock();
  const octokit = () => restOctokit() as unknown as DispatchClient & DispatchLookupClient;
  const pr = { base: repo, number: 7, headRef: 'feature', headSha: SHA, sameRepository: true };
  const DISPATCH = '/repos/acme/models/actions/workflows/evaluate.yml/dispatches';
  const RUNS = '/repos/acme/models/actions/workflows/evaluate.yml/runs';
  // A minute before the delivery began, for clock skew.
  const LOOKUP = { event: 'workflow_dispatch', branch: 'feature', head_sha: SHA, created: '>=2026-01-02T03:03:05Z', per_page: '1' };

  test('first attempt: one dispatch, recorded, no lookup; the retry dispatches nothing', async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post(DISPATCH, (b) => (bodies.push(b), true))
      .reply(204);
    await expect(startEvaluation(octokit(), pr, 'evaluate.yml', null, await open('e-1'))).resolves.toEqual({ started: true });
    expect(bodies).toEqual([{ ref: 'feature', inputs: { model: '', pr: '7', sha: SHA } }]);
    await expect(startEvaluation(octokit(), pr, 'evaluate.yml', null, await open('e-1'))).resolves.toEqual({ started: true });
  });

  test('resumed without a record: a run dispatched since the delivery began means it went through', async () => {
    await open('e-2');
    const scope = nock(API).get(RUNS).query(LOOKUP).reply(200, { total_count: 1, workflow_runs: [{ id: 4444 }] });
    await expect(startEvaluation(octokit(), pr, 'evaluate.yml', null, await open('e-2'))).resolves.toEqual({ started: true });
    scope.done();
    expect((await store.deliverySteps('e-2')).get('dispatch/pull/7')).toBe(4444);
  });

  test('resumed, no such run: dispatched; a refused dispatch is not recorded', async () => {
    await open('e-3');
    nock(API)
      .get(RUNS)
      .query(LOOKUP)
      .reply(200, { total_count: 0, workflow_runs: [] })
      .post(DISPATCH)
      .reply(404, { message: 'Not Found' });
    await expect(startEvaluation(octokit(), pr, 'evaluate.yml', null, await open('e-3'))).resolves.toMatchObject({ started: false, reason: 'dispatch failed' });
    expect((await store.deliverySteps('e-3')).has('dispatch/pull/7')).toBe(false);
  });
});
