import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ACCURACY_GATE, metricsCard } from '../../helpers/cards.js';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { assertAllMocksUsed } from '../../helpers/nock.js';
import { BASE_SHA, HEAD_SHA, pullRequestEvent, REPO_ID } from '../../helpers/payloads.js';
import { APP_ID, type TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const REPO = 'Codertocat/Hello-World';
const CARD = 'models/sentiment/README.md';
const MARKER = '<!-- modelgate:metrics-diff model=sentiment -->';
const NEXT_SHA = 'a'.repeat(40);
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const C = encodeURIComponent;
const path = (p: string) => p.split('/').map(C).join(C('/'));
const validCard = () => readFileSync(new URL('../../fixtures/github/cards/valid.md', import.meta.url), 'utf8');

/** The regression the tests publish: accuracy 0.91 → 0.85 (gate: at most 0.02 worse), f1 0.88 → 0.9. */
const BASE_CARD = metricsCard({ accuracy: 0.91, f1: 0.88 });
const HEAD_CARD = metricsCard({ accuracy: 0.85, f1: 0.9 });
const ACCURACY_ROW = '| `imdb/accuracy` | 0.91 | 0.85 | -0.06 | -6.6% | — | 🔴 regressed · ❌ gate failed |';
const F1_ROW = '| `imdb/f1` | 0.88 | 0.9 | +0.02 | +2.3% | — | 🟢 improved |';
const FAILED_VERDICT = '❌ **1 of 1 metric gate failed** — compared with the baseline **base branch** (`master`, `f95f852`).';

let app: TestApp;
let github: FakeGitHub;

useTestApp((a, g) => {
  app = a;
  github = g;
});

/**
 * The card check's calls (check 77), with `config` on the default branch. A second event in
 * one test needs no token: Probot caches the installation's.
 */
function cardCheck(files: object[], cards: Record<string, string>, config: string | null = ACCURACY_GATE, sha = HEAD_SHA, token = true): FakeGitHub {
  if (token) github.token();
  github.createCheck(REPO, 77).config(REPO, 'master', config).files(REPO, 2, files as never);
  for (const [name, text] of Object.entries(cards)) github.file(REPO, name, sha, text);
  return github.updateCheck(REPO, 77);
}

/** The evaluation check (88) around `comments`. */
function evaluationCheck(comments: () => void): void {
  github.createCheck(REPO, 88, 'modelgate / evaluation');
  comments();
  github.updateCheck(REPO, 88);
}

const ourComment = (id: number, body: string) => ({ id, body, user: { login: 'modelgate[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } });

/** A later push: new head, later updated_at. */
function pushed(sha = NEXT_SHA, at = '2019-05-15T16:00:00Z'): any {
  const event = pullRequestEvent('synchronize', 1);
  event.pull_request.head.sha = sha;
  event.pull_request.updated_at = at;
  return event;
}

describe('pull_request: metric diff of a changed card with model-index results', () => {
  test('accuracy drops past max_regression: 11 calls; comment with marker, verdict and row; evaluation check fails', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.summary).toEqual([
      'POST /app/installations/1/access_tokens',
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/contents/${path('.github/modelgate.yml')}?ref=master`,
      `GET /repos/${REPO}/pulls/2/files?per_page=100&page=1`,
      `GET /repos/${REPO}/contents/${path(CARD)}?ref=${HEAD_SHA}`,
      `PATCH /repos/${REPO}/check-runs/77`,
      `GET /repos/${REPO}/contents/${path(CARD)}?ref=${BASE_SHA}`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`,
      `POST /repos/${REPO}/issues/2/comments`,
      `PATCH /repos/${REPO}/check-runs/88`,
    ]);
    const [body] = github.commentBodies;
    expect(body!.split('\n').slice(0, 2)).toEqual([MARKER, FAILED_VERDICT]);
    expect(body).toContain('- `imdb/accuracy`: regressed by 0\\.06, more than the allowed 0\\.02');
    expect(body).toContain(ACCURACY_ROW);
    expect(body).toContain(F1_ROW);

    expect(github.checkCreates).toEqual([
      expect.objectContaining({ name: 'modelgate / model cards' }),
      { name: 'modelgate / evaluation', head_sha: HEAD_SHA, status: 'in_progress', started_at: ISO, external_id: expect.stringMatching(/^pull\/2 delivery=\S+ step=evaluation$/) },
    ]);
    const evaluation = github.checkUpdates[1];
    expect(evaluation).toEqual({
      status: 'completed',
      conclusion: 'failure',
      completed_at: ISO,
      output: { title: '1 of 1 metric gate failed (sentiment)', summary: expect.any(String) },
    });
    // The summary repeats the comment's table under a heading naming the model and the card.
    expect(evaluation.output.summary).toBe(`### \`sentiment\` · \`${CARD}\`\n\n${body!.slice(MARKER.length + 1)}`);
    expect(github.checkUpdates[0].conclusion).toBe('success');
    await expect(app.store.getCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment' })).resolves.toBe(555);
  });

  test('the next push updates the same comment in place with ONE comment call (id from the store)', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555));
    await app.receive('pull_request', pullRequestEvent('opened', 1));
    assertAllMocksUsed();

    github = new FakeGitHub();
    // Accuracy recovered: the gate passes now.
    cardCheck([{ filename: CARD }], { [CARD]: metricsCard({ accuracy: 0.9, f1: 0.9 }) }, ACCURACY_GATE, NEXT_SHA, false);
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.updateComment(REPO, 555));

    await app.receive('pull_request', pushed());

    expect(github.commentCalls).toEqual([`PATCH /repos/${REPO}/issues/comments/555`]);
    // The first event's 11 calls less the cached token and the comment search.
    expect(github.calls).toHaveLength(9);
    const [body] = github.commentBodies;
    expect(body!.split('\n').slice(0, 2)).toEqual([
      MARKER,
      '✅ **The metric gate passed** — compared with the baseline **base branch** (`master`, `f95f852`).',
    ]);
    expect(body).toContain('| `imdb/accuracy` | 0.91 | 0.9 | -0.01 | -1.1% | — | 🔴 regressed · ✅ gate passed |');
    expect(github.checkCreates[1]).toMatchObject({ name: 'modelgate / evaluation', head_sha: NEXT_SHA });
    expect(github.checkUpdates[1]).toMatchObject({ conclusion: 'success', output: { title: 'The metric gate passed (sentiment)' } });
  });

  test('a remembered comment that was deleted: searched for, then created again, and the new id remembered', async () => {
    await app.store.setCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment', commentId: 41 });
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.updateComment(REPO, 41, 404).listComments(REPO, 2, []).createComment(REPO, 2, 42));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.commentCalls).toEqual([
      `PATCH /repos/${REPO}/issues/comments/41`,
      `GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`,
      `POST /repos/${REPO}/issues/2/comments`,
    ]);
    await expect(app.store.getCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment' })).resolves.toBe(42);
  });

  test('our comment found by its marker (id not remembered): updated with 2 comment calls, and its id remembered', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.listComments(REPO, 2, [ourComment(300, `${MARKER}\nold table`)]).updateComment(REPO, 300));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.commentCalls).toEqual([`GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`, `PATCH /repos/${REPO}/issues/comments/300`]);
    expect(github.commentBodies[0]).toContain(ACCURACY_ROW);
    await expect(app.store.getCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment' })).resolves.toBe(300);
  });

  test("another author's comment containing the marker is never touched: a new comment is created", async () => {
    const impostors = [
      { id: 9, body: `${MARKER}\nfake results`, user: { login: 'mallory', type: 'User' }, performed_via_github_app: null },
      { id: 10, body: MARKER, user: { login: 'other-app[bot]', type: 'Bot' }, performed_via_github_app: { id: 999 } },
    ];
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.listComments(REPO, 2, impostors).createComment(REPO, 2, 556));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.commentCalls).toEqual([`GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`, `POST /repos/${REPO}/issues/2/comments`]);
    await expect(app.store.getCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment' })).resolves.toBe(556);
  });

  test('a card without model-index: no comment and no evaluation check (the card check only)', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: validCard() });

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.calls).toHaveLength(6);
    expect(github.commentCalls).toEqual([]);
    expect(github.checkCreates.map((c) => c.name)).toEqual(['modelgate / model cards']);
  });

  test('no card at the base (404): every metric "added", the baseline named as none; gates on new metrics pass', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, null);
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    const [body] = github.commentBodies;
    expect(body!.split('\n').slice(0, 4)).toEqual([
      MARKER,
      '✅ **The metric gate passed** — compared with the baseline **none\\: the card is not on the base branch** (`master`, `f95f852`).',
      '',
      '2 added',
    ]);
    expect(body).toContain('| `imdb/accuracy` | — | 0.85 | — | — | — | 🆕 added · ✅ gate passed |');
    expect(body).toContain('| `imdb/f1` | — | 0.9 | — | — | — | 🆕 added |');
    expect(github.checkUpdates[1]).toMatchObject({ conclusion: 'success', output: { title: 'The metric gate passed (sentiment)' } });
  });

  test('a card the PR adds: no base read at all, every metric "added"', async () => {
    cardCheck([{ filename: CARD, status: 'added' }], { [CARD]: HEAD_CARD });
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.summary.filter((s) => s.includes(`ref=${BASE_SHA}`))).toEqual([]);
    expect(github.calls).toHaveLength(10);
    expect(github.commentBodies[0]).toContain('2 added');
  });

  test('a renamed card is compared with its old path at the base', async () => {
    cardCheck([{ filename: CARD, status: 'renamed', previous_filename: 'models/old-sentiment/README.md' }], { [CARD]: HEAD_CARD });
    github.file(REPO, 'models/old-sentiment/README.md', BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555));

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.commentBodies[0]).toContain(ACCURACY_ROW);
  });

  test('two models: one comment each, one check listing both tables; the title names the failing model', async () => {
    const CHURN = 'models/churn/README.md';
    cardCheck([{ filename: CARD }, { filename: CHURN }], { [CARD]: HEAD_CARD, [CHURN]: metricsCard({ accuracy: 0.8, f1: 0.7 }, 'churn') });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD).file(REPO, CHURN, BASE_SHA, metricsCard({ accuracy: 0.8, f1: 0.6 }, 'churn'));
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555).listComments(REPO, 2, [ourComment(555, MARKER)]).createComment(REPO, 2, 556));

    await app.receive('pull_request', pullRequestEvent('synchronize', 2));

    expect(github.commentBodies.map((b) => b.split('\n')[0])).toEqual([MARKER, '<!-- modelgate:metrics-diff model=churn -->']);
    expect(github.commentBodies[1]).toContain('✅ **The metric gate passed**');
    const { title, summary } = github.checkUpdates[1].output;
    expect(title).toBe('1 of 2 metric gates failed (sentiment)');
    expect(github.checkUpdates[1].conclusion).toBe('failure');
    expect(summary).toContain(`### \`sentiment\` · \`${CARD}\``);
    expect(summary).toContain(`### \`churn\` · \`${CHURN}\``);
    expect(summary).toContain(ACCURACY_ROW);
    await expect(app.store.getCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:churn' })).resolves.toBe(556);
  });

  test('an invalid config: the card check fails and no metrics are compared', async () => {
    github.token().createCheck(REPO, 77).config(REPO, 'master', 'metrics: 3\n').updateCheck(REPO, 77);

    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.calls).toHaveLength(4);
    expect(github.checkUpdates[0].conclusion).toBe('failure');
  });

  test('an outdated head SHA (a newer push already recorded): the card check runs, nothing is published', async () => {
    await app.store.recordHeadSha({ repoId: REPO_ID, pr: 2, sha: NEXT_SHA, at: new Date('2019-05-15T16:00:00Z') });
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);

    // The older event (updated_at 15:20:33) arrives late.
    await app.receive('pull_request', pullRequestEvent('synchronize', 1));

    expect(github.calls).toHaveLength(7);
    expect(github.commentCalls).toEqual([]);
    expect(github.checkCreates.map((c) => c.name)).toEqual(['modelgate / model cards']);
    await expect(app.store.getHeadSha({ repoId: REPO_ID, pr: 2 })).resolves.toMatchObject({ sha: NEXT_SHA });
  });

  test('two pushes in the same second: the one whose `before` is the recorded head is published', async () => {
    const sameSecond = '2019-05-15T16:00:00Z';
    await app.store.recordHeadSha({ repoId: REPO_ID, pr: 2, sha: HEAD_SHA, at: new Date(sameSecond) });
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD }, ACCURACY_GATE, NEXT_SHA);
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    evaluationCheck(() => github.listComments(REPO, 2, []).createComment(REPO, 2, 555));

    const event = pushed(NEXT_SHA, sameSecond);
    event.before = HEAD_SHA;
    await app.receive('pull_request', event);

    await expect(app.store.getHeadSha({ repoId: REPO_ID, pr: 2 })).resolves.toMatchObject({ sha: NEXT_SHA });
    expect(github.checkCreates[1]).toMatchObject({ name: 'modelgate / evaluation', head_sha: NEXT_SHA });
    expect(github.commentCalls).toHaveLength(2);
  });

  test('publishing fails: the evaluation check completes as failed, and the delivery can be redelivered', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: HEAD_CARD });
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    github.createCheck(REPO, 88, 'modelgate / evaluation').listComments(REPO, 2, []);
    github.scope.post(`/repos/${REPO}/issues/2/comments`).reply(500, { message: 'Server Error' });
    github.updateCheck(REPO, 88);

    await expect(app.receive('pull_request', pullRequestEvent('synchronize', 1), 'delivery-x')).rejects.toThrow();

    expect(github.checkUpdates[1]).toEqual({
      status: 'completed',
      conclusion: 'failure',
      completed_at: ISO,
      output: { title: 'modelgate could not publish the evaluation', summary: expect.stringContaining('Push again or re-run this check.') },
    });
    assertAllMocksUsed();

    // The claim was released: GitHub's redelivery of the same id is handled in full, on the two
    // check runs the first attempt created (its journal has them): neither is created again.
    github = new FakeGitHub();
    github.config(REPO, 'master', ACCURACY_GATE).files(REPO, 2, [{ filename: CARD }]).file(REPO, CARD, HEAD_SHA, HEAD_CARD).updateCheck(REPO, 77);
    github.file(REPO, CARD, BASE_SHA, BASE_CARD);
    github.listComments(REPO, 2, []).createComment(REPO, 2, 555).updateCheck(REPO, 88);
    await app.receive('pull_request', pullRequestEvent('synchronize', 1), 'delivery-x');
    expect(github.calls).toHaveLength(8);
    expect(github.checkCreates).toEqual([]);
    expect(github.checkUpdates.map((u) => u.conclusion)).toEqual(['success', 'failure']);
    expect(github.commentCalls).toEqual([`GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`, `POST /repos/${REPO}/issues/2/comments`]);
  });

  test('a redelivery of a handled delivery (same id) makes no API call', async () => {
    cardCheck([{ filename: CARD }], { [CARD]: validCard() });
    await app.receive('pull_request', pullRequestEvent('synchronize', 1), 'delivery-y');
    expect(github.calls).toHaveLength(6);

    await app.receive('pull_request', pullRequestEvent('synchronize', 1), 'delivery-y');
    expect(github.calls).toHaveLength(6);
  });
});
