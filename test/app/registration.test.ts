import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { metricsCard } from '../helpers/cards.js';
import { isolateNetwork } from '../helpers/nock.js';
import { deliver, evaluation, INSTALLATION, promotionRepo, REPO_ID, sha256, startApp, T0, type PromotionRepoFixture, type RunningApp } from '../helpers/promotion-fixture.js';

interface Definition {
  name: string;
  examples: Array<Record<string, any>>;
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

/** `pull_request.closed` of PR #13 of acme/models, merged as `mergeCommit` into main. */
function closedPayload(mergeCommit: string, merged = true): any {
  const example = definitions.find((d) => d.name === 'pull_request')!.examples.find((e) => e['action'] === 'closed')!;
  const payload: any = structuredClone(example);
  payload.installation = { id: INSTALLATION, node_id: 'x' };
  payload.repository = { ...payload.repository, id: REPO_ID, name: 'models', full_name: 'acme/models', owner: { ...payload.repository.owner, login: 'acme' }, default_branch: 'main', html_url: 'https://github.com/acme/models' };
  payload.pull_request = { ...payload.pull_request, number: 13, merged, merge_commit_sha: merged ? mergeCommit : null, base: { ...payload.pull_request.base, ref: 'main' } };
  return payload;
}

const card = (version: string, accuracy: number) => metricsCard({ accuracy, f1: 0.8 }).replace('license: mit\n', `license: mit\nmodelgate: {model: sentiment, version: ${version}}\n`);

describe('registration of merged pull requests', () => {
  let repo: PromotionRepoFixture;
  let app: RunningApp;

  beforeEach(async () => {
    isolateNetwork();
    repo = await promotionRepo();
    app = await startApp(repo.github, { databaseUrl: ':memory:', now: () => T0, seed: async (store) => void (await store.recordEvaluation(evaluation('v4', 0.93, { ref: 'refs/pull/13/head', pr: 13, runId: 913, runUrl: 'https://github.com/acme/models/actions/runs/913' }))) });
  });

  afterEach(async () => {
    await app.server.stop();
    await repo.github.stop();
  });

  test('a merged card with a new version is registered with its evidence, in one commit; a redelivery changes nothing', async () => {
    const text = card('v4', 0.93);
    const merge = repo.github.setFiles({ 'models/sentiment/README.md': text }, 'Merge pull request #13');
    repo.github.pullFiles.set(13, [{ filename: 'models/sentiment/README.md', status: 'modified' }, { filename: 'train.py', status: 'modified' }]);
    const response = await deliver(app.url, 'pull_request', closedPayload(merge), 'delivery-1');
    expect(response.status).toBe(202);
    const registry = parse(repo.github.file('models/registry.yaml')!);
    expect(registry.models.sentiment.versions.v4).toEqual({
      card: 'models/sentiment/README.md',
      commit: merge,
      pr: 13,
      card_digest: `sha256:${sha256(text)}`,
      evaluation: { id: 1, run: 'https://github.com/acme/models/actions/runs/913', metrics_digest: `sha256:${sha256('metrics of v4 0.93')}`, gates_passed: true },
      registered_at: '2026-12-01T12:00:00Z',
    });
    const commit = repo.github.calls.find((c) => c.path.endsWith('/git/commits'))!;
    expect(commit.body.message).toBe(
      `Register sentiment v4\n\nFrom pull request #13:\n- sentiment v4: models/sentiment/README.md at ${merge.slice(0, 7)}, evaluation 1\n\nRegistered-from: #13\n`,
    );
    expect(repo.github.comments.map((c) => c.body)).toEqual([
      `Registered \`sentiment\` \`v4\` in \`models/registry.yaml\` \\(commit ${repo.github.head.slice(0, 7)}\\)\\. Promote with \`/modelgate promote sentiment v4\`\\.`,
    ]);
    // GitHub redelivers the event (a new delivery id): the version is registered, so nothing happens.
    const head = repo.github.head;
    await deliver(app.url, 'pull_request', closedPayload(merge), 'delivery-2');
    expect(repo.github.head).toBe(head);
    expect(repo.github.comments).toHaveLength(1);
  });

  test('another card for a registered version is refused with a comment, never overwritten', async () => {
    const before = repo.github.file('models/registry.yaml');
    const merge = repo.github.setFiles({ 'models/sentiment/README.md': card('v3', 0.5) }, 'Merge pull request #13');
    repo.github.pullFiles.set(13, [{ filename: 'models/sentiment/README.md', status: 'modified' }]);
    await deliver(app.url, 'pull_request', closedPayload(merge));
    expect(repo.github.file('models/registry.yaml')).toBe(before);
    expect(repo.github.comments[0]!.body).toMatch(
      /^`sentiment` `v3` is already registered with another card \\\(`sha256:[0-9a-f]{64}`; `models\/sentiment\/README\.md` here is `sha256:[0-9a-f]{64}`\\\)\\: it was not changed\\\. Give the changed model a new `modelgate\.version`\\\.$/,
    );
  });

  test('a pull request closed without merging registers nothing', async () => {
    await deliver(app.url, 'pull_request', closedPayload('0'.repeat(40), false));
    expect(repo.github.calls.filter((c) => !c.path.includes('access_tokens'))).toEqual([]);
  });
});
