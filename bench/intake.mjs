// Benchmark of the webhook intake, on the built code: run `npm run build` first.
//   node bench/intake.mjs
// The real server (lib/server.js) runs in a child process, against the fake GitHub on loopback
// (test/helpers/fake-github-server.mjs) answering every call 200 ms late, with Probot's
// throttling on (as in production). Printed, not asserted:
//   1. acknowledgement latency (request to response) of 50 concurrent signed pull_request
//      deliveries, p50/p99 over 5 rounds, next to a bare node:http server answering 202 after
//      reading the body, measured in the same run; then how many of the 250 checks the workers
//      completed within 90 s (the throttled GitHub writes are the bound there, not the intake);
//   2. the server's peak RSS (VmHWM) while 10 clients at once send 50 MB unsigned bodies, with
//      a Content-Length and chunked, against its RSS at rest.
// Loopback only; bounded in count and time; stops by itself. Linux (/proc) for the RSS figures.
/* global fetch, setTimeout, structuredClone */
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeGitHubServer } from '../test/helpers/fake-github-server.mjs';

const SECRET = 'bench-secret';
const CONCURRENT = 50;
const ROUNDS = 5;
const MB = 1000 * 1000;
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const CARD = readFileSync(new URL('../test/fixtures/github/cards/valid.md', import.meta.url), 'utf8');
const examples = JSON.parse(readFileSync(new URL('../node_modules/@octokit/webhooks-examples/api.github.com/index.json', import.meta.url), 'utf8'));
const example = examples.find((d) => d.name === 'pull_request').examples.find((e) => e.action === 'synchronize' && e.installation);

const github = new FakeGitHubServer({ owner: 'acme', repo: 'models', repoId: 4242, delayMs: 200 });
await github.start();
const dir = mkdtempSync(join(tmpdir(), 'modelgate-bench-intake-'));

function payload(pr) {
  const head = github.detachedCommit({ 'models/a/MODEL_CARD.md': CARD }, `head of #${pr}`);
  github.pullFiles.set(pr, [{ filename: 'models/a/MODEL_CARD.md', status: 'modified' }]);
  const p = structuredClone(example);
  const repository = { ...p.repository, id: 4242, name: 'models', full_name: 'acme/models', default_branch: 'main', owner: { ...p.repository.owner, login: 'acme' } };
  Object.assign(p, { repository, number: pr, installation: { id: 7 } });
  p.pull_request = { ...p.pull_request, number: pr, changed_files: 1, head: { ...p.pull_request.head, sha: head, repo: repository }, base: { ...p.pull_request.base, sha: github.head, ref: 'main', repo: repository } };
  return JSON.stringify(p);
}

function startApp(databaseUrl) {
  const script = `import { createServer } from ${JSON.stringify(new URL('../lib/server.js', import.meta.url).href)};
    const server = createServer(process.env); await server.start(); process.stdout.write('listening ' + server.port + '\\n');
    process.once('SIGTERM', () => server.stop().then(() => process.exit(0)));`;
  const env = { ...process.env, APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: 'http', NODE_ENV: 'production' };
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`the App exited (${code})`)));
  });
}

const stop = (app) => new Promise((resolve) => (app.child.once('exit', resolve), app.child.kill('SIGTERM')));
const kib = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function ackLatencies(url, bodyFor) {
  const all = [];
  for (let round = 0; round < ROUNDS; round++) {
    const times = await Promise.all(
      Array.from({ length: CONCURRENT }, async (_, i) => {
        const id = `bench-${round}-${i}`;
        const body = bodyFor(round * CONCURRENT + i + 1);
        const t0 = performance.now();
        const res = await fetch(`${url}/api/github/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`expected 202, got ${res.status}`);
        return performance.now() - t0;
      }),
    );
    all.push(...times);
  }
  return all.sort((a, b) => a - b);
}

/** Sends `bytes` unsigned bytes (a Content-Length, or chunked); resolves with the status (or the socket error) once answered or cut off. */
function hostile(url, bytes, chunked) {
  return new Promise((resolve) => {
    const headers = { 'x-github-event': 'pull_request', 'x-github-delivery': 'hostile', ...(chunked ? {} : { 'content-length': String(bytes) }) };
    const req = request(`${url}/api/github/webhooks`, { method: 'POST', headers });
    const piece = Buffer.alloc(MB, 'a');
    let sent = 0;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(result);
    };
    req.on('response', (res) => (res.resume(), finish(String(res.statusCode))));
    req.on('error', (error) => finish(error.code ?? 'error'));
    const write = () => {
      while (!done && sent < bytes) {
        sent += MB;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      if (!done) req.end();
    };
    write();
    setTimeout(() => finish('timeout'), 30_000).unref();
  });
}

try {
  // 1. A bare server: the floor for answering a 50-concurrent burst on this machine.
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202).end('{"status":"accepted"}'));
  });
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  const bodies = new Map();
  const bodyFor = (n) => bodies.get(n) ?? (bodies.set(n, payload(n)), bodies.get(n));
  const reference = await ackLatencies(`http://127.0.0.1:${bare.address().port}`, bodyFor);
  await new Promise((r) => bare.close(r));

  const app = await startApp(join(dir, 'ack.db'));
  const started = performance.now();
  const acks = await ackLatencies(app.url, bodyFor);
  const total = CONCURRENT * ROUNDS;
  const completed = () => github.checkUpdates.filter((u) => u.status === 'completed').length;
  while (completed() < total && performance.now() - started < 90_000) await new Promise((r) => setTimeout(r, 100));
  const endToEnd = performance.now() - started;
  await stop(app);

  console.log(`Acknowledgement of ${CONCURRENT} concurrent signed pull_request deliveries (${ROUNDS} rounds, fake GitHub 200 ms per call, throttling on):`);
  console.log(`  modelgate:        p50 ${fmt(pct(acks, 50))}, p99 ${fmt(pct(acks, 99))}, max ${fmt(acks.at(-1))}`);
  console.log(`  bare node:http:   p50 ${fmt(pct(reference, 50))}, p99 ${fmt(pct(reference, 99))}, max ${fmt(reference.at(-1))}   (same run)`);
  console.log(`  checks completed: ${completed()} of ${total} in ${(endToEnd / 1000).toFixed(1)} s (bounded at 90 s; throttled writes to one installation)`);

  // 2. Peak RSS under hostile bodies, in a fresh process.
  const rssApp = await startApp(join(dir, 'rss.db'));
  await new Promise((r) => setTimeout(r, 500));
  const atRest = kib(rssApp.child.pid, 'VmRSS');
  const withLength = await Promise.all(Array.from({ length: 10 }, () => hostile(rssApp.url, 50 * MB, false)));
  const chunked = await Promise.all(Array.from({ length: 10 }, () => hostile(rssApp.url, 50 * MB, true)));
  const peak = kib(rssApp.child.pid, 'VmHWM');
  const health = await fetch(`${rssApp.url}/healthz`);
  await stop(rssApp);
  const answers = (list) => Object.entries(list.reduce((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {})).map(([k, v]) => `${v}× ${k}`).join(', ');
  console.log('10 concurrent 50 MB unsigned bodies:');
  console.log(`  with Content-Length: ${answers(withLength)}; chunked: ${answers(chunked)}; /healthz then ${health.status}`);
  console.log(`  server RSS at rest ${(atRest / 1024).toFixed(0)} MB, peak ${(peak / 1024).toFixed(0)} MB (VmHWM, the whole run of that process)`);
} finally {
  await github.stop();
  rmSync(dir, { recursive: true, force: true });
}
