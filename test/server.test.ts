import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import nock from 'nock';
import { checkEnv, createServer, EnvError, type ModelgateServer } from '../src/server.js';
import { openStore } from '../src/store/open.js';
import { StoreError, type Store } from '../src/store/index.js';
import { ACCURACY_GATE, metricsCard } from './helpers/cards.js';
import { FakeGitHub } from './helpers/fake-github.js';
import { assertAllMocksUsed, isolateNetwork } from './helpers/nock.js';
import { BASE_SHA, HEAD_SHA, pullRequestEvent } from './helpers/payloads.js';
import { privateKey, TestOctokit } from './helpers/probot.js';
import { evaluationZip, listedArtifact } from './helpers/evaluation-artifacts.js';
import { BASE_REPO_ID, RUN_HEAD_SHA, workflowRunEvent } from './helpers/workflow-runs.js';

const SECRET = 'a-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const APP_ENV = { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: process.env['DEBUG_LOG'] ?? 'silent', DATABASE_URL: ':memory:' };
const SETUP_ENV = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' };

let server: ModelgateServer | null = null;
/** The store the last started server opened. */
let store: Store | null = null;

beforeEach(() => isolateNetwork());
afterEach(async () => {
  await server?.stop();
  server = null;
  store = null;
  assertAllMocksUsed();
});

async function start(env: Record<string, string>): Promise<string> {
  server = createServer(env, { Octokit: TestOctokit, openStore: async (e, cwd) => (store = await openStore(e, cwd)) });
  await server.start();
  return `http://127.0.0.1:${server.port}`;
}

/** Waits (bounded) until the inbox holds nothing pending: the workers have handled what was acknowledged. */
async function drained(s: Store | null = store): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const stats = await s!.inboxStats();
    if (stats.pending === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the inbox still holds pending deliveries');
}

/** POSTs a webhook delivery the way GitHub does, signed with `secret`. */
function deliver(url: string, name: string, payload: unknown, secret = SECRET, body = JSON.stringify(payload), delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958'): Promise<Response> {
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
}

/** The calls of checking PR #2 when it changes one valid card. */
function expectCardCheck(github: FakeGitHub): void {
  github
    .token()
    .createCheck(REPO)
    .config(REPO, 'master', null)
    .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }])
    .file(REPO, 'models/a/MODEL_CARD.md', HEAD_SHA, readFileSync(new URL('./fixtures/github/cards/valid.md', import.meta.url)))
    .updateCheck(REPO);
}

describe('npm start with App credentials', () => {
  test('a signed delivery over real HTTP: 202 at once, then the check run calls', async () => {
    const github = new FakeGitHub();
    expectCardCheck(github);
    const url = await start(APP_ENV);

    const response = await deliver(url, 'pull_request', pullRequestEvent('synchronize', 1));

    expect(response.status).toBe(202);
    await expect(response.json()).resolves.toEqual({ status: 'accepted' });
    await drained();
    expect(github.calls).toHaveLength(6);
    expect(github.checkCreates).toEqual([expect.objectContaining({ name: 'modelgate / model cards', head_sha: HEAD_SHA, status: 'in_progress' })]);
    expect(github.checkUpdates).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success', output: expect.objectContaining({ title: '1 model card valid' }) })]);
  });

  test('the same signed delivery POSTed 10 times at once: one set of API calls (card check and metric diff)', async () => {
    const github = new FakeGitHub();
    github
      .token()
      .createCheck(REPO, 77)
      .config(REPO, 'master', ACCURACY_GATE)
      .files(REPO, 2, [{ filename: 'models/sentiment/README.md' }])
      .file(REPO, 'models/sentiment/README.md', HEAD_SHA, metricsCard({ accuracy: 0.85, f1: 0.9 }))
      .updateCheck(REPO, 77)
      .file(REPO, 'models/sentiment/README.md', BASE_SHA, metricsCard({ accuracy: 0.91, f1: 0.88 }))
      .createCheck(REPO, 88, 'modelgate / evaluation')
      .listComments(REPO, 2, [])
      .createComment(REPO, 2, 555)
      .updateCheck(REPO, 88);
    const url = await start(APP_ENV);
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));

    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(url, 'pull_request', null, SECRET, body)));

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect((await Promise.all(responses.map((r) => r.json()))).filter((b) => (b as { status: string }).status === 'accepted')).toHaveLength(1);
    await drained();
    expect(github.calls).toHaveLength(11);
    expect(github.commentCalls).toEqual([`GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`, `POST /repos/${REPO}/issues/2/comments`]);
    expect(github.checkCreates.map((c) => c.name)).toEqual(['modelgate / model cards', 'modelgate / evaluation']);

    // And again, one by one, after the first was handled: still nothing more.
    for (let i = 0; i < 3; i++) expect((await deliver(url, 'pull_request', null, SECRET, body)).status).toBe(202);
    await drained();
    expect(github.calls).toHaveLength(11);
  });

  test('a workflow_run delivery POSTed 10 times at once: one evaluation stored and ONE comment update', async () => {
    const github = new FakeGitHub();
    const zip = evaluationZip({ commit: RUN_HEAD_SHA, pr: 2, metrics: { 'eval.accuracy': 0.9 }, cardPath: null });
    github
      .token()
      .artifacts(REPO, 289782451, [listedArtifact(8, 'modelgate-eval-sentiment', zip.byteLength)])
      .download(REPO, 8, zip)
      .config(REPO, 'master', null)
      .createCheck(REPO, 88, 'modelgate / evaluation')
      .updateComment(REPO, 555)
      .updateCheck(REPO, 88);
    let opened: Store | null = null;
    server = createServer(APP_ENV, {
      Octokit: TestOctokit,
      openStore: async (env, cwd) => {
        opened = await openStore(env, cwd);
        await opened.setCommentId({ repoId: BASE_REPO_ID, pr: 2, key: 'metrics-diff:sentiment', commentId: 555 });
        return opened;
      },
    });
    await server.start();
    const url = `http://127.0.0.1:${server.port}`;
    const body = JSON.stringify(workflowRunEvent());

    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(url, 'workflow_run', null, SECRET, body, 'run-delivery-1')));

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    await drained(opened);
    expect(github.summary.filter((c) => c.startsWith('PATCH /repos/Codertocat/Hello-World/issues/comments/'))).toEqual([`PATCH /repos/${REPO}/issues/comments/555`]);
    expect(github.calls).toHaveLength(7);
    expect(github.commentBodies[0]).toContain('| `eval.accuracy` | — | 0.9 |');
    const evaluation = await opened!.latestEvaluation({ repoId: BASE_REPO_ID, model: 'sentiment', status: 'success', ref: 'refs/pull/2/head' });
    expect(evaluation).toMatchObject({ runId: 289782451, sha: RUN_HEAD_SHA, pr: 2 });
  });

  test('the store is opened from DATABASE_URL at start (relative to cwd) and closed on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-db-'));
    const opened: Store[] = [];
    const open: typeof openStore = async (env, cwd) => {
      const store = await openStore(env, cwd);
      opened.push(store);
      return store;
    };
    try {
      server = createServer({ ...APP_ENV, DATABASE_URL: 'state/app.db' }, { Octokit: TestOctokit, cwd: dir, openStore: open });
      await server.start();
      expect(opened.map((s) => s.label)).toEqual([join(dir, 'state/app.db')]);
      await expect(opened[0]!.claimDelivery('d-1', 'ping')).resolves.toBe(true);

      await server.stop();
      server = null;
      await expect(opened[0]!.claimDelivery('d-2', 'ping')).rejects.toThrow('the store is closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('at start, delivery ids older than 14 days are forgotten (newer ones still refuse redeliveries)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-db-'));
    try {
      const old = await openStore({ DATABASE_URL: 'app.db' }, dir, { now: () => new Date(Date.now() - 15 * 24 * 3600 * 1000) });
      await old.claimDelivery('old-delivery', 'pull_request.opened');
      await old.close();
      const recent = await openStore({ DATABASE_URL: 'app.db' }, dir, { now: () => new Date(Date.now() - 13 * 24 * 3600 * 1000) });
      await recent.claimDelivery('recent-delivery', 'pull_request.opened');
      await recent.close();

      const opened: Store[] = [];
      server = createServer({ ...APP_ENV, DATABASE_URL: 'app.db' }, {
        Octokit: TestOctokit,
        cwd: dir,
        openStore: async (env, cwd) => opened[opened.push(await openStore(env, cwd)) - 1]!,
      });
      await server.start();
      // The pruning runs in the background right after start; wait for it (bounded).
      let forgotten = false;
      for (let i = 0; i < 100 && !forgotten; i++) {
        forgotten = await opened[0]!.claimDelivery('old-delivery', 'probe');
        if (!forgotten) await new Promise((r) => setTimeout(r, 10));
      }
      expect(forgotten).toBe(true);
      await expect(opened[0]!.claimDelivery('recent-delivery', 'probe')).resolves.toBe(false);
    } finally {
      await server?.stop();
      server = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unusable DATABASE_URL stops the start with one clear error, before listening', async () => {
    server = createServer({ ...APP_ENV, DATABASE_URL: 'mysql://user:hunter2@db/modelgate' }, { Octokit: TestOctokit });
    const error = await server.start().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error!.message).toMatch(/^DATABASE_URL mysql:\/\/user:\*+@db\/modelgate is not supported \(scheme "mysql:"\): use a file path/);
    expect(error!.message).not.toContain('hunter2');
    expect(() => server!.port).toThrow('The server is not started.');
    server = null;
  });

  test('a database from a newer modelgate (schema too new) stops the start with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-db-'));
    try {
      const store = await openStore({ DATABASE_URL: 'app.db' }, dir);
      await store.close();
      const db = new (createRequire(import.meta.url)('better-sqlite3'))(join(dir, 'app.db'));
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.000Z')").run();
      db.close();

      server = createServer({ ...APP_ENV, DATABASE_URL: 'app.db' }, { Octokit: TestOctokit, cwd: dir });
      await expect(server.start()).rejects.toThrow(
        `database schema version 999 at ${join(dir, 'app.db')} is newer than this modelgate (knows up to`,
      );
      expect(() => server!.port).toThrow('The server is not started.');
      server = null;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Slack half-configured stops the start with what to set; a token Slack refuses stops it too, and nothing stays open', async () => {
    server = createServer({ ...APP_ENV, SLACK_SIGNING_SECRET: 'x' }, { Octokit: TestOctokit });
    await expect(server.start()).rejects.toThrow("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: copy the bot token (xoxb-…) from the Slack app's OAuth & Permissions page.");
    expect(() => server!.port).toThrow('The server is not started.');
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const slack = nock('https://slack.test').post('/api/auth.test').reply(200, { ok: false, error: 'invalid_auth' });
    server = createServer({ ...APP_ENV, SLACK_SIGNING_SECRET: 'x', SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_API_URL: 'https://slack.test/api/' }, { Octokit: TestOctokit, slackRetries: 0 });
    await expect(server.start()).rejects.toThrow("Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the bot token from the Slack app's OAuth & Permissions page.");
    expect(slack.isDone()).toBe(true);
    expect(() => server!.port).toThrow('The server is not started.');
    server = null;
    nock.cleanAll();
    nock.enableNetConnect();
  });

  test('a bad signature: 401, nothing stored and no API call', async () => {
    const github = new FakeGitHub();
    const url = await start(APP_ENV);

    const response = await deliver(url, 'pull_request', pullRequestEvent('synchronize', 1), 'not-the-secret');

    expect(response.status).toBe(401);
    await expect(store!.listDeliveries()).resolves.toEqual([]);
    expect(github.calls).toEqual([]);
  });

  test('GET /healthz answers 200', async () => {
    const url = await start(APP_ENV);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    await expect(response.json()).resolves.toEqual({ status: 'ok' });
  });

  test('PORT=0 listens on a free port on HOST', async () => {
    await start(APP_ENV);
    expect(server!.host).toBe('127.0.0.1');
    expect(server!.port).toBeGreaterThan(0);
    expect(server!.port).not.toBe(3000);
  });

  test('GHE_HOST: every API call goes to https://<host>/api/v3', async () => {
    const github = new FakeGitHub('https://ghe.example.com', '/api/v3');
    expectCardCheck(github);
    const url = await start({ ...APP_ENV, GHE_HOST: 'ghe.example.com' });

    const response = await deliver(url, 'pull_request', pullRequestEvent('synchronize', 1));

    expect(response.status).toBe(202);
    await drained();
    expect(github.summary).toEqual([
      'POST /api/v3/app/installations/1/access_tokens',
      `POST /api/v3/repos/${REPO}/check-runs`,
      `GET /api/v3/repos/${REPO}/contents/.github%2Fmodelgate.yml?ref=master`,
      `GET /api/v3/repos/${REPO}/pulls/2/files?per_page=100&page=1`,
      `GET /api/v3/repos/${REPO}/contents/models%2Fa%2FMODEL_CARD.md?ref=${HEAD_SHA}`,
      `PATCH /api/v3/repos/${REPO}/check-runs/77`,
    ]);
  });

  test('PRIVATE_KEY_PATH works as well as PRIVATE_KEY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-key-'));
    try {
      writeFileSync(join(dir, 'app.pem'), privateKey);
      const { PRIVATE_KEY: _unused, ...env } = APP_ENV;
      const url = await start({ ...env, PRIVATE_KEY_PATH: join(dir, 'app.pem') });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start without credentials: Probot setup mode', () => {
  const saved = process.env.NO_SMEE_SETUP;
  beforeEach(() => {
    // Setup mode would otherwise create a smee.io channel (network).
    process.env.NO_SMEE_SETUP = 'true';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_SMEE_SETUP;
    else process.env.NO_SMEE_SETUP = saved;
  });

  test('GET / redirects to /probot, which registers the App from app.yml', async () => {
    const url = await start(SETUP_ENV);

    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/probot');

    const page = await fetch(`${url}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('action="https://github.com/settings/apps/new"');
    const manifest = JSON.parse(/value='([^']*)'/.exec(html)![1]!);
    const appYml = parseYaml(readFileSync(new URL('../app.yml', import.meta.url), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'modelgate',
      public: false,
      default_events: appYml.default_events,
      default_permissions: appYml.default_permissions,
      redirect_url: `${url}/probot/setup`,
      // Where this server serves webhooks, not the site root (Probot's default, which receives nothing).
      hook_attributes: { url: `${url}/api/github/webhooks` },
    });
  });

  const manifestOf = async (response: Response) => JSON.parse(/value='([^']*)'/.exec(await response.text())![1]!) as { hook_attributes: { url: string }; redirect_url: string };

  test('behind a proxy, the App is registered at the public URL the browser used, on WEBHOOK_PATH', async () => {
    const url = await start({ ...SETUP_ENV, WEBHOOK_PATH: '/hooks/github' });
    const page = await fetch(`${url}/probot?x=1`, { headers: { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'modelgate.example.com' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(await manifestOf(page)).toMatchObject({
      hook_attributes: { url: 'https://modelgate.example.com/hooks/github' },
      redirect_url: 'https://modelgate.example.com/probot/setup',
    });
  });

  test('with a smee.io channel (WEBHOOK_PROXY_URL), the channel stays the webhook URL', async () => {
    const saved = process.env.WEBHOOK_PROXY_URL;
    process.env.WEBHOOK_PROXY_URL = 'https://smee.io/a-channel';
    try {
      const url = await start(SETUP_ENV);
      expect((await manifestOf(await fetch(`${url}/probot`))).hook_attributes).toEqual({ url: 'https://smee.io/a-channel' });
    } finally {
      if (saved === undefined) delete process.env.WEBHOOK_PROXY_URL;
      else process.env.WEBHOOK_PROXY_URL = saved;
    }
  });

  test('webhooks are not served, and Probot answers GET /ping', async () => {
    const github = new FakeGitHub();
    const url = await start(SETUP_ENV);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
    expect((await deliver(url, 'pull_request', pullRequestEvent('synchronize', 1), 'development')).status).toBe(200);
    // The setup Probot has no app loaded: a delivery does nothing.
    expect(github.calls).toEqual([]);
  });
});

describe('checkEnv', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'modelgate-env-'));
  const problems = (env: Record<string, string>) => {
    try {
      checkEnv(env, cwd);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      return (error as Error).message.split('\n');
    }
  };

  test('credentials, or none (setup mode), are fine', () => {
    expect(problems({ APP_ID: '1', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 's' })).toEqual([]);
    expect(problems({ APP_ID: '1', PRIVATE_KEY: Buffer.from(privateKey).toString('base64'), WEBHOOK_SECRET: 's' })).toEqual([]);
    expect(problems({})).toEqual([]);
  });

  test('every bad setting is named, with what to do', () => {
    expect(problems({ PORT: 'http', LOG_LEVEL: 'verbose', GHE_HOST: 'https://ghe.example.com', GHE_PROTOCOL: 'ftp' })).toEqual([
      'PORT must be a port number from 0 to 65535 (0 picks a free port); got "http".',
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent; got "verbose".',
      'GHE_HOST is a host name such as github.example.com, without a scheme or path; got "https://ghe.example.com".',
      'GHE_PROTOCOL must be https (or http); got "ftp".',
    ]);
  });

  test('a budget of unverified webhook bytes below the body cap is refused (such a delivery could never be accepted)', () => {
    expect(problems({ WEBHOOK_MAX_INFLIGHT_BYTES: '1000', WEBHOOK_MAX_BYTES: '2000' })).toEqual([
      'WEBHOOK_MAX_INFLIGHT_BYTES (1000) must be at least WEBHOOK_MAX_BYTES (2000), or a delivery that size could never be accepted.',
    ]);
    expect(problems({ WEBHOOK_MAX_INFLIGHT_BYTES: '1048576' })).toEqual([
      'WEBHOOK_MAX_INFLIGHT_BYTES (1048576) must be at least WEBHOOK_MAX_BYTES (26214400), or a delivery that size could never be accepted.',
    ]);
    expect(problems({ WEBHOOK_MAX_INFLIGHT_BYTES: 'lots' })).toEqual(['WEBHOOK_MAX_INFLIGHT_BYTES must be a whole number of at least 1; got "lots".']);
    expect(problems({ WEBHOOK_MAX_INFLIGHT_BYTES: '2000', WEBHOOK_MAX_BYTES: '2000' })).toEqual([]);
  });

  test('half the credentials is an error, not a silent fall into setup mode', () => {
    expect(problems({ APP_ID: '12' })).toEqual([
      'APP_ID is set but no private key is: set PRIVATE_KEY (the .pem contents) or PRIVATE_KEY_PATH (its path). Unset APP_ID to register a new App through the setup page instead.',
    ]);
    expect(problems({ PRIVATE_KEY: privateKey })).toEqual([
      "A private key is set but APP_ID is not: set APP_ID to the App ID from the GitHub App's settings page.",
    ]);
  });

  test('credentials without a webhook secret are refused', () => {
    expect(problems({ APP_ID: '12', PRIVATE_KEY: privateKey })).toEqual([
      "WEBHOOK_SECRET is not set: set it to the webhook secret in the GitHub App's settings, so only GitHub's deliveries are accepted.",
    ]);
  });

  test('a bad key or key path is named', () => {
    expect(problems({ APP_ID: '12', PRIVATE_KEY: 'not a key', WEBHOOK_SECRET: 's' })).toEqual([
      'PRIVATE_KEY is not a PEM private key: paste the whole .pem file (or its base64), including the BEGIN and END lines.',
    ]);
    expect(problems({ APP_ID: '12', PRIVATE_KEY_PATH: 'missing.pem', WEBHOOK_SECRET: 's' })).toEqual([
      'PRIVATE_KEY_PATH points to "missing.pem", which does not exist.',
    ]);
    expect(problems({ APP_ID: 'my-app', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 's' })).toEqual([
      'APP_ID must be the numeric App ID from the GitHub App\'s settings page; got "my-app".',
    ]);
  });

  test('start() refuses a bad environment before listening', async () => {
    server = createServer({ APP_ID: '12', LOG_LEVEL: 'silent' });
    await expect(server.start()).rejects.toThrow(EnvError);
    expect(() => server!.port).toThrow('The server is not started.');
    server = null;
  });
});
