// Benchmark of a promotion, request to done, on the built code: run `npm run build` first.
//   node bench/promotion.mjs [iterations=10] [--throttle]
// The real server (lib/server.js) against the stateful fake GitHub on loopback
// (test/helpers/fake-github-server.mjs), which adds 20 ms to every response. Each iteration
// promotes another model to staging: `/modelgate promote <model> v3` by alice, then
// `/modelgate approve <id>` by bob (signed deliveries over HTTP), and counts the API calls and
// the time until the request is done. The reference is the floor those calls cost one after
// another at 20 ms each. Octokit's throttling (writes spaced ~1 s apart) is off unless
// --throttle. Loopback only; bounded; stops by itself. Prints figures only.
/* global fetch, setTimeout */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ProbotOctokit } from 'probot';
import { createServer } from '../lib/server.js';
import { openStore } from '../lib/store/index.js';
import { FakeGitHubServer } from '../test/helpers/fake-github-server.mjs';
import { seedRegistry } from './registry-fixture.mjs';

const ITERATIONS = Math.min(Math.max(Number(process.argv[2]) || 10, 1), 50);
const THROTTLE = process.argv.includes('--throttle');
const DELAY_MS = 20;
const SECRET = 'bench-secret';
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

const github = new FakeGitHubServer({ owner: 'acme', repo: 'models', repoId: 4242, delayMs: DELAY_MS });
const models = Array.from({ length: ITERATIONS }, (_, i) => `model-${i}`);
seedRegistry(github, models, 'metrics:\n  - match: "eval.accuracy"\n    max_regression: 0.02\npromotion:\n  stages:\n    - name: staging\n      approvals: 1\n      approvers: [bob]\n');
await github.start();

let next = 0;
const ids = models.map((_, i) => `p-bench${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}aaaaa`);
const Octokit = THROTTLE ? undefined : ProbotOctokit.defaults((options) => ({ ...options, retry: { enabled: false }, throttle: { ...options.throttle, enabled: false } }));
let store;
const server = createServer(
  { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:', GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: 'http' },
  {
    ...(Octokit ? { Octokit } : {}),
    openStore: async (env, cwd) => {
      store = await openStore(env, cwd);
      for (const [i, model] of models.entries()) {
        await store.recordEvaluation({
          repoId: 4242, repoFullName: 'acme/models', model, modelVersion: 'v3', sha: 'e'.repeat(40), ref: `refs/pull/${100 + i}/head`, pr: 100 + i,
          runId: 1000 + i, runAttempt: 1, runUrl: `https://github.com/acme/models/actions/runs/${1000 + i}`, status: 'success',
          metrics: { 'eval.accuracy': 0.92 }, predictionsDigest: null, cardDigest: null, manifest: { files: { metrics: { sha256: 'a'.repeat(64) } } }, verdict: true,
        });
      }
      return store;
    },
    promotions: { newId: () => ids[next++] },
  },
);
await server.start();
const url = `http://127.0.0.1:${server.port}`;
await new Promise((resolve) => setTimeout(resolve, 100));

function deliver(body, user, issue) {
  const payload = JSON.stringify({
    action: 'created',
    installation: { id: 1, node_id: 'x' },
    repository: { id: 4242, name: 'models', full_name: 'acme/models', owner: { login: 'acme', id: 1, type: 'Organization' }, default_branch: 'main', html_url: 'https://github.com/acme/models', private: true },
    issue: { number: issue, pull_request: { url: 'x' }, title: 't', user: { login: 'alice', id: 10 } },
    comment: { id: Math.floor(Math.random() * 1e9), body, author_association: 'MEMBER', user: { login: user.login, id: user.id, type: 'User' } },
    sender: { login: user.login, id: user.id, type: 'User' },
  });
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}` },
    body: payload,
  });
}

const runs = [];
for (const [i, model] of models.entries()) {
  const start = performance.now();
  const before = github.calls.length;
  await deliver(`/modelgate promote ${model} v3`, { login: 'alice', id: 10 }, 100 + i);
  const requestCalls = github.calls.length - before;
  await deliver(`/modelgate approve ${ids[i]}`, { login: 'bob', id: 20 }, 100 + i);
  const deadline = Date.now() + 10_000;
  while ((await store.getPromotion(ids[i]))?.state !== 'done') {
    if (Date.now() > deadline) throw new Error(`promotion ${ids[i]} did not finish: ${JSON.stringify(await store.getPromotion(ids[i]))}; comments: ${github.comments.map((c) => c.body.slice(0, 200)).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  runs.push({ ms: performance.now() - start, calls: github.calls.length - before, requestCalls });
}
await server.stop();
await github.stop();

const sorted = [...runs].sort((a, b) => a.ms - b.ms);
const median = sorted[Math.floor(sorted.length / 2)];
const calls = [...new Set(runs.map((r) => r.calls))];
// The first promotion also fetches the installation token; the rest reuse it.
console.log(`Promotion, request to done (${ITERATIONS} promotions, one approver, fake GitHub +${DELAY_MS} ms per call${THROTTLE ? ', throttling on' : ''})`);
console.log(`  API calls per promotion: ${calls.join(' / ')} (first one with the installation token; target ≤ 12)`);
console.log(`  time, request to done: median ${median.ms.toFixed(0)} ms, min ${sorted[0].ms.toFixed(0)} ms`);
console.log(`  reference: ${median.calls} calls one after another at ${DELAY_MS} ms = ${median.calls * DELAY_MS} ms (ratio ${(median.ms / (median.calls * DELAY_MS)).toFixed(2)})`);
