// Benchmark of a workflow_run.completed delivery end to end, on the built code: run `npm run build` first.
//   node bench/workflow-run.mjs [iterations=20] [--throttle]
// Starts the real server (createServer from lib/server.js) against a fake GitHub API on loopback
// (node:http, GHE_HOST=127.0.0.1:<port>, GHE_PROTOCOL=http) that adds 20 ms to every response and
// serves the artifact zip. Each iteration POSTs a signed delivery (a new delivery id and run id)
// and measures the time until the sticky comment's update reaches the fake API, and the API calls
// the delivery made. Octokit's throttling (which spaces writes 1 s apart) is off unless --throttle.
// Loopback only; bounded; stops by itself. Prints figures only (timings vary by machine).
/* global setTimeout, clearTimeout, fetch */
import { createHash, createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { strToU8, zipSync } from 'fflate';
import { ProbotOctokit } from 'probot';
import { buildManifest, serializeManifest } from '../lib/core/evaluation/index.js';
import { createServer } from '../lib/server.js';
import { openStore } from '../lib/store/index.js';

const ITERATIONS = Math.min(Math.max(Number(process.argv[2]) || 20, 1), 200);
const THROTTLE = process.argv.includes('--throttle');
const DELAY_MS = 20;
const TIMEOUT_MS = 15_000;
const SECRET = 'bench-secret';
const OWNER = 'acme';
const REPO = 'models';
const REPO_ID = 4242;
const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const COMMENT_ID = 555;

const privateKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

// The artifact: what actions/evaluate uploads for one model.
const metricsBytes = strToU8(JSON.stringify({ eval: { accuracy: 0.9, f1: 0.88 } }));
const manifest = {
  ...buildManifest({
    model: { name: 'sentiment', version: 'v3', source: 'input' },
    card: null,
    commit: HEAD_SHA,
    pullRequest: 2,
    metrics: { metrics: new Map() },
    files: { metrics: { name: 'metrics.json', sha256: createHash('sha256').update(metricsBytes).digest('hex') }, predictions: null },
    startedAt: new Date('2026-01-01T10:00:00Z'),
    finishedAt: new Date('2026-01-01T10:05:00Z'),
    exitCode: 0,
    runner: { os: 'Linux', arch: 'X64', name: 'bench' },
  }),
  metrics: { 'eval.accuracy': 0.9, 'eval.f1': 0.88 },
};
const zip = zipSync({ 'modelgate-eval.json': strToU8(serializeManifest(manifest)), 'metrics.json': metricsBytes });

// The fake GitHub API.
let calls = [];
let onComment = null;
let checkId = 1000;
const api = createHttpServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (!path.startsWith('/blob/')) calls.push(`${req.method} ${path}`);
    const json = (status, data) => setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data)), DELAY_MS);
    let m;
    if (req.method === 'POST' && /\/app\/installations\/\d+\/access_tokens$/.test(path)) return json(201, { token: 'ghs_bench', expires_at: '2999-01-01T00:00:00Z' });
    if ((m = /\/actions\/runs\/(\d+)\/artifacts$/.exec(path))) {
      return json(200, { total_count: 1, artifacts: [{ id: Number(m[1]), name: 'modelgate-eval-sentiment', size_in_bytes: zip.byteLength, expired: false }] });
    }
    if ((m = /\/actions\/artifacts\/(\d+)\/zip$/.exec(path))) {
      return setTimeout(() => res.writeHead(302, { location: `http://127.0.0.1:${api.address().port}/blob/${m[1]}` }).end(), DELAY_MS);
    }
    if (path.startsWith('/blob/')) return setTimeout(() => res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.byteLength }).end(Buffer.from(zip)), DELAY_MS);
    if (path.includes('/contents/')) return json(404, { message: 'Not Found' });
    if (req.method === 'POST' && path.endsWith('/check-runs')) return json(201, { id: ++checkId });
    if (req.method === 'PATCH' && path.includes('/check-runs/')) return json(200, {});
    if (req.method === 'PATCH' && path.endsWith(`/issues/comments/${COMMENT_ID}`)) {
      onComment?.(performance.now());
      return json(200, { id: COMMENT_ID, body: JSON.parse(body).body });
    }
    return json(404, { message: `bench fake API: no route for ${req.method} ${path}` });
  });
});
await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
const apiPort = api.address().port;

const Octokit = THROTTLE
  ? undefined
  : ProbotOctokit.defaults((options) => ({ ...options, retry: { enabled: false }, throttle: { ...options.throttle, enabled: false } }));
const server = createServer(
  { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:', GHE_HOST: `127.0.0.1:${apiPort}`, GHE_PROTOCOL: 'http' },
  {
    ...(Octokit ? { Octokit } : {}),
    // The sticky comment exists already (its id remembered), as on every push after the first.
    openStore: async (env, cwd) => {
      const store = await openStore(env, cwd);
      await store.setCommentId({ repoId: REPO_ID, pr: 2, key: 'metrics-diff:sentiment', commentId: COMMENT_ID });
      return store;
    },
  },
);
await server.start();

function payload(runId) {
  const repository = { id: REPO_ID, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'Organization' }, default_branch: 'main', private: true };
  return {
    action: 'completed',
    installation: { id: 1, node_id: 'x' },
    repository,
    sender: { login: 'octocat', id: 2, type: 'User' },
    workflow: { id: 1, name: 'Evaluate models', path: '.github/workflows/evaluate.yml' },
    workflow_run: {
      id: runId,
      name: 'Evaluate models',
      path: '.github/workflows/evaluate.yml',
      run_number: runId,
      run_attempt: 1,
      event: 'pull_request',
      status: 'completed',
      conclusion: 'success',
      head_sha: HEAD_SHA,
      head_branch: 'changes',
      html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${runId}`,
      created_at: '2026-01-01T10:00:00Z',
      updated_at: '2026-01-01T10:06:00Z',
      repository,
      head_repository: repository,
      pull_requests: [{ number: 2, head: { ref: 'changes', sha: HEAD_SHA, repo: { id: REPO_ID } }, base: { ref: 'main', sha: BASE_SHA, repo: { id: REPO_ID } } }],
    },
  };
}

async function deliver(runId) {
  const body = JSON.stringify(payload(runId));
  const commented = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no comment update within ${TIMEOUT_MS} ms (calls: ${calls.join(', ')})`)), TIMEOUT_MS);
    onComment = (at) => {
      clearTimeout(timer);
      resolve(at);
    };
  });
  const start = performance.now();
  const response = await fetch(`http://127.0.0.1:${server.port}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'workflow_run',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  // 202: the delivery is in the inbox; a worker handles it (the comment's update is what is timed).
  if (response.status !== 202) throw new Error(`delivery answered ${response.status}: ${await response.text()}`);
  return (await commented) - start;
}

const times = [];
const callCounts = [];
let firstCalls = [];
try {
  for (let i = 0; i < ITERATIONS; i++) {
    calls = [];
    times.push(await deliver(10_000 + i));
    // Let the handler finish (the check completion follows the comment).
    for (let wait = 0; wait < 100 && !calls.some((c) => c.startsWith('PATCH') && c.includes('/check-runs/')); wait++) await new Promise((r) => setTimeout(r, 5));
    const apiCalls = calls.filter((c) => !c.includes('/access_tokens'));
    callCounts.push(apiCalls.length);
    if (i === 0) firstCalls = calls;
  }
} finally {
  await server.stop();
  await new Promise((resolve) => api.close(resolve));
}

const sorted = [...times].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
console.log(`workflow_run.completed → comment update, ${ITERATIONS} deliveries, ${DELAY_MS} ms per API call, throttling ${THROTTLE ? 'on' : 'off'}`);
console.log(`  median ${pct(50).toFixed(1)} ms   p95 ${pct(95).toFixed(1)} ms   min ${sorted[0].toFixed(1)} ms   max ${sorted.at(-1).toFixed(1)} ms`);
console.log(`  API calls per delivery (without the installation token): ${[...new Set(callCounts)].join(', ')}`);
console.log(`  first delivery's calls:\n    ${firstCalls.join('\n    ')}`);
