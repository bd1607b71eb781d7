import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { openStore } from '../../src/store/index.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.mjs';
import { describeWith } from '../helpers/prerequisite.js';
import { pullRequestEvent } from '../helpers/payloads.js';
import { privateKey } from '../helpers/probot.js';
import { ACCURACY_GATE, metricsCard } from '../helpers/cards.js';

/**
 * The inbox across processes: the App runs as real child processes (the server bundled from the
 * sources) against a loopback fake GitHub. A delivery acknowledged with 202 survives a SIGKILL
 * and is handled once after the restart; two replicas on one PostgreSQL handle each delivery once.
 */

const repoRoot = new URL('../../', import.meta.url).pathname;
const SECRET = 'inbox-secret';
const CARD = readFileSync(new URL('../fixtures/github/cards/valid.md', import.meta.url), 'utf8');
let script: string;
const logs: string[] = [];

beforeAll(async () => {
  const dir = join(repoRoot, 'node_modules', '.cache', 'modelgate-test');
  mkdirSync(dir, { recursive: true });
  script = join(dir, `inbox-server-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `
        import { ProbotOctokit } from 'probot';
        import { createServer } from './src/server.ts';
        const Octokit = ProbotOctokit.defaults((options) => ({ ...options, retry: { enabled: false }, throttle: { ...options.throttle, enabled: false } }));
        const server = createServer(process.env, { Octokit, worker: { pollMs: 50 } });
        await server.start();
        process.stdout.write('listening ' + server.port + '\\n');
        process.once('SIGTERM', () => server.stop().then(() => process.exit(0)));
      `,
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    logLevel: 'silent',
  });
});

afterAll(() => rmSync(script, { force: true }));

interface Child {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      logs.push(chunk.toString());
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}`, exited });
    });
    child.on('exit', (code) => reject(new Error(`the App exited (${code}) before listening: ${err}`)));
  });
}

/** A pull_request delivery for PR `pr` of acme/models whose head commit changes one valid card (or these files). */
function pullRequest(github: FakeGitHubServer, pr: number, files: Record<string, string> = { 'models/a/MODEL_CARD.md': CARD }): string {
  const head = github.detachedCommit(files, `head of #${pr}`);
  github.pullFiles.set(pr, Object.keys(files).map((filename) => ({ filename, status: 'modified' })));
  const payload = pullRequestEvent('synchronize', 1);
  const repository = { ...payload.repository, id: github.repoId, name: 'models', full_name: 'acme/models', default_branch: 'main', owner: { ...payload.repository.owner, login: 'acme' } };
  payload.repository = repository;
  payload.number = pr;
  payload.pull_request = {
    ...payload.pull_request,
    number: pr,
    head: { ...payload.pull_request.head, sha: head, repo: repository },
    base: { ...payload.pull_request.base, sha: github.head, ref: 'main', repo: repository },
  };
  payload.installation = { id: 7 };
  return JSON.stringify(payload);
}

function deliver(url: string, body: string, id: string): Promise<Response> {
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'x-github-event': 'pull_request', 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    body,
  });
}

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const appEnv = (github: FakeGitHubServer, databaseUrl: string) => ({
  APP_ID: '123',
  PRIVATE_KEY: privateKey,
  WEBHOOK_SECRET: SECRET,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
  DATABASE_URL: databaseUrl,
  GHE_HOST: `127.0.0.1:${github.port}`,
  GHE_PROTOCOL: 'http',
  // Short, so the restarted App takes the dead one's delivery over within a second.
  INBOX_LEASE_SECONDS: '1',
});

describe('kill -9 after the 202', () => {
  test('killed while handling (at its first GitHub call): after a restart the delivery is handled exactly once', async () => {
    const github = new FakeGitHubServer();
    await github.start();
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-inbox-crash-'));
    const database = join(dir, 'modelgate.db');
    let app: Child | null = null;
    try {
      app = await startChild(appEnv(github, database));
      const victim = app;
      github.killAt = (call) => {
        if (!call.startsWith('POST /app/installations/7/access_tokens')) return false;
        victim.child.kill('SIGKILL');
        return true;
      };
      const response = await deliver(app.url, pullRequest(github, 2), 'd-crash');
      expect(response.status).toBe(202);
      expect(await app.exited).toBeNull();
      github.killAt = null;
      expect(github.checkRuns).toEqual([]);

      app = await startChild(appEnv(github, database));
      await waitFor('the check to complete', () => github.checkUpdates.some((u) => u['status'] === 'completed'));
      const check = await openStore({ DATABASE_URL: database }, dir);
      try {
        await waitFor('the delivery to be done', async () => (await check.getDelivery('d-crash'))?.state === 'done');
        expect(await check.getDelivery('d-crash')).toMatchObject({ state: 'done', attempts: 2 });
      } finally {
        await check.close();
      }
      // One check run, created once and completed once: the calls of one handling, after the token call the kill cut short.
      expect(github.checkRuns).toEqual([expect.objectContaining({ name: 'modelgate / model cards', status: 'completed', conclusion: 'success' })]);
      expect(github.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'POST /app/installations/7/access_tokens',
        'POST /app/installations/7/access_tokens',
        // The delivery was begun before: the retry first looks for a check run the dead attempt made.
        `GET /repos/acme/models/commits/${github.checkRuns[0]!['head_sha'] as string}/check-runs`,
        'POST /repos/acme/models/check-runs',
        'GET /repos/acme/models/contents/.github/modelgate.yml',
        'GET /repos/acme/models/pulls/2/files',
        'GET /repos/acme/models/contents/models/a/MODEL_CARD.md',
        'PATCH /repos/acme/models/check-runs/' + String(github.checkRuns[0]!.id),
      ]);
    } finally {
      app?.child.kill('SIGKILL');
      await app?.exited;
      await github.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Runs SQL on the App's SQLite file directly (the App is dead): what a crash at a worse moment would have left. */
function forget(database: string, sql: string): number {
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { prepare(sql: string): { run(): { changes: number } }; close(): void };
  const db = new Database(database);
  try {
    return db.prepare(sql).run().changes;
  } finally {
    db.close();
  }
}

const BASE_CARD = metricsCard({ accuracy: 0.91, f1: 0.88 });
const HEAD_CARD = metricsCard({ accuracy: 0.85, f1: 0.9 });
const CARD_PATH = 'models/sentiment/README.md';

describe('kill -9 right after a GitHub write: after a restart, every write happened once', () => {
  async function crashAndRestart(
    github: FakeGitHubServer,
    delivery: string,
    /** The write after whose answer the App dies (it dies on the next request, which is never answered). */
    write: string,
    /** What the crash left behind, changed before the restart (the crash may fall before the App's own records). */
    between: (database: string) => void,
  ): Promise<{ before: string[]; after: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-once-crash-'));
    const database = join(dir, 'modelgate.db');
    let app: Child | null = null;
    try {
      app = await startChild(appEnv(github, database));
      const victim = app;
      let answered = false;
      github.onCall = (call) => {
        if (call === write) answered = true;
      };
      github.killAt = () => {
        if (!answered) return false;
        victim.child.kill('SIGKILL');
        return true;
      };
      expect((await deliver(app.url, delivery, 'd-once')).status).toBe(202);
      expect(await app.exited).toBeNull();
      github.killAt = null;
      github.onCall = null;
      const before = github.calls.map((c) => `${c.method} ${c.path}`);
      between(database);

      app = await startChild(appEnv(github, database));
      const check = await openStore({ DATABASE_URL: database }, dir);
      try {
        await waitFor('the delivery to be done', async () => (await check.getDelivery('d-once'))?.state === 'done');
        expect(await check.getDelivery('d-once')).toMatchObject({ state: 'done', attempts: 2 });
      } finally {
        await check.close();
      }
      return { before, after: github.calls.slice(before.length).map((c) => `${c.method} ${c.path}`) };
    } finally {
      app?.child.kill('SIGKILL');
      await app?.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('the card check run: created once, then completed by the retry', async () => {
    const github = new FakeGitHubServer();
    await github.start();
    try {
      const { before, after } = await crashAndRestart(github, pullRequest(github, 2), 'POST /repos/acme/models/check-runs', () => undefined);
      // The first attempt: no lookup (nothing to resume), the create, then the next request, where it died.
      expect(before).toEqual(['POST /app/installations/7/access_tokens', 'POST /repos/acme/models/check-runs', 'GET /repos/acme/models/contents/.github/modelgate.yml']);
      expect(github.checkRuns).toEqual([expect.objectContaining({ name: 'modelgate / model cards', status: 'completed', conclusion: 'success' })]);
      expect(github.checkRuns[0]!['external_id']).toBe('pull/2 delivery=d-once step=cards');
      // The journal had the check run: the retry neither looks it up nor creates it.
      expect(after).toEqual([
        'POST /app/installations/7/access_tokens',
        'GET /repos/acme/models/contents/.github/modelgate.yml',
        'GET /repos/acme/models/pulls/2/files',
        'GET /repos/acme/models/contents/models/a/MODEL_CARD.md',
        `PATCH /repos/acme/models/check-runs/${github.checkRuns[0]!.id}`,
      ]);
    } finally {
      await github.stop();
    }
  }, 60_000);

  test('the metric-diff comment and both check runs, when the crash fell before the App recorded them: found on GitHub', async () => {
    const github = new FakeGitHubServer();
    await github.start();
    try {
      github.setFiles({ '.github/modelgate.yml': ACCURACY_GATE, [CARD_PATH]: BASE_CARD }, 'a baseline');
      const delivery = pullRequest(github, 2, { [CARD_PATH]: HEAD_CARD });
      const { before, after } = await crashAndRestart(github, delivery, 'POST /repos/acme/models/issues/2/comments', (database) => {
        // As if the App had died between each write and its record: no check run id, no comment id.
        expect(forget(database, "DELETE FROM delivery_steps WHERE step LIKE 'check-run/%'")).toBe(2);
        expect(forget(database, 'DELETE FROM pr_comments')).toBe(1);
      });
      expect(before.filter((c) => c.includes('/commits/'))).toEqual([]);
      expect(before.filter((c) => c.startsWith('POST /repos/'))).toEqual([
        'POST /repos/acme/models/check-runs',
        'POST /repos/acme/models/check-runs',
        'POST /repos/acme/models/issues/2/comments',
      ]);
      const [cards, evaluation] = github.checkRuns;
      expect(github.checkRuns).toEqual([
        expect.objectContaining({ name: 'modelgate / model cards', status: 'completed', conclusion: 'success', external_id: 'pull/2 delivery=d-once step=cards' }),
        expect.objectContaining({ name: 'modelgate / evaluation', status: 'completed', conclusion: 'failure', external_id: 'pull/2 delivery=d-once step=evaluation' }),
      ]);
      expect(github.comments).toHaveLength(1);
      expect(github.comments[0]!.body).toMatch(/^<!-- modelgate:metrics-diff model=sentiment -->\n❌ \*\*1 of 1 metric gate failed\*\*/);
      const head = github.checkRuns[0]!['head_sha'] as string;
      expect(after.filter((c) => !c.startsWith('GET /repos/acme/models/contents/'))).toEqual([
        'POST /app/installations/7/access_tokens',
        `GET /repos/acme/models/commits/${head}/check-runs`,
        'GET /repos/acme/models/pulls/2/files',
        `PATCH /repos/acme/models/check-runs/${cards!.id}`,
        `GET /repos/acme/models/commits/${head}/check-runs`,
        'GET /repos/acme/models/issues/2/comments',
        `PATCH /repos/acme/models/issues/comments/${github.comments[0]!.id}`,
        `PATCH /repos/acme/models/check-runs/${evaluation!.id}`,
      ]);
      expect(github.calls.filter((c) => c.path.endsWith('/check-runs') && c.method === 'GET').map((c) => c.query)).toEqual([
        { check_name: 'modelgate / model cards', filter: 'all', per_page: '100', page: '1' },
        { check_name: 'modelgate / evaluation', filter: 'all', per_page: '100', page: '1' },
      ]);
    } finally {
      await github.stop();
    }
  }, 60_000);
});

interface Pool {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const { Pool } = createRequire(import.meta.url)('pg') as { Pool: new (config: { connectionString: string; max?: number; connectionTimeoutMillis?: number }) => Pool };
const adminUrl = process.env['MODELGATE_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const reachable = await (async () => {
  const pool = new Pool({ connectionString: adminUrl, max: 1, connectionTimeoutMillis: 3000 });
  try {
    await pool.query('SELECT 1');
    return null;
  } catch (error) {
    return `a PostgreSQL server (${(error as Error).message})`;
  } finally {
    await pool.end();
  }
})();

describeWith('two replicas on one PostgreSQL', reachable, () => {
  test('share the inbox: ten deliveries, sent to either, each handled by exactly one', async () => {
    const github = new FakeGitHubServer();
    await github.start();
    const name = `mg_inbox_${randomBytes(4).toString('hex')}`;
    const admin = new Pool({ connectionString: adminUrl, max: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const apps: Child[] = [];
    try {
      apps.push(await startChild(appEnv(github, url.href)));
      apps.push(await startChild(appEnv(github, url.href)));
      const bodies = Array.from({ length: 10 }, (_, i) => pullRequest(github, i + 1));
      const responses = await Promise.all(bodies.map((body, i) => deliver(apps[i % 2]!.url, body, `d-${i + 1}`)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
      await waitFor('ten completed checks', () => github.checkUpdates.filter((u) => u['status'] === 'completed').length >= 10).catch((e: Error) => {
        throw new Error(`${e.message}: ${github.calls.map((c) => c.method + ' ' + c.path).join(', ')}; ${logs.join('')}`);
      });
      const check = await openStore({ DATABASE_URL: url.href }, repoRoot);
      try {
        await waitFor('every delivery done', async () => (await check.inboxStats()).pending === 0);
        const done = await check.listDeliveries({ state: 'done' });
        expect(done).toHaveLength(10);
        expect(done.every((d) => d.attempts === 1)).toBe(true);
      } finally {
        await check.close();
      }
      expect(github.checkRuns).toHaveLength(10);
      expect(github.checkRuns.map((r) => r['head_sha']).sort()).toEqual(bodies.map((b) => JSON.parse(b).pull_request.head.sha).sort());
      expect(github.calls.filter((c) => c.method === 'GET' && /\/pulls\/\d+\/files$/.test(c.path)).map((c) => c.path).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `/repos/acme/models/pulls/${i + 1}/files`).sort(),
      );
      // Both replicas stop gracefully on SIGTERM.
      for (const app of apps) app.child.kill('SIGTERM');
      expect(await Promise.all(apps.map((a) => a.exited))).toEqual([0, 0]);
    } finally {
      for (const app of apps) app.child.kill('SIGKILL');
      await Promise.all(apps.map((a) => a.exited));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await github.stop();
    }
  }, 60_000);
});
