import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { createServer, type ModelgateServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { fakeIO } from '../helpers/fake-io.js';
import { assertAllMocksUsed, isolateNetwork } from '../helpers/nock.js';
import { HEAD_SHA, pullRequestEvent } from '../helpers/payloads.js';
import { privateKey, TestOctokit } from '../helpers/probot.js';

const SECRET = 'a-webhook-secret';
const REPO = 'Codertocat/Hello-World';
let dir = '';
let server: ModelgateServer | null = null;

beforeEach(() => {
  isolateNetwork();
  dir = mkdtempSync(join(tmpdir(), 'modelgate-ops-'));
});
afterEach(async () => {
  await server?.stop();
  server = null;
  rmSync(dir, { recursive: true, force: true });
  assertAllMocksUsed();
});

async function waitFor(what: string, ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a dead letter is listed by `modelgate deliveries list` and handled again after `modelgate deliveries replay <id>`', async () => {
  const database = join(dir, 'app.db');
  const github = new FakeGitHub();
  github.scope.post('/app/installations/1/access_tokens').times(2).reply(502, { message: 'Bad gateway' });
  server = createServer(
    { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database, INBOX_MAX_ATTEMPTS: '2' },
    { Octokit: TestOctokit, worker: { backoffMs: 0, pollMs: 20 } },
  );
  await server.start();
  const body = JSON.stringify(pullRequestEvent('synchronize', 1));
  const response = await fetch(`http://127.0.0.1:${server.port}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-dead-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    body,
  });
  expect(response.status).toBe(202);
  const check = await openStore({ DATABASE_URL: database }, dir);
  try {
    await waitFor('the dead letter', async () => (await check.getDelivery('d-dead-1'))?.state === 'dead');

    const listed = fakeIO(dir, { env: { DATABASE_URL: database } });
    expect(await main(['deliveries', 'list', '--state', 'dead'], listed)).toBe(0);
    const lines = listed.out.split('\n');
    expect(lines[0]).toMatch(/^DELIVERY\s+STATE\s+EVENT\s+WHERE\s+ATTEMPTS\s+RECEIVED\s+LAST ERROR$/);
    expect(lines[1]).toMatch(new RegExp(`^d-dead-1\\s+dead\\s+pull_request\\.synchronize\\s+${REPO}#2\\s+2\\s+\\S+Z\\s+.*Bad gateway`));
    expect(lines).toHaveLength(3);

    // The second attempt's answer is good. The delivery was begun before, so the replay first
    // looks for a check run its attempts created (there is none: they failed at the token).
    github
      .token()
      .scope.get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query({ check_name: 'modelgate / model cards', filter: 'all', per_page: '100', page: '1' })
      .reply(200, { total_count: 0, check_runs: [] });
    github
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }])
      .file(REPO, 'models/a/MODEL_CARD.md', HEAD_SHA, readFileSync(new URL('../fixtures/github/cards/valid.md', import.meta.url)))
      .updateCheck(REPO);
    const replayed = fakeIO(dir, { env: { DATABASE_URL: database } });
    expect(await main(['deliveries', 'replay', 'd-dead-1'], replayed)).toBe(0);
    expect(replayed.out).toBe('Delivery d-dead-1 (pull_request.synchronize, was dead) is pending again; a running App handles it at its next poll.\n');
    await waitFor('the replayed delivery', async () => (await check.getDelivery('d-dead-1'))?.state === 'done');
    expect(github.checkUpdates).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
    expect(github.calls).toHaveLength(2 + 7);

    const again = fakeIO(dir, { env: { DATABASE_URL: database } });
    expect(await main(['deliveries', 'list', '--json'], again)).toBe(0);
    expect(JSON.parse(again.out)).toEqual([expect.objectContaining({ id: 'd-dead-1', state: 'done', attempts: 1, lastError: null })]);
  } finally {
    await check.close();
  }
});

test('replay of an unknown id, a missing database and bad arguments are one clear line each', async () => {
  const io = fakeIO(dir, { env: { DATABASE_URL: join(dir, 'nothing.db') } });
  expect(await main(['deliveries', 'list'], io)).toBe(1);
  expect(io.err).toBe(`modelgate: no modelgate database at ${join(dir, 'nothing.db')}: set DATABASE_URL to the App's database.\n`);

  const store = await openStore({ DATABASE_URL: 'app.db' }, dir);
  await store.close();
  const unknown = fakeIO(dir, { env: { DATABASE_URL: 'app.db' } });
  expect(await main(['deliveries', 'replay', 'nope'], unknown)).toBe(1);
  expect(unknown.err).toBe(`modelgate: no delivery nope in the inbox at ${join(dir, 'app.db')}.\n`);

  const bad = fakeIO(dir, { env: { DATABASE_URL: 'app.db' } });
  expect(await main(['deliveries', 'list', '--state', 'deed'], bad)).toBe(2);
  expect(bad.err).toBe("modelgate: --state must be one of pending, done, dead, not 'deed'. Did you mean 'dead'?\n");
  const empty = fakeIO(dir, { env: { DATABASE_URL: 'app.db' } });
  expect(await main(['deliveries', 'list'], empty)).toBe(0);
  expect(empty.out).toBe('No deliveries.\n');
});
