import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/app/logger.js';
import { checkEnv, createServer, type ModelgateServer, type ServerOptions } from '../../../src/server.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/index.js';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { assertAllMocksUsed, isolateNetwork } from '../../helpers/nock.js';
import { HEAD_SHA, pullRequestEvent } from '../../helpers/payloads.js';
import { privateKey, TestOctokit } from '../../helpers/probot.js';

const SECRET = 'a-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const ENV = { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' };
const MIB = 1024 * 1024;
/** A string that appears in test payloads: the log must never contain it. */
const CANARY = 'payload-canary-7f3e';

let server: ModelgateServer | null = null;
let store: Store | null = null;
let url = '';
let logLines: string[] = [];

beforeEach(() => {
  isolateNetwork();
  logLines = [];
});
afterEach(async () => {
  await server?.stop();
  server = null;
  store = null;
  assertAllMocksUsed();
});

/** A logger as `npm start` makes it (JSON lines), writing into logLines. */
async function jsonLogger(level = 'info') {
  const out = new Writable({
    write(chunk: Buffer, _e, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return createLogger({ LOG_FORMAT: 'json', LOG_LEVEL: level }, out);
}

async function start(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<void> {
  server = createServer({ ...ENV, ...env }, {
    Octokit: TestOctokit,
    log: await jsonLogger(),
    openStore: async (e, cwd) => (store = await openStore(e, cwd)),
    ...options,
  });
  await server.start();
  url = `http://127.0.0.1:${server.port}`;
}

const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function deliver(name: string, body: string, headers: Record<string, string> = {}, id = 'delivery-1'): Promise<Response> {
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'x-hub-signature-256': sign(body), ...headers },
    body,
  });
}

/** A metric's value from GET /metrics (0 when the series is absent). */
async function metric(series: string, headers: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function drained(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await store!.inboxStats()).pending === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the inbox still holds pending deliveries');
}

const warnings = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 40);

/**
 * Streams `total` bytes in `chunk`-byte pieces as one chunked request (no Content-Length) over a
 * raw socket, as long as the server reads; resolves with the status line's code and the
 * Connection header of the answer, or `reset` when the server's close reached the client first.
 */
function streamBody(total: number, chunk: number, headers: Record<string, string>): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve) => {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve(status ? { status: Number(status[1]), connection: /\r\nconnection: ([^\r]+)/i.exec(received)?.[1] } : { status: 0, connection: 'reset' });
    };
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (received.includes('\r\n\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    const piece = Buffer.concat([Buffer.from(`${chunk.toString(16)}\r\n`), Buffer.alloc(chunk, 'a'), Buffer.from('\r\n')]);
    const write = () => {
      while (!done && sent < total) {
        sent += chunk;
        if (!socket.write(piece)) return void socket.once('drain', write);
      }
      if (!done) socket.write('0\r\n\r\n');
    };
    socket.once('connect', () => {
      const lines = Object.entries({ host: `127.0.0.1:${port}`, 'x-github-event': 'pull_request', 'x-github-delivery': 'big', 'transfer-encoding': 'chunked', ...headers }).map(([k, v]) => `${k}: ${v}`);
      socket.write(`POST /api/github/webhooks HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      write();
    });
  });
}

/**
 * Opens a chunked request and sends `bytes` of its body (pieces of `chunk` bytes), then holds it
 * open without ending it: a client that is slow to send the rest. `end()` sends the last chunk;
 * `answer` resolves with the status code (0 when the connection was cut).
 */
function holdBody(bytes: number, chunk: number, headers: Record<string, string>): { end(): void; abort(): void; answer: Promise<number> } {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  const answer = new Promise<number>((resolve) => {
    const finish = () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0));
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (received.includes('\r\n\r\n')) {
        finish();
        socket.destroy();
      }
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
  socket.once('connect', () => {
    const lines = Object.entries({ host: `127.0.0.1:${port}`, 'x-github-event': 'pull_request', 'x-github-delivery': 'held', 'transfer-encoding': 'chunked', ...headers }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`POST /api/github/webhooks HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    for (let sent = 0; sent < bytes; sent += chunk) socket.write(Buffer.concat([Buffer.from(`${chunk.toString(16)}\r\n`), Buffer.alloc(chunk, 'a'), Buffer.from('\r\n')]));
  });
  return { end: () => socket.write('0\r\n\r\n'), abort: () => socket.destroy(), answer };
}

/** Waits until the server has read `bytes` body bytes in all (the metric), so a test knows its slow clients are held. */
async function bytesRead(bytes: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await metric('modelgate_webhook_body_bytes_read_total')) >= bytes) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the server did not read ${bytes} bytes`);
}

describe('the budget of unverified bytes (WEBHOOK_MAX_INFLIGHT_BYTES)', () => {
  const KIB = 1024;
  const forged = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };

  test('bodies held unverified fill it: a Content-Length that does not fit is 503 unread, a chunked body 503 once it does not fit; real deliveries pass again after', async () => {
    await start({ WEBHOOK_MAX_BYTES: String(MIB), WEBHOOK_MAX_INFLIGHT_BYTES: String(2 * MIB) });
    const a = holdBody(896 * KIB, 64 * KIB, forged);
    const b = holdBody(896 * KIB, 64 * KIB, forged);
    await bytesRead(2 * 896 * KIB);
    expect(await metric('modelgate_webhook_body_bytes_read_total')).toBe(2 * 896 * KIB);

    // 256 KiB are left: a signed 300 KiB delivery with a Content-Length is refused before a byte of it is read.
    const body = JSON.stringify({ ...pullRequestEvent('synchronize', 1), pad: 'x'.repeat(300 * KIB) });
    const refused = await deliver('pull_request', body, {}, 'd-busy');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.headers.get('connection')).toBe('close');
    await expect(refused.json()).resolves.toEqual({ error: `too many unverified webhook bytes in flight (WEBHOOK_MAX_INFLIGHT_BYTES=${2 * MIB}); redeliver later` });
    expect(await metric('modelgate_webhook_body_bytes_read_total')).toBe(2 * 896 * KIB);

    // A chunked one is read until a chunk does not fit: at most the 256 KiB left and the chunk that passed them.
    const chunked = await streamBody(MIB, 64 * KIB, forged);
    expect([{ status: 503, connection: 'close' }, { status: 0, connection: 'reset' }]).toContainEqual(chunked);
    const readOfChunked = (await metric('modelgate_webhook_body_bytes_read_total')) - 2 * 896 * KIB;
    expect(readOfChunked).toBeGreaterThan(256 * KIB);
    expect(readOfChunked).toBeLessThanOrEqual(256 * KIB + 64 * KIB);
    expect(await metric('modelgate_webhook_deliveries_refused_total{reason="over_budget"}')).toBe(2);
    await expect(store!.listDeliveries()).resolves.toEqual([]);

    // The held bodies end, are found forged (401) and give their bytes back: the same delivery is accepted now.
    a.end();
    b.end();
    await expect(Promise.all([a.answer, b.answer])).resolves.toEqual([401, 401]);
    const accepted = await deliver('pull_request', body, {}, 'd-busy');
    expect(accepted.status).toBe(202);
    await expect(store!.getDelivery('d-busy')).resolves.toMatchObject({ payload: body });
    expect(await metric('modelgate_webhook_deliveries_refused_total{reason="bad_signature"}')).toBe(2);
  });

  test('a signature header not of the form sha256=<64 hex> is 401 before any byte of the body is read', async () => {
    await start();
    const response = await deliver('pull_request', `{"x":"${CANARY}"}`, { 'x-hub-signature-256': 'sha1=abc' });
    expect(response.status).toBe(401);
    expect(response.headers.get('connection')).toBe('close');
    await expect(response.json()).resolves.toEqual({ error: 'the X-Hub-Signature-256 header is not sha256=<64 hex digits>' });
    expect(await metric('modelgate_webhook_body_bytes_read_total')).toBe(0);
  });

  test('ten forged bodies at once just under the cap: those that fit are read and found forged, the others refused 503 before their end', async () => {
    await start({ WEBHOOK_MAX_BYTES: String(MIB), WEBHOOK_MAX_INFLIGHT_BYTES: String(2 * MIB) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => streamBody(MIB - 64 * KIB, 64 * KIB, forged)));
    expect(answers.every((a) => [401, 503, 0].includes(a.status))).toBe(true);
    const forgedRead = await metric('modelgate_webhook_deliveries_refused_total{reason="bad_signature"}');
    const overBudget = await metric('modelgate_webhook_deliveries_refused_total{reason="over_budget"}');
    expect(forgedRead + overBudget).toBe(10);
    expect(forgedRead).toBeGreaterThanOrEqual(2);
    expect(overBudget).toBeGreaterThanOrEqual(1);
    // Each refused body was cut off before its end.
    expect(await metric('modelgate_webhook_body_bytes_read_total')).toBeLessThan(10 * (MIB - 64 * KIB));
    expect((await deliver('pull_request', JSON.stringify(pullRequestEvent('synchronize', 1)), {}, 'd-after')).status).toBe(202);
  });
});

describe('bodies past their first 256 KiB wait for their signature in a temp file (WEBHOOK_SPILL_DIR)', () => {
  const KIB = 1024;
  const forged = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-spill-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The spill directory's files once there are `n` of them (or after 5 s): deletion runs after the answer for an abort. */
  async function spilled(n = 0): Promise<string[]> {
    for (let i = 0; i < 500 && readdirSync(dir).length !== n; i++) await new Promise((r) => setTimeout(r, 10));
    return readdirSync(dir);
  }

  async function refusals(reason: string, n: number): Promise<number> {
    const series = `modelgate_webhook_deliveries_refused_total{reason="${reason}"}`;
    for (let i = 0; i < 500 && (await metric(series)) < n; i++) await new Promise((r) => setTimeout(r, 10));
    return metric(series);
  }

  test('a signed delivery larger than the in-memory part, with a Content-Length and chunked, is verified, stored whole and its file deleted', async () => {
    await start({ WEBHOOK_SPILL_DIR: dir });
    const body = JSON.stringify({ ...pullRequestEvent('synchronize', 1), pad: `${CANARY}${'é'.repeat(900 * KIB)}` });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1.5 * MIB);
    const withLength = await deliver('pull_request', body, {}, 'd-spilled');
    expect(withLength.status).toBe(202);
    await expect(withLength.json()).resolves.toEqual({ status: 'accepted' });
    await expect(store!.getDelivery('d-spilled')).resolves.toMatchObject({ payload: body });

    // Chunked, in uneven pieces that straddle the in-memory part's end (and split a two-byte character).
    const bytes = Buffer.from(body);
    const pieces = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 300_001), bytes.subarray(300_001)];
    const chunked = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-spilled-chunked', 'x-hub-signature-256': sign(body) },
      body: new ReadableStream({
        start(c) {
          for (const p of pieces) c.enqueue(p);
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(202);
    await expect(store!.getDelivery('d-spilled-chunked')).resolves.toMatchObject({ payload: body });
    expect(await metric('modelgate_webhook_body_bytes_read_total')).toBe(2 * bytes.length);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a body held open has its rest in one 0600 file, deleted when it is found forged and when the client aborts', async () => {
    await start({ WEBHOOK_SPILL_DIR: dir });
    const a = holdBody(512 * KIB, 64 * KIB, forged);
    await bytesRead(512 * KIB);
    // The file is opened off the event loop: it may show a moment after the bytes were read.
    const files = await spilled(1);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^modelgate-webhook-[0-9a-f-]{36}\.part$/);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    a.end();
    await expect(a.answer).resolves.toBe(401);
    expect(readdirSync(dir)).toEqual([]);

    const b = holdBody(512 * KIB, 64 * KIB, forged);
    await bytesRead(1024 * KIB);
    expect(await spilled(1)).toHaveLength(1);
    b.abort();
    await expect(spilled()).resolves.toEqual([]);
    expect(await refusals('aborted', 1)).toBe(1);
    expect(await metric('modelgate_webhook_deliveries_refused_total{reason="bad_signature"}')).toBe(1);
  });

  test('a body over the cap or the budget is cut off and its file deleted; a small delivery never touches the disk', async () => {
    await start({ WEBHOOK_SPILL_DIR: dir, WEBHOOK_MAX_BYTES: String(MIB), WEBHOOK_MAX_INFLIGHT_BYTES: String(MIB) });
    const over = await streamBody(2 * MIB, 64 * KIB, forged);
    expect([{ status: 413, connection: 'close' }, { status: 0, connection: 'reset' }]).toContainEqual(over);
    await expect(spilled()).resolves.toEqual([]);
    expect(await refusals('too_large', 1)).toBe(1);

    const before = await metric('modelgate_webhook_body_bytes_read_total');
    const held = holdBody(768 * KIB, 64 * KIB, forged);
    await bytesRead(before + 768 * KIB);
    const busy = await streamBody(512 * KIB, 64 * KIB, forged);
    expect([{ status: 503, connection: 'close' }, { status: 0, connection: 'reset' }]).toContainEqual(busy);
    expect(await refusals('over_budget', 1)).toBe(1);
    expect(await spilled(1)).toHaveLength(1); // the held body's only: the refused one's is gone
    held.end();
    await expect(held.answer).resolves.toBe(401);
    expect(readdirSync(dir)).toEqual([]);

    const small = JSON.stringify(pullRequestEvent('synchronize', 1));
    expect((await deliver('pull_request', small, {}, 'd-small')).status).toBe(202);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a spill directory that cannot be written: 503 with Retry-After, an error line, nothing stored; small deliveries still pass', async () => {
    await start({ WEBHOOK_SPILL_DIR: dir });
    rmSync(dir, { recursive: true });
    const body = JSON.stringify({ ...pullRequestEvent('synchronize', 1), pad: 'x'.repeat(MIB) });
    const response = await deliver('pull_request', body, {}, 'd-nowhere');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    await expect(response.json()).resolves.toEqual({ error: 'the server could not hold the body until its signature was checked; redeliver later' });
    expect(await metric('modelgate_webhook_deliveries_refused_total{reason="spill_unavailable"}')).toBe(1);
    const errors = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 50);
    expect(errors).toEqual([expect.objectContaining({ delivery: 'd-nowhere', msg: 'Could not write a webhook body to its temp file (WEBHOOK_SPILL_DIR).', error: expect.stringContaining('ENOENT') })]);
    await expect(store!.listDeliveries()).resolves.toEqual([]);
    expect((await deliver('pull_request', JSON.stringify(pullRequestEvent('synchronize', 1)), {}, 'd-small')).status).toBe(202);
  });

  test('WEBHOOK_SPILL_DIR must be an absolute path to an existing directory', () => {
    for (const value of ['relative/dir', join(dir, 'missing')]) {
      expect(() => checkEnv({ ...ENV, WEBHOOK_SPILL_DIR: value }, process.cwd())).toThrow(`WEBHOOK_SPILL_DIR must be the absolute path of an existing directory (for webhook bodies past their first 256 KiB until their signatures are checked); got "${value}".`);
    }
    expect(() => checkEnv({ ...ENV, WEBHOOK_SPILL_DIR: dir }, process.cwd())).not.toThrow();
  });
});

describe('the webhook intake', () => {
  test('a body over WEBHOOK_MAX_BYTES without a Content-Length: 413 once the cap is passed, the rest never read', async () => {
    await start({ WEBHOOK_MAX_BYTES: String(MIB) });
    const answer = await streamBody(64 * MIB, 64 * 1024, { 'x-hub-signature-256': sign('anything') });
    expect([{ status: 413, connection: 'close' }, { status: 0, connection: 'reset' }]).toContainEqual(answer);
    const read = await metric('modelgate_webhook_body_bytes_read_total');
    // Read up to the cap and the chunk that passed it (socket reads are at most 64 KiB here), never the 64 MiB sent.
    expect(read).toBeGreaterThan(MIB);
    expect(read).toBeLessThan(MIB + 256 * 1024);
    expect(await metric('modelgate_webhook_deliveries_refused_total{reason="too_large"}')).toBe(1);
  });

  test('a Content-Length over the cap, or a missing signature: refused before any byte of the body is read', async () => {
    await start({ WEBHOOK_MAX_BYTES: String(MIB) });
    const big = `{"x":"${CANARY}${'a'.repeat(2 * MIB)}"}`;
    const tooLarge = await deliver('pull_request', big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('connection')).toBe('close');
    const unsigned = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-unsigned' },
      body: `{"x":"${CANARY}"}`,
    });
    expect(unsigned.status).toBe(400);
    await expect(unsigned.json()).resolves.toEqual({ error: 'missing X-Hub-Signature-256 header' });
    expect(await metric('modelgate_webhook_body_bytes_read_total')).toBe(0);
    expect(await metric('modelgate_webhook_deliveries_refused_total{reason="missing_headers"}')).toBe(1);
  });

  test('a bad signature: 401, one short warn line with the delivery, event, remote address and size, never the payload', async () => {
    await start();
    const body = JSON.stringify({ ...pullRequestEvent('synchronize', 1), note: CANARY });
    const response = await deliver('pull_request', body, { 'x-hub-signature-256': sign(body, 'not-the-secret') }, 'd-forged');
    expect(response.status).toBe(401);
    expect(warnings()).toEqual([
      expect.objectContaining({ delivery: 'd-forged', event: 'pull_request', remote: '127.0.0.1', size: Buffer.byteLength(body), reason: 'bad_signature', msg: 'Refused a webhook delivery: the signature does not match the body (check WEBHOOK_SECRET)' }),
    ]);
    expect(logLines.join('\n')).not.toContain(CANARY);
    await expect(store!.listDeliveries()).resolves.toEqual([]);
  });

  test.each([
    ['pull_request', '{"action":"opened"}', 'malformed pull_request payload: repository: Invalid input: expected object, received undefined; installation: Invalid input: expected object, received undefined; number: Invalid input: expected number, received undefined'],
    ['pull_request', JSON.stringify({ ...pullRequestEvent('opened', 1), pull_request: { number: 2, head: { sha: 'nope', ref: 'x' }, base: { sha: HEAD_SHA, ref: 'master' } } }), 'malformed pull_request payload: pull_request.head.sha: expected a commit SHA'],
    ['issue_comment', JSON.stringify({ ...pullRequestEvent('opened', 1), action: 'created' }), 'malformed issue_comment payload: issue: Invalid input: expected object, received undefined; comment: Invalid input: expected object, received undefined'],
    ['pull_request', '{"action": "opened",', 'the body is not JSON'],
  ])('a signed but malformed %s payload: 400 with the reason, nothing stored', async (event, body, reason) => {
    await start();
    const response = await deliver(event, body);
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({ error: reason });
    await expect(store!.listDeliveries()).resolves.toEqual([]);
  });

  test('ping is answered; an event without a handler is acknowledged and not stored', async () => {
    await start();
    const ping = await deliver('ping', '{"zen":"Keep it logically awesome."}');
    expect(ping.status).toBe(200);
    const labeled = await deliver('pull_request', JSON.stringify(pullRequestEvent('labeled', 1)), {}, 'd-labeled');
    expect(labeled.status).toBe(202);
    await expect(labeled.json()).resolves.toEqual({ status: 'ignored' });
    await expect(store!.listDeliveries()).resolves.toEqual([]);
  });

  test('the 202 comes before any GitHub call; the delivery is stored with what the operator needs', async () => {
    const github = new FakeGitHub();
    await start();
    const body = JSON.stringify(pullRequestEvent('synchronize', 1));
    // Hold the worker off: the token call will only be answered after the 202 was seen.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    github.scope
      .post('/app/installations/1/access_tokens')
      .reply(async () => {
        await gate;
        return [500, { message: 'stop here' }];
      });
    const response = await deliver('pull_request', body, {}, 'd-ack');
    expect(response.status).toBe(202);
    const [stored] = await store!.listDeliveries();
    expect(stored).toMatchObject({ id: 'd-ack', event: 'pull_request', action: 'synchronize', installationId: 1, repo: REPO, pr: 2, orderingKey: '186853002#2' });
    await expect(store!.getDelivery('d-ack')).resolves.toMatchObject({ payload: body });
    // The worker then takes it and makes its first call, held until now.
    for (let i = 0; i < 500 && github.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(github.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /app/installations/1/access_tokens']);
    release();
    await server!.stop();
    server = null;
  });
});

describe('workers', () => {
  test('a failing delivery is retried, then a dead letter; the handler errors are kept, not the payload', async () => {
    const github = new FakeGitHub();
    github.scope.post('/app/installations/1/access_tokens').times(2).reply(500, { message: 'GitHub is down' });
    await start({ INBOX_MAX_ATTEMPTS: '2' }, { worker: { backoffMs: 0, pollMs: 20 } });
    expect((await deliver('pull_request', JSON.stringify(pullRequestEvent('synchronize', 1)), {}, 'd-dead')).status).toBe(202);
    for (let i = 0; i < 500 && (await store!.inboxStats()).dead === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await store!.getDelivery('d-dead')).toMatchObject({ state: 'dead', attempts: 2, lastError: expect.stringContaining('GitHub is down') });
    expect(await metric('modelgate_handler_failures_total{event="pull_request.synchronize",final="true"}')).toBe(1);
    expect(await metric('modelgate_handler_failures_total{event="pull_request.synchronize",final="false"}')).toBe(1);
    expect(await metric('modelgate_inbox_depth{state="dead"}')).toBe(1);
    expect(github.calls.map((c) => `${c.method} ${c.path}`)).toEqual(Array(2).fill('POST /app/installations/1/access_tokens'));
  });

  test('a handled delivery logs JSON lines with unique keys that name the delivery, event, installation, repo and PR', async () => {
    const github = new FakeGitHub();
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }])
      .file(REPO, 'models/a/MODEL_CARD.md', HEAD_SHA, readFileSync(new URL('../../fixtures/github/cards/valid.md', import.meta.url)))
      .updateCheck(REPO);
    await start();
    expect((await deliver('pull_request', JSON.stringify({ ...pullRequestEvent('synchronize', 1), note: CANARY }), {}, 'd-logged')).status).toBe(202);
    await drained();
    const handled = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'Handled a webhook delivery.');
    expect(handled).toMatchObject({ delivery: 'd-logged', event: 'pull_request.synchronize', installation: 1, repo: REPO, pr: 2, attempt: 1 });
    for (const line of logLines) {
      const keys = [...line.matchAll(/"([^"\\]+)":/g)].map((m) => m[1]);
      // Top-level keys only matter, but no line here nests a repeated key either.
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(logLines.join('\n')).not.toContain(CANARY);
    expect(logLines.join('\n')).not.toContain('ghs_test1');
    expect(await metric('modelgate_github_api_calls_total{method="PATCH",status="200"}')).toBe(1);
    expect(github.checkUpdates).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
  });
});

describe('health, readiness, metrics, routes', () => {
  test('/readyz is 200 with the checks; 503 when the schema is not the current one, and when the store is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-ready-'));
    try {
      await start({ DATABASE_URL: join(dir, 'app.db') });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      await expect(ready.json()).resolves.toEqual({ status: 'ready', checks: { store: 'ok', migrations: 'ok', inbox: 'ok' } });

      const db = new (createRequire(import.meta.url)('better-sqlite3'))(join(dir, 'app.db'));
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.000Z')").run();
      db.close();
      const newer = await fetch(`${url}/readyz`);
      expect(newer.status).toBe(503);
      await expect(newer.json()).resolves.toMatchObject({ status: 'not ready', checks: { migrations: expect.stringMatching(/^schema version 999, expected \d+$/) } });

      await store!.close();
      const gone = await fetch(`${url}/readyz`);
      expect(gone.status).toBe(503);
      await expect(gone.json()).resolves.toEqual({ status: 'not ready', checks: { store: 'unavailable: the store is closed' } });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await server?.stop().catch(() => undefined);
      server = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/readyz is 503 when the inbox is stuck (a due delivery waited past INBOX_STUCK_SECONDS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-stuck-'));
    try {
      await start({ DATABASE_URL: join(dir, 'app.db'), INBOX_STUCK_SECONDS: '60' }, { worker: { pollMs: 3_600_000 } });
      const past = await openStore({ DATABASE_URL: join(dir, 'app.db') }, dir, { now: () => new Date(Date.now() - 120_000) });
      await past.enqueueDelivery({ id: 'old', event: 'pull_request', action: 'synchronize', installationId: 1, repo: REPO, pr: 2, orderingKey: null, payload: '{}' });
      await past.close();
      const stuck = await fetch(`${url}/readyz`);
      expect(stuck.status).toBe(503);
      await expect(stuck.json()).resolves.toMatchObject({ checks: { inbox: expect.stringMatching(/^stuck: the oldest due delivery has waited 1[12]\d s$/) } });
      expect(await metric('modelgate_inbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(120);
    } finally {
      await server?.stop();
      server = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/metrics is Prometheus text; with METRICS_TOKEN only for that bearer token', async () => {
    await start({ METRICS_TOKEN: 's3cret-token' });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    await deliver('pull_request', '{}', { 'x-hub-signature-256': sign('{}', 'nope') });
    const response = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE modelgate_webhook_deliveries_received_total counter');
    expect(text).toContain('modelgate_webhook_deliveries_received_total 1');
    expect(text).toContain('modelgate_webhook_deliveries_refused_total{reason="bad_signature"} 1');
    expect(text).toContain('modelgate_inbox_depth{state="pending"} 0');
    expect(text).toContain('# TYPE modelgate_handler_duration_seconds histogram');
  });

  test('added routes are tried after modelgate\'s own and before the 404, with credentials and in setup mode', async () => {
    const routes: NonNullable<ServerOptions['routes']> = [
      (req, res) => (req.url === '/slack/events' ? (res.writeHead(200).end('slack'), true) : false),
      async (req, res) => (req.url === '/async' ? (res.writeHead(204).end(), true) : false),
    ];
    await start({}, { routes });
    expect(await (await fetch(`${url}/slack/events`, { method: 'POST' })).text()).toBe('slack');
    expect((await fetch(`${url}/async`)).status).toBe(204);
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
    await server!.stop();

    const saved = process.env.NO_SMEE_SETUP;
    process.env.NO_SMEE_SETUP = 'true';
    try {
      server = createServer({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' }, { routes, log: await jsonLogger('silent') });
      await server.start();
      url = `http://127.0.0.1:${server.port}`;
      expect(await (await fetch(`${url}/slack/events`, { method: 'POST' })).text()).toBe('slack');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    } finally {
      if (saved === undefined) delete process.env.NO_SMEE_SETUP;
      else process.env.NO_SMEE_SETUP = saved;
    }
  });

  test('stop() with deliveries in flight gives them back to the inbox, their attempt not counted, and closes the store', async () => {
    const github = new FakeGitHub();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    github.scope.post('/app/installations/1/access_tokens').reply(async () => {
      await gate;
      return [500, { message: 'late' }];
    });
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-stop-'));
    try {
      await start({ DATABASE_URL: join(dir, 'app.db'), SHUTDOWN_TIMEOUT_SECONDS: '0' });
      expect((await deliver('pull_request', JSON.stringify(pullRequestEvent('synchronize', 1)), {}, 'd-inflight')).status).toBe(202);
      for (let i = 0; i < 500 && github.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(github.calls).toHaveLength(1);
      await server!.stop();
      server = null;
      release();
      const after = await openStore({ DATABASE_URL: join(dir, 'app.db') }, dir);
      expect(await after.getDelivery('d-inflight')).toMatchObject({ state: 'pending', attempts: 0, leaseOwner: null, leaseUntil: null });
      await after.close();
    } finally {
      release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
