import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { assertAllMocksUsed } from '../../helpers/nock.js';
import { deliveryExternalId, forkPullRequestEvent, HEAD_SHA, pullRequestEvent } from '../../helpers/payloads.js';
import type { TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const REPO = 'Codertocat/Hello-World';
const CARD = 'models/a/MODEL_CARD.md';
const CONFIG = 'evaluation:\n  workflow: evaluate.yml\n';
const validCard = () => readFileSync(new URL('../../fixtures/github/cards/valid.md', import.meta.url), 'utf8');

let app: TestApp;
let github: FakeGitHub;

useTestApp((a, g) => {
  app = a;
  github = g;
});

/** The card check's calls; `cardFrom` is where the card is read (the fork for fork PRs), null when no card changed. */
function cardCheck(config: string | null, cardFrom: string | null = REPO, token = true): void {
  if (token) github.token();
  github.createCheck(REPO, 77).config(REPO, 'master', config).files(REPO, 2, [{ filename: cardFrom ? CARD : 'src/train.py' }]);
  if (cardFrom) github.file(cardFrom, CARD, HEAD_SHA, validCard());
  github.updateCheck(REPO, 77);
}

describe('pull_request: dispatching the evaluation workflow', () => {
  test('a changed card and evaluation.workflow configured: one dispatch on the PR branch with exact inputs', async () => {
    cardCheck(CONFIG);
    github.dispatch(REPO, 'evaluate.yml');

    await app.receive('pull_request', pullRequestEvent('opened', 1));

    expect(github.summary.at(-1)).toBe(`POST /repos/${REPO}/actions/workflows/evaluate.yml/dispatches`);
    expect(github.calls.at(-1)!.body).toEqual({ ref: 'changes', inputs: { model: '', pr: '2', sha: HEAD_SHA } });
    expect(github.calls).toHaveLength(7);
  });

  test('no evaluation workflow configured, or no card changed: no dispatch', async () => {
    cardCheck(null);
    await app.receive('pull_request', pullRequestEvent('opened', 1));
    assertAllMocksUsed();
    github = new FakeGitHub();
    cardCheck(CONFIG, null, false);
    await app.receive('pull_request', pullRequestEvent('synchronize', 1));
    expect(github.summary.filter((s) => s.includes('dispatches'))).toEqual([]);
  });

  test('a fork PR: no dispatch; the evaluation check waits (queued) and says the fork\'s own workflow must run it', async () => {
    cardCheck(CONFIG, 'someone/Hello-World');
    github.reportCheck(REPO);

    await app.receive('pull_request', forkPullRequestEvent(1));

    expect(github.checkCreates[1]).toEqual({
      name: 'modelgate / evaluation',
      head_sha: HEAD_SHA,
      external_id: deliveryExternalId('dispatch'),
      status: 'queued',
      output: {
        title: "Waiting for the fork's evaluation workflow",
        summary: [
          "This pull request comes from a fork, and GitHub does not let the modelgate App start workflows on a fork's branch.",
          '',
          "The evaluation has to run in the pull request's own `pull_request` workflow (for example `.github/workflows/evaluate.yml` with `on: pull_request`); modelgate posts the metric diff when that run completes. A maintainer may have to approve the run first.",
        ].join('\n'),
      },
    });
  });

  test('GitHub refuses the dispatch (no workflow_dispatch trigger): the evaluation check fails with what to fix', async () => {
    cardCheck(CONFIG);
    github.dispatch(REPO, 'evaluate.yml', 422, "Workflow does not have 'workflow_dispatch' trigger").reportCheck(REPO);

    await app.receive('pull_request', pullRequestEvent('opened', 1));

    expect(github.checkCreates[1]).toMatchObject({
      name: 'modelgate / evaluation',
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'The evaluation workflow could not be started' },
    });
    expect(github.checkCreates[1].output.summary).toContain('workflow\\_dispatch');
  });
});
