import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { APIGatewayProxyEvent, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { Logger } from 'probot';
import { checkLambdaEnv, createHandler, type LambdaResult } from '../src/lambda.js';
import { openStore } from '../src/store/open.js';
import { FakeGitHub } from './helpers/fake-github.js';
import { assertAllMocksUsed, isolateNetwork } from './helpers/nock.js';
import { deliveryExternalId, HEAD_SHA, pullRequestEvent } from './helpers/payloads.js';
import { testDatabase } from './helpers/postgres.js';
import { describeWith } from './helpers/prerequisite.js';
import { privateKey, TestOctokit } from './helpers/probot.js';

const SECRET = 'a-lambda-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const DELIVERY = '8c5d5e7a-0f6e-11ef-9a2b-4c9367dc0958';
const context = { awsRequestId: 'req-1', functionName: 'modelgate' } as Context;
const database = await testDatabase('mg_lambda');

/** An API Gateway (REST, proxy integration) event as GitHub's delivery arrives in it. */
function apiGatewayEvent(name: string, body: string, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/api/github/webhooks',
    resource: '/api/github/webhooks',
    // API Gateway passes header names as the client sent them.
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'GitHub-Hookshot/abc123',
      'X-GitHub-Event': name,
      'X-GitHub-Delivery': DELIVERY,
      'X-Hub-Signature-256': sign(body),
      ...headers,
    },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '140.82.115.1' } } as APIGatewayProxyEvent['requestContext'],
  };
}

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function logLines(): { log: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) }) as unknown as Logger;
  return { log, lines };
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

beforeEach(() => isolateNetwork());
afterEach(() => assertAllMocksUsed());

describeWith('the AWS Lambda handler on PostgreSQL', database.missing, () => {
  let handler: ReturnType<typeof createHandler> | null = null;
  let env: Record<string, string>;
  const opened = jest.fn(openStore);

  beforeEach(async () => {
    opened.mockClear();
    env = { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'silent', DATABASE_URL: await database.create() };
  });
  afterEach(async () => {
    await handler?.close();
    handler = null;
    await database.drop();
  });

  test('a signed API Gateway delivery: 200, the check run calls, and the store opened once for the warm container', async () => {
    const github = new FakeGitHub();
    expectCardCheck(github);
    const { log, lines } = logLines();
    handler = createHandler(env, { Octokit: TestOctokit, openStore: opened, log });
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));

    const result = await handler(apiGatewayEvent('pull_request', body), context);

    expect(result).toEqual({ statusCode: 200, body: '{"ok":true}' });
    expect(github.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /app/installations/1/access_tokens',
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/contents/.github%2Fmodelgate.yml?ref=master`,
      `GET /repos/${REPO}/pulls/2/files?per_page=100&page=1`,
      `GET /repos/${REPO}/contents/models%2Fa%2FMODEL_CARD.md?ref=${HEAD_SHA}`,
      `PATCH /repos/${REPO}/check-runs/77`,
    ]);
    expect(github.checkCreates).toEqual([{ name: 'modelgate / model cards', head_sha: HEAD_SHA, status: 'in_progress', external_id: deliveryExternalId('cards'), started_at: expect.any(String) }]);
    expect(github.checkUpdates).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success', output: expect.objectContaining({ title: '1 model card valid' }) })]);
    expect(lines.map((line) => line.msg)).toContain(`modelgate store: ${env['DATABASE_URL']}`);

    // GitHub redelivers the same delivery to the warm container: remembered in PostgreSQL, nothing posted twice.
    const again = await handler(apiGatewayEvent('pull_request', body), context);
    expect(again.statusCode).toBe(200);
    expect(github.calls).toHaveLength(6);
    expect(opened).toHaveBeenCalledTimes(1);
  });

  test('a delivery remembered by one container is not handled again by another (state is in PostgreSQL, not the instance)', async () => {
    const github = new FakeGitHub();
    expectCardCheck(github);
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));
    const first = createHandler(env, { Octokit: TestOctokit, log: logLines().log });
    handler = createHandler(env, { Octokit: TestOctokit, log: logLines().log });
    try {
      expect((await first(apiGatewayEvent('pull_request', body), context)).statusCode).toBe(200);
    } finally {
      await first.close();
    }
    expect((await handler(apiGatewayEvent('pull_request', body), context)).statusCode).toBe(200);
    expect(github.calls).toHaveLength(6);
  });

  test('a new container forgets delivery ids older than 14 days, as the server does daily', async () => {
    const github = new FakeGitHub();
    expectCardCheck(github);
    expectCardCheck(github);
    let clock = new Date('2026-11-01T00:00:00Z');
    const clocked: typeof openStore = (where, cwd) => openStore(where, cwd, { now: () => clock });
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));
    const first = createHandler(env, { Octokit: TestOctokit, openStore: clocked, log: logLines().log });
    try {
      expect((await first(apiGatewayEvent('pull_request', body), context)).statusCode).toBe(200);
    } finally {
      await first.close();
    }
    clock = new Date('2026-11-16T00:00:00Z');
    const { log, lines } = logLines();
    handler = createHandler(env, { Octokit: TestOctokit, openStore: clocked, log });

    // Redelivered 15 days later (GitHub offers redelivery for a few days; by now it is a new delivery to handle).
    expect((await handler(apiGatewayEvent('pull_request', body), context)).statusCode).toBe(200);
    expect(lines.map((line) => line.msg)).toContain('Forgot 1 webhook deliveries older than 14 days.');
    expect(github.calls).toHaveLength(12);
  });

  test('a function URL event with a base64 body is verified on the decoded bytes', async () => {
    const github = new FakeGitHub();
    expectCardCheck(github);
    handler = createHandler(env, { Octokit: TestOctokit, log: logLines().log });
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));
    const event = {
      version: '2.0',
      rawPath: '/',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': DELIVERY, 'x-hub-signature-256': sign(body) },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: '/', sourceIp: '140.82.115.1' } },
    } as unknown as LambdaFunctionURLEvent;

    expect((await handler(event, context)).statusCode).toBe(200);
    expect(github.checkUpdates).toHaveLength(1);
  });

  test('unsigned, wrongly signed and header-less events are refused before any work, with one warn line and no payload', async () => {
    const github = new FakeGitHub();
    const { log, lines } = logLines();
    handler = createHandler(env, { Octokit: TestOctokit, log });
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));

    const unsigned = apiGatewayEvent('pull_request', body);
    delete unsigned.headers['X-Hub-Signature-256'];
    const results: LambdaResult[] = [
      await handler(unsigned, context),
      await handler(apiGatewayEvent('pull_request', body, { 'X-Hub-Signature-256': sign(body, 'not-the-secret') }), context),
      await handler(apiGatewayEvent('pull_request', `${body} `, { 'X-Hub-Signature-256': sign(body) }), context),
      await handler(apiGatewayEvent('pull_request', body, { 'X-GitHub-Event': '' }), context),
      await handler({ ...apiGatewayEvent('pull_request', body), httpMethod: 'GET' }, context),
    ];

    expect(results.map((result) => [result.statusCode, JSON.parse(result.body ?? '{}').error])).toEqual([
      [401, 'X-Hub-Signature-256 is missing.'],
      [401, 'The signature does not match the payload and the webhook secret.'],
      [401, 'The signature does not match the payload and the webhook secret.'],
      [400, 'X-GitHub-Event and X-GitHub-Delivery are required.'],
      [405, 'Webhook deliveries are POSTed.'],
    ]);
    expect(github.calls).toEqual([]);
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toEqual([
      `Refused webhook delivery ${DELIVERY} (pull_request) from 140.82.115.1, ${Buffer.byteLength(body)} bytes: X-Hub-Signature-256 is missing.`,
      `Refused webhook delivery ${DELIVERY} (pull_request) from 140.82.115.1, ${Buffer.byteLength(body)} bytes: The signature does not match the payload and the webhook secret.`,
      `Refused webhook delivery ${DELIVERY} (pull_request) from 140.82.115.1, ${Buffer.byteLength(body) + 1} bytes: The signature does not match the payload and the webhook secret.`,
      `Refused webhook delivery ${DELIVERY} (no event) from 140.82.115.1, ${Buffer.byteLength(body)} bytes: X-GitHub-Event and X-GitHub-Delivery are required.`,
    ]);
    expect(JSON.stringify(lines)).not.toContain('Hello-World');
  });

  test("GET /probot is the adapter's page", async () => {
    handler = createHandler(env, { Octokit: TestOctokit, log: logLines().log });
    const result = await handler({ ...apiGatewayEvent('ping', ''), httpMethod: 'GET', path: '/probot' }, context);
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'Content-Type': 'text/html' });
  });
});

describe('the AWS Lambda handler refuses a store it cannot keep', () => {
  const CREDENTIALS = { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET };
  const WHY =
    "on AWS Lambda modelgate needs PostgreSQL (DATABASE_URL=postgres://user:password@host/db): a Lambda instance's filesystem is ephemeral and " +
    'is not shared between concurrent instances, so a SQLite file would forget handled deliveries (a redelivery would post twice), ' +
    'sticky comments and promotions at every cold start.';

  test.each([
    ['unset', {}, `DATABASE_URL is not set: ${WHY}`],
    ['a SQLite path', { DATABASE_URL: '/tmp/modelgate.db' }, `DATABASE_URL names a SQLite database (/tmp/modelgate.db): ${WHY}`],
    ['a file: URL', { DATABASE_URL: 'file:///mnt/efs/modelgate.db' }, `DATABASE_URL names a SQLite database (/mnt/efs/modelgate.db): ${WHY}`],
  ])('DATABASE_URL %s: checkLambdaEnv says why', (_name, extra, message) => {
    expect(() => checkLambdaEnv({ ...CREDENTIALS, ...extra })).toThrow(message);
  });

  test('missing credentials are named, with no setup page to fall back to', () => {
    expect(() => checkLambdaEnv({ PRIVATE_KEY: privateKey, DATABASE_URL: 'postgres://db/modelgate' })).toThrow(
      "APP_ID, WEBHOOK_SECRET are not set: the function runs a registered GitHub App (there is no setup page on Lambda); set them from the App's settings page.",
    );
  });

  test('the handler answers 500 without opening anything, logs the reason in one line, and tries again on the next invocation', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const opened = jest.fn(openStore);
    const env: Record<string, string> = { ...CREDENTIALS, DATABASE_URL: './data/modelgate.db' };
    const handler = createHandler(env, { Octokit: TestOctokit, openStore: opened });
    try {
      const body = JSON.stringify(pullRequestEvent('synchronize', 1));
      const result = await handler(apiGatewayEvent('pull_request', body), context);
      expect(result).toEqual({ statusCode: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"modelgate could not start; its log says why."}' });
      expect(errors.mock.calls).toEqual([[`modelgate: DATABASE_URL names a SQLite database (${process.cwd()}/data/modelgate.db): ${WHY}`]]);
      expect(opened).not.toHaveBeenCalled();

      // Fixed configuration (here: the store) is picked up by the next invocation, not cached as a failure.
      env['DATABASE_URL'] = 'mysql://db/modelgate';
      await handler(apiGatewayEvent('pull_request', body), context);
      expect(errors.mock.calls[1]![0]).toMatch(/^modelgate: DATABASE_URL mysql:\/\/db\/modelgate is not supported/);
    } finally {
      errors.mockRestore();
      await handler.close();
    }
  });
});
