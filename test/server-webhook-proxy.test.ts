import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type ModelgateServer } from '../src/server.js';
import { FakeGitHub } from './helpers/fake-github.js';
import { assertAllMocksUsed, isolateNetwork } from './helpers/nock.js';
import { HEAD_SHA, pullRequestEvent } from './helpers/payloads.js';
import { privateKey, TestOctokit } from './helpers/probot.js';

/**
 * Local development with a smee.io channel (WEBHOOK_PROXY_URL): the server subscribes to the
 * channel and forwards each delivery to its own /api/github/webhooks, and the setup page
 * registers the App with the channel as its webhook URL. The channel here is a loopback
 * stand-in for smee.io speaking its protocol (server-sent events, one JSON message per
 * delivery: the headers, `body` and `query`).
 */
const SECRET = 'a-webhook-secret';
const REPO = 'Codertocat/Hello-World';

class FakeSmeeChannel {
  readonly url: Promise<string>;
  private readonly server: HttpServer;
  private subscriber: ServerResponse | null = null;
  private subscribed: Array<() => void> = [];

  constructor() {
    this.server = createHttpServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/test-channel') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write('event: ready\ndata: {}\n\n');
      this.subscriber = res;
      for (const resolve of this.subscribed.splice(0)) resolve();
    });
    this.url = new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address();
        resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/test-channel`);
      }),
    );
  }

  /** Resolves once a client is listening on the channel. */
  subscriberConnected(): Promise<void> {
    return this.subscriber ? Promise.resolve() : new Promise((resolve) => this.subscribed.push(resolve));
  }

  /** What GitHub's POST to the channel becomes on smee.io: one message to every subscriber. */
  send(headers: Record<string, string>, body: unknown): void {
    this.subscriber!.write(`data: ${JSON.stringify({ ...headers, body, query: {}, timestamp: Date.now() })}\n\n`);
  }

  async close(): Promise<void> {
    this.subscriber?.end();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let server: ModelgateServer | null = null;
let channel: FakeSmeeChannel;

beforeEach(() => {
  isolateNetwork();
  channel = new FakeSmeeChannel();
});
afterEach(async () => {
  await server?.stop();
  server = null;
  await channel.close();
  assertAllMocksUsed();
});

describe('WEBHOOK_PROXY_URL (smee.io) for local development', () => {
  test('the server subscribes to the channel and handles the deliveries it relays, signature checked', async () => {
    const github = new FakeGitHub();
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }])
      .file(REPO, 'models/a/MODEL_CARD.md', HEAD_SHA, readFileSync(new URL('./fixtures/github/cards/valid.md', import.meta.url)))
      .updateCheck(REPO);
    const done = new Promise<void>((resolve) => github.scope.on('replied', () => github.calls.length === 6 && resolve()));
    server = createServer(
      { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:', WEBHOOK_PROXY_URL: await channel.url },
      { Octokit: TestOctokit },
    );
    await server.start();
    await channel.subscriberConnected();

    const payload = pullRequestEvent('synchronize', 1);
    // smee.io relays the parsed body, which the client serializes again: GitHub's compact JSON survives that.
    const body = JSON.stringify(payload);
    // A relayed delivery with a wrong signature is refused like a direct one: nothing happens for it.
    channel.send({ 'x-github-event': 'pull_request', 'x-github-delivery': 'bad-1', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, payload);
    channel.send({ 'x-github-event': 'pull_request', 'x-github-delivery': 'good-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` }, payload);
    await done;

    expect(github.checkCreates).toEqual([expect.objectContaining({ name: 'modelgate / model cards', head_sha: HEAD_SHA })]);
    expect(github.checkUpdates).toEqual([expect.objectContaining({ conclusion: 'success' })]);
  });

  describe('the setup page', () => {
    const saved = process.env['WEBHOOK_PROXY_URL'];
    afterEach(() => {
      if (saved === undefined) delete process.env['WEBHOOK_PROXY_URL'];
      else process.env['WEBHOOK_PROXY_URL'] = saved;
    });

    test("registers the App with the channel as its webhook URL (Probot's setup reads it from the environment)", async () => {
      const url = await channel.url;
      process.env['WEBHOOK_PROXY_URL'] = url;
      server = createServer({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:', WEBHOOK_PROXY_URL: url }, { Octokit: TestOctokit });
      await server.start();

      const html = await (await fetch(`http://127.0.0.1:${server.port}/probot`)).text();
      const manifest = JSON.parse(/value='([^']*)'/.exec(html)![1]!);
      expect(manifest.hook_attributes).toEqual({ url });
      // app.yml must not set hook_attributes: Probot spreads it over the channel, which would then never be used.
      expect(readFileSync(new URL('../app.yml', import.meta.url), 'utf8')).not.toMatch(/^hook_attributes:/m);
    });
  });
});
