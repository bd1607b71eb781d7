// Benchmark of the Slack app on the built code: run `npm run build` first.
//   node bench/slack.mjs [concurrent=100] [promotions=5]
// The real server (lib/server.js) with Slack on, against the stateful fake GitHub (+20 ms per
// call) and a fake Slack Web API and response URLs on loopback (+20 ms per call). It fires
// `concurrent` signed `/promote` commands at once (distinct models) and measures the time to
// each HTTP answer (Slack's 3-second ack) from a load generator in another process, next to a bare node:http server answering the same
// signed requests in the same run (the reference). Then it runs `promotions` promotions from
// `/promote` to done with a second user's click and counts Slack and GitHub API calls for each.
// Loopback only; bounded; stops by itself. Prints figures only.
/* global fetch, setTimeout, URLSearchParams */
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ProbotOctokit } from 'probot';
import { createServer } from '../lib/server.js';
import { openStore } from '../lib/store/index.js';
import { FakeGitHubServer } from '../test/helpers/fake-github-server.mjs';
import { seedRegistry } from './registry-fixture.mjs';
import { row } from './report.mjs';

const CONCURRENT = Math.min(Math.max(Number(process.argv[2]) || 100, 1), 500);
const PROMOTIONS = Math.min(Math.max(Number(process.argv[3]) || 5, 1), 20);
const DELAY_MS = 20;
const SIGNING = 'bench-slack-secret';
const TEAM = 'T0BENCH';
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

// The fake Slack: Web API methods and response URLs, each call counted.
const slackCalls = [];
let ts = 0;
const slack = createHttpServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const method = req.url.replace(/^\/api\//, '');
    slackCalls.push(method);
    if (process.env.BENCH_DEBUG && method.startsWith("/hooks/")) console.error(body.slice(0, 300));
    const answer = method === 'auth.test' ? { ok: true, team_id: TEAM, user_id: 'U0BOT', bot_id: 'B0BOT' } : method === 'chat.postMessage' ? { ok: true, ts: `1764590400.${String(++ts).padStart(6, '0')}` } : { ok: true };
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)), DELAY_MS);
  });
});
await new Promise((resolve) => slack.listen(0, '127.0.0.1', resolve));
const slackUrl = `http://127.0.0.1:${slack.address().port}`;

const total = CONCURRENT + PROMOTIONS;
const models = Array.from({ length: total }, (_, i) => `model-${i}`);
const github = new FakeGitHubServer({ owner: 'acme', repo: 'models', repoId: 4242, delayMs: DELAY_MS });
seedRegistry(github, models, 'promotion:\n  stages:\n    - name: staging\n      approvals: 1\n      approvers: [bob]\n');
github.permissions.set('alice', 'write');
await github.start();

let store;
const Octokit = ProbotOctokit.defaults((options) => ({ ...options, retry: { enabled: false }, throttle: { ...options.throttle, enabled: false } }));
const server = createServer(
  {
    APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 'x', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:',
    GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: 'http', SLACK_SIGNING_SECRET: SIGNING, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: `${slackUrl}/api/`,
  },
  {
    Octokit,
    slackRetries: 0,
    openStore: async (env, cwd) => {
      store = await openStore(env, cwd);
      await store.rememberRepository({ repoId: 4242, fullName: 'acme/models', installationId: 1, defaultBranch: 'main', htmlUrl: 'https://github.com/acme/models' });
      await store.rememberModels(4242, models);
      for (const [i, model] of models.entries()) {
        await store.recordEvaluation({
          repoId: 4242, repoFullName: 'acme/models', model, modelVersion: 'v3', sha: 'e'.repeat(40), ref: `refs/pull/${100 + i}/head`, pr: 100 + i,
          runId: 1000 + i, runAttempt: 1, runUrl: `https://github.com/acme/models/actions/runs/${1000 + i}`, status: 'success',
          metrics: { 'eval.accuracy': 0.92 }, predictionsDigest: null, cardDigest: null, manifest: { files: { metrics: { sha256: 'a'.repeat(64) } } }, verdict: true,
        });
      }
      await store.linkSlackUser({ team: TEAM, user: 'U0ALICE', githubId: 10, githubLogin: 'alice', source: 'seed' });
      await store.linkSlackUser({ team: TEAM, user: 'U0BOB', githubId: 20, githubLogin: 'bob', source: 'seed' });
      return store;
    },
  },
);
await server.start();
const url = `http://127.0.0.1:${server.port}`;

let counter = 0;
const signed = (body) => {
  const t = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(t), 'x-slack-signature': `v0=${createHmac('sha256', SIGNING).update(`v0:${t}:${body}`).digest('hex')}` };
};
const command = (text, user = 'U0ALICE') => {
  const body = new URLSearchParams({ team_id: TEAM, channel_id: 'C0MODELS', user_id: user, command: '/promote', text, response_url: `${slackUrl}/hooks/${++counter}` }).toString();
  return { body, headers: signed(body) };
};
/** Fires the requests at once from another process (bench/slack-burst.mjs); each one's time to its answer, sorted. */
const timed = (target, requests) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./slack-burst.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).sort((a, b) => a - b)) : reject(new Error(`the load generator exited with ${code}`))));
    child.stdin.end(requests.map(({ body, headers }) => JSON.stringify({ url: `${target}/slack/events`, body, headers })).join('\n'));
  });
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// The reference: a bare server answering the same kind of signed requests at once.
const bare = createHttpServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
const reference = await timed(`http://127.0.0.1:${bare.address().port}`, models.slice(0, CONCURRENT).map((m) => command(`${m} v3`)));
bare.close();

const hooksBefore = () => slackCalls.filter((c) => c.startsWith('/hooks/')).length;
const answered = hooksBefore();
const start = performance.now();
const acks = await timed(url, models.slice(0, CONCURRENT).map((m) => command(`${m} v3`)));
const deadline = Date.now() + 60_000;
while (hooksBefore() - answered < CONCURRENT) {
  if (Date.now() > deadline) throw new Error('not every /promote was answered within 60 s');
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const settled = performance.now();

// Full promotions, one at a time: calls counted from /promote to done.
const perPromotion = [];
for (const model of models.slice(CONCURRENT)) {
  const g0 = github.calls.length;
  const s0 = slackCalls.length;
  await timed(url, [command(`${model} v3`)]);
  let p;
  const posted = Date.now() + 30_000;
  while (!(p = (await store.listPromotions({ repoId: 4242, model }))[0]) || (await store.slackMessages(p.id))[0]?.ts == null) {
    if (Date.now() > posted) throw new Error(`/promote ${model} v3 was not posted; Slack calls: ${slackCalls.slice(s0).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const message = (await store.slackMessages(p.id))[0];
  const payload = JSON.stringify({
    type: 'block_actions', user: { id: 'U0BOB', team_id: TEAM }, team: { id: TEAM }, channel: { id: message.channel }, container: { message_ts: message.ts, channel_id: message.channel },
    message: { ts: message.ts }, trigger_id: 't', response_url: `${slackUrl}/hooks/${++counter}`, actions: [{ action_id: 'modelgate_approve', value: p.id, type: 'button' }],
  });
  const body = new URLSearchParams({ payload }).toString();
  await fetch(`${url}/slack/events`, { method: 'POST', headers: signed(body), body });
  // Done, its message updated, the thread reply and the clicker's answer sent.
  const until = Date.now() + 30_000;
  while ((await store.getPromotion(p.id)).state !== 'done' || slackCalls.length - s0 < 5) {
    if (Date.now() > until) throw new Error(`promotion ${p.id} did not finish: ${(await store.getPromotion(p.id)).state}, Slack calls ${slackCalls.slice(s0).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  perPromotion.push({ github: github.calls.length - g0, slack: slackCalls.length - s0 });
}
await server.stop();
await github.stop();
slack.close();

const f = (ms) => `${ms.toFixed(1)} ms`;
console.log(`Slack: ${CONCURRENT} concurrent signed /promote commands on loopback (fake GitHub and Slack +${DELAY_MS} ms per call)`);
console.log(`  ack (HTTP answer): p50 ${f(pct(acks, 50))}, p99 ${f(pct(acks, 99))}, max ${f(acks.at(-1))} (target p99 < 100 ms; Slack's limit 3 s)`);
console.log(`  reference, a bare node:http server: p50 ${f(pct(reference, 50))}, p99 ${f(pct(reference, 99))} (ratio p99 ${(pct(acks, 99) / pct(reference, 99)).toFixed(1)}×)`);
console.log(`  their work (evidence read, message posted, answer sent) done ${f(settled - start)} after the burst began, in the background`);
const calls = (key) => [...new Set(perPromotion.map((r) => r[key]))].join(' / ');
console.log(`Per promotion, /promote to done with a second user's click (${PROMOTIONS} runs): GitHub API calls ${calls('github')}, Slack calls ${calls('slack')} (the request's post and update, the thread reply, the two answers)`);
row({
  what: `Slack: ack of ${CONCURRENT} concurrent signed \`/promote\` (loopback, fake APIs +${DELAY_MS} ms)`,
  result: `p50 ${f(pct(acks, 50))}, p99 ${f(pct(acks, 99))}; ${calls('github')} GitHub and ${calls('slack')} Slack calls per promotion`,
  reference: `bare node:http server p99 ${f(pct(reference, 99))} (ratio ${(pct(acks, 99) / pct(reference, 99)).toFixed(1)}×)`,
  target: 'p99 < 100 ms',
});
