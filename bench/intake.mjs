// Benchmark of the webhook intake, on the built code: run `npm run build` first.
//   node bench/intake.mjs [ack|rss|all]     (default all)
// The real server (lib/server.js) runs in a child process, against the fake GitHub on loopback
// (test/helpers/fake-github-server.mjs) answering every call 200 ms late, with Probot's
// throttling on (as in production). Printed, not asserted:
//   1. acknowledgement latency of 50 concurrent signed pull_request deliveries, p50/p99 over 5
//      rounds after a warm-up round (and, for the App, once a warm-up delivery was handled, so its
//      workers are warm and busy), from a load generator in a process of its own
//      (bench/intake-burst.mjs: a new connection per delivery, timed from the first byte sent to
//      the answer), next to a bare node:http server (also a child process) answering 202 after
//      reading the body, measured in the same run with the same requests; the server's CPU time
//      over the rounds (its workers handle the earlier rounds' deliveries meanwhile); then how
//      many of the 300 checks the workers completed within 90 s (the throttled GitHub writes
//      are the bound there, not the intake);
//   2. the server's peak RSS (VmHWM) while 10 clients at once send 50 MB bodies: unsigned, and
//      signed with a wrong HMAC (forged), each with a Content-Length and chunked, against its
//      RSS at rest.
// Loopback only; bounded in count and time; stops by itself. Linux (/proc) for the CPU and RSS figures.
/* global fetch, setTimeout, structuredClone */
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FakeGitHubServer } from '../test/helpers/fake-github-server.mjs';

const SECRET = 'bench-secret';
const CONCURRENT = 50;
const ROUNDS = 5;
const MODE = process.argv[2] ?? 'all';
if (!['ack', 'rss', 'all'].includes(MODE)) throw new Error(`usage: node bench/intake.mjs [ack|rss|all]; got ${MODE}`);
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

/** The App in a child process, as `npm start` runs it (BENCH_NODE_OPTIONS reaches only it, e.g. --cpu-prof). */
function startApp(databaseUrl) {
  const script = `import { createServer } from ${JSON.stringify(new URL('../lib/server.js', import.meta.url).href)};
    const server = createServer(process.env); await server.start(); process.stdout.write('listening ' + server.port + '\\n');
    process.once('SIGTERM', () => server.stop().then(() => process.exit(0)));`;
  const env = { ...process.env, APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: 'http', NODE_ENV: 'production', SHUTDOWN_TIMEOUT_SECONDS: '2' };
  return listening(script, env, (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean));
}

/** The reference: a bare node:http server, in a child process like the App, answering 202 once it has read the body. */
function startBare() {
  const script = `import { createServer } from 'node:http';
    const server = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}')); });
    server.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + server.address().port + '\\n'));
    process.once('SIGTERM', () => server.close(() => process.exit(0)));`;
  return listening(script, process.env, []);
}

function listening(script, env, flags) {
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
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
/** CPU ms (user + system) a process has used so far (/proc/<pid>/stat, in clock ticks of 10 ms). */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** The requests of one round: `CONCURRENT` signed pull_request deliveries, numbered from `first`. */
function round(first, bodyFor, tag) {
  return Array.from({ length: CONCURRENT }, (_, i) => {
    const body = bodyFor(first + i);
    const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': `bench-${tag}-${first + i}`, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` };
    return { headers, body };
  });
}

/**
 * A warm-up round, then (once `warm()` resolves) `ROUNDS` rounds, each from a load generator in a
 * process of its own; each measured delivery's time, sorted.
 */
async function ackLatencies(url, bodyFor, tag, warm = async () => undefined) {
  await burst({ url: `${url}/api/github/webhooks`, warmup: round(1, bodyFor, tag), rounds: [] });
  await warm();
  const { times, statuses } = await burst({ url: `${url}/api/github/webhooks`, warmup: [], rounds: Array.from({ length: ROUNDS }, (_, r) => round((r + 1) * CONCURRENT + 1, bodyFor, tag)) });
  if (statuses['202'] !== times.length) throw new Error(`expected every delivery answered 202, got ${JSON.stringify(statuses)}`);
  if (process.env.BENCH_ROUNDS) {
    for (let r = 0; r < ROUNDS; r++) {
      const t = times.slice(r * CONCURRENT, (r + 1) * CONCURRENT).sort((a, b) => a - b);
      console.log(`    ${tag} round ${r + 1}: p50 ${fmt(pct(t, 50))}, max ${fmt(t.at(-1))}`);
    }
  }
  return times.sort((a, b) => a - b);
}

function burst(input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./intake-burst.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the load generator exited with ${code}`))));
    child.stdin.end(JSON.stringify(input));
  });
}

/**
 * Sends `bytes` bytes (a Content-Length, or chunked), unsigned or with a signature that does not
 * match (forged); resolves with the status (or the socket error) once answered or cut off.
 */
function hostile(url, bytes, chunked, forged) {
  return new Promise((resolve) => {
    const headers = {
      'x-github-event': 'pull_request',
      'x-github-delivery': 'hostile',
      ...(forged ? { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } : {}),
      ...(chunked ? {} : { 'content-length': String(bytes) }),
    };
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

const answers = (list) => Object.entries(list.reduce((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {})).map(([k, v]) => `${v}× ${k}`).join(', ');

try {
  if (MODE !== 'rss') {
    // 1. The reference first: a bare server, the floor for answering a 50-concurrent burst on this machine now.
    const bodies = new Map();
    const bodyFor = (n) => bodies.get(n) ?? (bodies.set(n, payload(n)), bodies.get(n));
    const bare = await startBare();
    const reference = await ackLatencies(bare.url, bodyFor, 'bare');
    await stop(bare);

    const app = await startApp(join(dir, 'ack.db'));
    const started = performance.now();
    const total = CONCURRENT * (ROUNDS + 1);
    const completed = () => github.checkUpdates.filter((u) => u.status === 'completed').length;
    let cpu0 = 0;
    let measured = 0;
    // Warm means the workers too: the measured rounds start once a warm-up delivery was handled
    // (its check completed), so they meet a server in its steady state, its workers busy.
    const acks = await ackLatencies(app.url, bodyFor, 'app', async () => {
      const until = performance.now() + 30_000;
      while (completed() === 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
      cpu0 = cpuMs(app.child.pid);
      measured = performance.now();
    });
    const cpuRounds = cpuMs(app.child.pid) - cpu0;
    const burstMs = performance.now() - measured;
    // `ack` alone skips the wait (and the figure), for quick comparisons of the acknowledgement.
    while (MODE === 'all' && completed() < total && performance.now() - started < 90_000) await new Promise((r) => setTimeout(r, 100));
    const endToEnd = performance.now() - started;
    await stop(app);

    console.log(`Acknowledgement of ${CONCURRENT} concurrent signed pull_request deliveries (a warm-up round, then ${ROUNDS} rounds while the workers handle the earlier ones; a new connection each; fake GitHub 200 ms per call, throttling on):`);
    console.log(`  modelgate:        p50 ${fmt(pct(acks, 50))}, p99 ${fmt(pct(acks, 99))}, max ${fmt(acks.at(-1))}`);
    console.log(`  bare node:http:   p50 ${fmt(pct(reference, 50))}, p99 ${fmt(pct(reference, 99))}, max ${fmt(reference.at(-1))}   (same run; ratio p99 ${(pct(acks, 99) / pct(reference, 99)).toFixed(1)}×)`);
    console.log(`  server CPU while the ${ROUNDS * CONCURRENT} measured deliveries arrived: ${cpuRounds} ms over ${(burstMs / 1000).toFixed(1)} s (intake and the workers handling earlier rounds)`);
    if (MODE === 'all') console.log(`  checks completed: ${completed()} of ${total} in ${(endToEnd / 1000).toFixed(1)} s (bounded at 90 s; throttled writes to one installation)`);
  }

  if (MODE !== 'ack') {
    // 2. Peak RSS under hostile bodies, in a fresh process.
    const rssApp = await startApp(join(dir, 'rss.db'));
    await new Promise((r) => setTimeout(r, 500));
    const atRest = kib(rssApp.child.pid, 'VmRSS');
    const results = [];
    let peak = atRest;
    for (const forged of [false, true]) {
      for (const chunked of [false, true]) {
        // Each case's own peak: writing 5 to clear_refs resets VmHWM to the RSS now (Linux ≥ 4.0).
        const before = kib(rssApp.child.pid, 'VmRSS');
        writeFileSync(`/proc/${rssApp.child.pid}/clear_refs`, '5');
        const got = await Promise.all(Array.from({ length: 10 }, () => hostile(rssApp.url, 50 * MB, chunked, forged)));
        const casePeak = kib(rssApp.child.pid, 'VmHWM');
        peak = Math.max(peak, casePeak);
        results.push(`${forged ? 'forged' : 'unsigned'} ${chunked ? 'chunked' : 'with Content-Length'}: ${answers(got)}; RSS ${(before / 1024).toFixed(0)} MB before, peak ${(casePeak / 1024).toFixed(0)} MB`);
      }
    }
    const health = await fetch(`${rssApp.url}/healthz`);
    await stop(rssApp);
    console.log('10 concurrent 50 MB bodies, unsigned and forged (a wrong signature), each with a Content-Length and chunked:');
    for (const line of results) console.log(`  ${line}`);
    console.log(`  /healthz then ${health.status}; server RSS at rest ${(atRest / 1024).toFixed(0)} MB, peak ${(peak / 1024).toFixed(0)} MB (VmHWM, the highest of the cases; target < 150 MB)`);
  }
} finally {
  await github.stop();
  rmSync(dir, { recursive: true, force: true });
}
