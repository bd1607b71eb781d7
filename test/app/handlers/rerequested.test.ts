import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { ACCURACY_GATE, metricsCard } from '../../helpers/cards.js';
import { BASE_SHA, example, HEAD_SHA, REPO_ID, deliveryExternalId } from '../../helpers/payloads.js';
import { APP_ID, type TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const REPO = 'Codertocat/Hello-World';
const card = (name: string) => readFileSync(new URL(`../../fixtures/github/cards/${name}`, import.meta.url), 'utf8');
const C = encodeURIComponent;

let app: TestApp;
let github: FakeGitHub;

useTestApp((a, g) => {
  app = a;
  github = g;
});

const receive = (name: string, payload: unknown) => app.receive(name, payload);

/** The check_run.rerequested example, moved onto our repository and made ours. */
function checkRunRerequested(overrides: { name?: string; appId?: number; externalId?: string | null; pullRequests?: unknown[] } = {}): any {
  const payload = example('check_run', 'rerequested');
  const suite = example('check_suite', 'rerequested');
  payload.repository = suite.repository;
  payload.installation = { id: 1, node_id: 'x' };
  payload.organization = undefined;
  const run = payload.check_run;
  run.name = overrides.name ?? 'modelgate / model cards';
  run.app.id = overrides.appId ?? APP_ID;
  run.head_sha = HEAD_SHA;
  run.external_id = overrides.externalId === undefined ? 'pull/2' : overrides.externalId;
  run.pull_requests = overrides.pullRequests ?? [];
  return payload;
}

function checkSuiteRerequested(overrides: { appId?: number; pullRequests?: unknown[] } = {}): any {
  const payload = example('check_suite', 'rerequested');
  payload.installation = { id: 1, node_id: 'x' };
  payload.check_suite.app.id = overrides.appId ?? APP_ID;
  payload.check_suite.head_sha = HEAD_SHA;
  if (overrides.pullRequests) payload.check_suite.pull_requests = overrides.pullRequests;
  else payload.check_suite.pull_requests[0].head.sha = HEAD_SHA;
  return payload;
}

/** A pull request as GET /pulls/{n} and GET /commits/{sha}/pulls return it. */
const restPull = (number: number, headOwner: string, sha = HEAD_SHA, state = 'open') => ({
  number,
  state,
  changed_files: 1,
  head: { sha, ref: 'changes', repo: { name: 'Hello-World', owner: { login: headOwner } } },
  base: { ref: 'master', sha: BASE_SHA, repo: { id: REPO_ID, name: 'Hello-World', owner: { login: 'Codertocat' } } },
});

/** The calls of one full card check of PR #2 with one valid card, read from `cardRepo`. */
function expectOneCardCheck(cardRepo = REPO): FakeGitHub {
  return github
    .createCheck(REPO)
    .config(REPO, 'master', null)
    .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }])
    .file(cardRepo, 'models/a/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
    .updateCheck(REPO);
}

describe('check_run.rerequested', () => {
  test('our check run: finds the PR from external_id (fork PRs too) and checks it again', async () => {
    github.token().pull(REPO, 2, restPull(2, 'someone'));
    expectOneCardCheck('someone/Hello-World');

    await receive('check_run', checkRunRerequested());

    expect(github.summary).toEqual([
      'POST /app/installations/1/access_tokens',
      `GET /repos/${REPO}/pulls/2`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/contents/.github${C('/')}modelgate.yml?ref=master`,
      `GET /repos/${REPO}/pulls/2/files?per_page=100&page=1`,
      `GET /repos/someone/Hello-World/contents/models${C('/')}a${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `PATCH /repos/${REPO}/check-runs/77`,
    ]);
    expect(github.checkCreates[0]).toMatchObject({ name: 'modelgate / model cards', head_sha: HEAD_SHA, status: 'in_progress', external_id: deliveryExternalId('cards') });
    expect(github.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: '1 model card valid' } });
  });

  test('"Re-run" on our evaluation check: the PR is reviewed again, cards and metric diff (comment updated in place)', async () => {
    await app.store.setCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment', commentId: 555 });
    const CARD = 'models/sentiment/README.md';
    github
      .token()
      .pull(REPO, 2, restPull(2, 'Codertocat'))
      .createCheck(REPO)
      .config(REPO, 'master', ACCURACY_GATE)
      .files(REPO, 2, [{ filename: CARD }])
      .file(REPO, CARD, HEAD_SHA, metricsCard({ accuracy: 0.85, f1: 0.9 }))
      .updateCheck(REPO)
      .file(REPO, CARD, BASE_SHA, metricsCard({ accuracy: 0.91, f1: 0.88 }))
      .createCheck(REPO, 88, 'modelgate / evaluation')
      .updateComment(REPO, 555)
      .updateCheck(REPO, 88);

    await receive('check_run', checkRunRerequested({ name: 'modelgate / evaluation' }));

    expect(github.summary.slice(-4)).toEqual([
      `GET /repos/${REPO}/contents/models${C('/')}sentiment${C('/')}README.md?ref=${BASE_SHA}`,
      `POST /repos/${REPO}/check-runs`,
      `PATCH /repos/${REPO}/issues/comments/555`,
      `PATCH /repos/${REPO}/check-runs/88`,
    ]);
    expect(github.checkUpdates[1]).toMatchObject({ conclusion: 'failure', output: { title: '1 of 1 metric gate failed (sentiment)' } });
  });

  test("another check run's name: ignored, no API call at all", async () => {
    await receive('check_run', checkRunRerequested({ name: 'lint' }));
    expect(github.calls).toEqual([]);
  });

  test("another App's check run with our name: ignored, no API call at all", async () => {
    await receive('check_run', checkRunRerequested({ appId: 999 }));
    expect(github.calls).toEqual([]);
  });

  test('without external_id and with no listed PR (a fork): looks the PR up by head SHA', async () => {
    github.token().pullsForCommit(REPO, HEAD_SHA, [restPull(2, 'someone'), restPull(5, 'Codertocat', 'older-sha')]);
    expectOneCardCheck('someone/Hello-World');

    await receive('check_run', checkRunRerequested({ externalId: null }));

    expect(github.summary[1]).toBe(`GET /repos/${REPO}/commits/${HEAD_SHA}/pulls?per_page=100`);
    expect(github.checkCreates).toHaveLength(1);
  });

  test('a re-run on a commit that is no longer the PR head does nothing after the lookup', async () => {
    github.token().pull(REPO, 2, restPull(2, 'Codertocat', 'newer-sha'));
    await receive('check_run', checkRunRerequested());
    expect(github.summary).toEqual(['POST /app/installations/1/access_tokens', `GET /repos/${REPO}/pulls/2`]);
  });

  test('a closed PR is not checked again', async () => {
    github.token().pull(REPO, 2, restPull(2, 'Codertocat', HEAD_SHA, 'closed'));
    await receive('check_run', checkRunRerequested());
    expect(github.checkCreates).toEqual([]);
  });
});

describe('check_suite.rerequested', () => {
  test('PR listed in the suite: no lookup, cards read from this repository', async () => {
    github.token();
    expectOneCardCheck();

    await receive('check_suite', checkSuiteRerequested());

    expect(github.summary).toEqual([
      'POST /app/installations/1/access_tokens',
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/contents/.github${C('/')}modelgate.yml?ref=master`,
      `GET /repos/${REPO}/pulls/2/files?per_page=100&page=1`,
      `GET /repos/${REPO}/contents/models${C('/')}a${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `PATCH /repos/${REPO}/check-runs/77`,
    ]);
    expect(github.checkCreates[0]).toMatchObject({ head_sha: HEAD_SHA, external_id: deliveryExternalId('cards') });
  });

  test('fork PR (GitHub lists none): one lookup by head SHA, then the fork is read', async () => {
    github.token().pullsForCommit(REPO, HEAD_SHA, [restPull(2, 'someone')]);
    expectOneCardCheck('someone/Hello-World');

    await receive('check_suite', checkSuiteRerequested({ pullRequests: [] }));

    expect(github.summary[1]).toBe(`GET /repos/${REPO}/commits/${HEAD_SHA}/pulls?per_page=100`);
    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'success' });
  });

  test('no open PR with this head: the lookup only, no check run', async () => {
    github.token().pullsForCommit(REPO, HEAD_SHA, []);
    await receive('check_suite', checkSuiteRerequested({ pullRequests: [] }));
    expect(github.summary).toEqual(['POST /app/installations/1/access_tokens', `GET /repos/${REPO}/commits/${HEAD_SHA}/pulls?per_page=100`]);
  });

  test("another App's suite: ignored, no API call at all", async () => {
    await receive('check_suite', checkSuiteRerequested({ appId: 29310 }));
    expect(github.calls).toEqual([]);
  });
});
