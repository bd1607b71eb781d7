import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type ModelgateServer } from '../../../src/server.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/index.js';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { assertAllMocksUsed, isolateNetwork } from '../../helpers/nock.js';
import { HEAD_SHA, pullRequestEvent } from '../../helpers/payloads.js';
import { privateKey, TestOctokit } from '../../helpers/probot.js';

const SECRET = 'a-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const card = (name: string) => readFileSync(new URL(`../../../test/fixtures/github/cards/${name}`, import.meta.url));

let server: ModelgateServer | null = null;
let store: Store | null = null;
beforeEach(isolateNetwork);
afterEach(async () => {
  await server?.stop();
  server = null;
  assertAllMocksUsed();
});

test('/metrics times every card validation of a delivery, by outcome', async () => {
  const github = new FakeGitHub();
  github
    .token()
    .createCheck(REPO)
    .config(REPO, 'master', null)
    .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }, { filename: 'models/b/MODEL_CARD.md' }, { filename: 'models/c/MODEL_CARD.md' }])
    .file(REPO, 'models/a/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
    .file(REPO, 'models/b/MODEL_CARD.md', HEAD_SHA, card('warning-only.md'))
    .file(REPO, 'models/c/MODEL_CARD.md', HEAD_SHA, card('invalid-license.md'))
    .updateCheck(REPO);
  server = createServer(
    { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' },
    { Octokit: TestOctokit, openStore: async (e, cwd) => (store = await openStore(e, cwd)) },
  );
  await server.start();
  const url = `http://127.0.0.1:${server.port}`;
  const scrape = async () => (await fetch(`${url}/metrics`)).text();
  const series = (text: string, name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN);

  // Exposed, and empty, before anything was validated.
  const before = await scrape();
  expect(before).toContain('# HELP modelgate_card_validation_duration_seconds Time to validate one model card');
  expect(before).toContain('# TYPE modelgate_card_validation_duration_seconds histogram');
  expect(before).not.toContain('modelgate_card_validation_duration_seconds_count');

  const body = JSON.stringify(pullRequestEvent('synchronize', 1));
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-metrics', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    body,
  });
  expect(response.status).toBe(202);
  for (let i = 0; i < 1000 && (await store!.getDelivery('d-metrics'))?.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(github.checkUpdates).toEqual([expect.objectContaining({ conclusion: 'failure' })]);

  const text = await scrape();
  // Three cards: two without errors (one with a warning), one with an invalid license.
  expect(series(text, 'modelgate_card_validation_duration_seconds_count{outcome="valid"}')).toBe(2);
  expect(series(text, 'modelgate_card_validation_duration_seconds_count{outcome="invalid"}')).toBe(1);
  expect(series(text, 'modelgate_card_validation_duration_seconds_bucket{le="+Inf",outcome="valid"}')).toBe(2);
  for (const outcome of ['valid', 'invalid']) {
    const sum = series(text, `modelgate_card_validation_duration_seconds_sum{outcome="${outcome}"}`);
    // Plausible: some time, and well under the handler's own.
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(series(text, 'modelgate_handler_duration_seconds_sum{event="pull_request.synchronize",outcome="success"}'));
  }
});
