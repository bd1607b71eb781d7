import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { NewEvaluation } from '../../src/core/evaluation/index.js';
import { createServer, type ModelgateServer } from '../../src/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { metricsCard } from './cards.js';
import { privateKey, TestOctokit } from './probot.js';
import { FakeGitHubServer, fakePull } from './fake-github-server.mjs';

/**
 * A repository set up for promotion tests on the loopback fake GitHub: a promotion policy on
 * main, `sentiment` v2 in production and v3 registered from pull request #12 (its card at the
 * merge commit), and helpers to deliver signed issue comments as GitHub does.
 */

export const SECRET = 'a-webhook-secret';
export const REPO_ID = 4242;
export const INSTALLATION = 7;
export const ALICE = { id: 10, login: 'alice' };
export const BOB = { id: 20, login: 'bob' };
export const CAROL = { id: 40, login: 'carol' };
export const MALLORY = { id: 66, login: 'mallory' };

export const CONFIG = `metrics:
  - match: "eval.accuracy"
    goal: maximize
    max_regression: 0.02
promotion:
  stages:
    - name: staging
      approvals: 1
      approvers: [bob, carol]
    - name: production
      after: staging
      soak: 24h
      approvals: 1
      approvers: ["@acme/ml-leads"]
`;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The tests' clock starts here. */
export const T0 = new Date('2026-12-01T12:00:00.000Z');

/** The evaluation actions/evaluate would have recorded for `version`. */
export function evaluation(version: string, accuracy: number, over: Partial<NewEvaluation> = {}): NewEvaluation {
  const metricsDigest = sha256(`metrics of ${version} ${accuracy}`);
  return {
    repoId: REPO_ID,
    repoFullName: 'acme/models',
    model: 'sentiment',
    modelVersion: version,
    sha: 'e'.repeat(40),
    ref: version === 'v3' ? 'refs/pull/12/head' : 'main',
    pr: version === 'v3' ? 12 : null,
    runId: version === 'v3' ? 903 : 902,
    runAttempt: 1,
    runUrl: `https://github.com/acme/models/actions/runs/${version === 'v3' ? 903 : 902}`,
    status: 'success',
    metrics: { 'eval.accuracy': accuracy, 'eval.f1': 0.8 },
    predictionsDigest: null,
    cardDigest: null,
    manifest: { files: { metrics: { name: 'metrics.json', sha256: metricsDigest } } },
    verdict: true,
    createdAt: new Date(T0.getTime() - 3600_000),
    ...over,
  };
}



export interface PromotionRepoFixture {
  github: FakeGitHubServer;
  v3Commit: string;
  v2Commit: string;
  cardV3: string;
  registry: string;
}

/** The fake GitHub with the repository as it is before `/modelgate promote sentiment v3`. */
export async function promotionRepo(options: { config?: string; delayMs?: number } = {}): Promise<PromotionRepoFixture> {
  const github = new FakeGitHubServer({ owner: 'acme', repo: 'models', repoId: REPO_ID, delayMs: options.delayMs ?? 0 });
  const cardV2 = metricsCard({ accuracy: 0.9, f1: 0.8 }).replace('license: mit\n', 'license: mit\nmodelgate: {model: sentiment, version: v2}\n');
  const cardV3 = metricsCard({ accuracy: 0.92, f1: 0.81 }).replace('license: mit\n', 'license: mit\nmodelgate: {model: sentiment, version: v3}\n');
  const v2Commit = github.detachedCommit({ 'models/sentiment/README.md': cardV2 }, 'Merge pull request #11');
  const v3Commit = github.detachedCommit({ 'models/sentiment/README.md': cardV3 }, 'Merge pull request #12');
  const registry = `# The model registry: modelgate writes it; hand edits are checked on every pull request.
models:
  sentiment:
    versions:
      v2: {card: models/sentiment/README.md, commit: ${v2Commit}, pr: 11, card_digest: "sha256:${sha256(cardV2)}", evaluation: null, registered_at: "2026-11-01T10:00:00Z"}
      v3: {card: models/sentiment/README.md, commit: ${v3Commit}, pr: 12, card_digest: "sha256:${sha256(cardV3)}", evaluation: null, registered_at: "2026-11-30T10:00:00Z"}
    stages: {staging: v2, production: v2}
    history:
      - {stage: staging, from: null, to: v2, promotion: p-aaaaaaaaaaaa, requested_by: alice, approved_by: [bob], at: "2026-11-02T09:00:00Z"}
      - {stage: production, from: null, to: v2, promotion: p-bbbbbbbbbbbb, requested_by: alice, approved_by: [dave], at: "2026-11-05T09:00:00Z"}
`;
  github.setFiles({ '.github/modelgate.yml': options.config ?? CONFIG, 'models/registry.yaml': registry, 'models/sentiment/README.md': cardV3 }, 'main');
  github.pulls.set(12, fakePull(12));
  github.pulls.set(11, fakePull(11));
  github.teams.set('@acme/ml-leads', [{ id: 41, login: 'dave' }, { id: 40, login: 'carol' }]);
  await github.start();
  return { github, v3Commit, v2Commit, cardV3, registry };
}

interface Definition {
  name: string;
  examples: Array<Record<string, any>>;
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

/** An `issue_comment.created` delivery on issue or PR `issue` of acme/models, from @octokit/webhooks-examples. */
export function commentPayload(body: string, author: { id: number; login: string }, options: { issue?: number; association?: string; commentId?: number } = {}): any {
  const example = definitions.find((d) => d.name === 'issue_comment')?.examples.find((e) => e['action'] === 'created');
  if (!example) throw new Error('no issue_comment.created example');
  const payload: any = structuredClone(example);
  payload.installation = { id: INSTALLATION, node_id: 'x' };
  payload.repository = {
    ...payload.repository,
    id: REPO_ID,
    name: 'models',
    full_name: 'acme/models',
    owner: { ...payload.repository.owner, login: 'acme' },
    default_branch: 'main',
    html_url: 'https://github.com/acme/models',
  };
  payload.issue.number = options.issue ?? 12;
  payload.issue.pull_request = { url: `https://api.github.com/repos/acme/models/pulls/${options.issue ?? 12}` };
  payload.comment = {
    ...payload.comment,
    id: options.commentId ?? Math.floor(Math.random() * 1e9),
    body,
    author_association: options.association ?? 'MEMBER',
    user: { ...payload.comment.user, id: author.id, login: author.login, type: 'User' },
  };
  return payload;
}

/**
 * POSTs a delivery the way GitHub does, signed. The App answers 202 and handles the delivery
 * afterwards: this resolves once it was handled (the App's handled count in /metrics went up),
 * or at once when the App cannot be reached any more (a test killed it).
 */
export async function deliver(url: string, name: string, payload: unknown, id: string = randomUUID()): Promise<Response> {
  const body = JSON.stringify(payload);
  const before = await handledCount(url);
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': id,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  if (response.status === 202 && ((await response.clone().json()) as { status?: string }).status === 'accepted') {
    const deadline = Date.now() + 15_000;
    while ((await handledCount(url)) <= before) {
      if (Date.now() > deadline) throw new Error(`delivery ${id} was not handled`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return response;
}

/** Deliveries the App has finished handling (either way), from its /metrics; Infinity once it is gone. */
async function handledCount(url: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('modelgate_handler_duration_seconds_count'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  } catch {
    return Infinity;
  }
}

/** Waits until `ready()` holds (the App may acknowledge a delivery before it has acted on it). */
export async function until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RunningApp {
  server: ModelgateServer;
  store: Store;
  url: string;
}

/**
 * The real server (signed webhooks over HTTP) against the fake GitHub, on `databaseUrl`, with the
 * promotion service's clock and ids under the test's control. `seed` fills the store first.
 */
export async function startApp(
  github: FakeGitHubServer,
  options: { databaseUrl: string; now: () => Date; newId?: () => string; seed?: (store: Store) => Promise<void>; env?: Record<string, string>; slackRetries?: number },
): Promise<RunningApp> {
  let store: Store | null = null;
  const server = createServer(
    { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: options.databaseUrl, GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: 'http', ...options.env },
    {
      Octokit: TestOctokit,
      openStore: async (env, cwd) => {
        store = await openStore(env, cwd, { now: options.now });
        await options.seed?.(store);
        return store;
      },
      promotions: { now: options.now, ...(options.newId ? { newId: options.newId } : {}) },
      ...(options.slackRetries !== undefined ? { slackRetries: options.slackRetries } : {}),
    },
  );
  await server.start();
  // The start-up sweep (resume, expire) reads nothing while there is nothing to resume; start counting after it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  github.calls.length = 0;
  return { server, store: store!, url: `http://127.0.0.1:${server.port}` };
}
