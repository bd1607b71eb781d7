import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { hasPromotionTrailer } from '../../src/core/promotion/index.js';
import { openStore } from '../../src/store/index.js';
import { isolateNetwork } from '../helpers/nock.js';
import { privateKey } from '../helpers/probot.js';
import { ALICE, BOB, commentPayload, deliver, evaluation, promotionRepo, SECRET, type PromotionRepoFixture } from '../helpers/promotion-fixture.js';

/**
 * Exactly once across crashes: the App runs in a real child process, which the fake GitHub kills
 * with SIGKILL at a chosen request — after GitHub has done what was asked but before the App hears
 * back, the worst moment. A restarted App resumes the promotion from its recorded steps, looking
 * up on GitHub whatever may have happened, and the end state is always one registry commit and
 * one deployment.
 */

const repoRoot = new URL('../../', import.meta.url).pathname;
const ID = 'p-abcdefghij23';
/** Short, so the restarted App may take over the dead one's execution lease at once. */
const LEASE_MS = 300;
let script: string;

beforeAll(async () => {
  // The real server, bundled from the TypeScript sources into node_modules/.cache (so its
  // dependencies resolve from the project), with retries off and test ids.
  const dir = join(repoRoot, 'node_modules', '.cache', 'modelgate-test');
  mkdirSync(dir, { recursive: true });
  script = join(dir, `crash-server-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `
        import { ProbotOctokit } from 'probot';
        import { createServer } from './src/server.ts';
        const Octokit = ProbotOctokit.defaults((options) => ({ ...options, retry: { enabled: false }, throttle: { ...options.throttle, enabled: false } }));
        const server = createServer(process.env, { Octokit, promotions: { newId: () => '${ID}', leaseMs: ${LEASE_MS} } });
        await server.start();
        process.stdout.write('listening ' + server.port + '\\n');
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

/** Starts the App in a child process; resolves with its URL once it listens. */
function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}`, exited });
    });
    child.on('exit', (code) => reject(new Error(`the App exited (${code}) before listening: ${err}`)));
  });
}

/** Every effect GitHub was asked for during execution, as the step that asks for it. */
const STEPS: Array<[string, RegExp]> = [
  ['the tree', /^POST \/repos\/acme\/models\/git\/trees$/],
  ['the commit', /^POST \/repos\/acme\/models\/git\/commits$/],
  ['the ref update', /^PATCH \/repos\/acme\/models\/git\/refs\/heads\/main$/],
  ['the deployment', /^POST \/repos\/acme\/models\/deployments$/],
  ['the in_progress status', /^POST \/repos\/acme\/models\/deployments\/\d+\/statuses$/],
  ['the success status', /^POST \/repos\/acme\/models\/deployments\/\d+\/statuses$/],
  ['the comment update', /^PATCH \/repos\/acme\/models\/issues\/comments\/\d+$/],
];

describe('promotion survives kill -9 at any step', () => {
  test.each(STEPS.map(([name], i) => [name, i] as const))('killed when GitHub has done %s: a restart ends with one commit and one deployment', async (_name, index) => {
    isolateNetwork();
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-crash-'));
    const repo: PromotionRepoFixture = await promotionRepo();
    let app: Awaited<ReturnType<typeof startChild>> | null = null;
    try {
      const database = join(dir, 'modelgate.db');
      const seed = await openStore({ DATABASE_URL: database }, dir);
      await seed.recordEvaluation(evaluation('v2', 0.9));
      await seed.recordEvaluation(evaluation('v3', 0.92));
      await seed.close();
      const env = { APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database, GHE_HOST: `127.0.0.1:${repo.github.port}`, GHE_PROTOCOL: 'http' };

      app = await startChild(env);
      await deliver(app.url, 'issue_comment', commentPayload('/modelgate promote sentiment v3', ALICE));
      expect(repo.github.comments).toHaveLength(1);

      // The kill: at the chosen request (the n-th of its kind: the second statuses call is the
      // success), after the fake GitHub applied it, before the App reads the answer.
      const [, pattern] = STEPS[index]!;
      let seen = STEPS.slice(0, index).filter(([, p]) => p === pattern).length;
      const victim = app;
      repo.github.killAt = (call) => {
        if (!pattern.test(call)) return false;
        if (seen-- > 0) return false;
        victim.child.kill('SIGKILL');
        return true;
      };
      await deliver(app.url, 'issue_comment', commentPayload(`/modelgate approve ${ID}`, BOB)).catch(() => undefined);
      expect(await app.exited).toBeNull();
      repo.github.killAt = null;

      // A new process on the same database, once the dead one's lease has run out.
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));
      app = await startChild(env);
      const check = await openStore({ DATABASE_URL: database }, dir);
      try {
        const deadline = Date.now() + 15_000;
        // Done, and its last step (the comment) made.
        while ((await check.getPromotion(ID))?.state !== 'done' || !(await check.steps(ID)).has('notify')) {
          if (Date.now() > deadline) throw new Error(`the promotion did not finish: ${JSON.stringify(await check.getPromotion(ID))}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await check.close();
      }

      // Exactly one registry commit on main carries the promotion's trailer, and one deployment exists.
      const promotionCommits: string[] = [];
      for (let sha: string | null = repo.github.head; sha; sha = repo.github.commits.get(sha)!.parent) {
        if (hasPromotionTrailer(repo.github.commits.get(sha)!.message, ID)) promotionCommits.push(sha);
      }
      expect(promotionCommits).toHaveLength(1);
      expect(parse(repo.github.file('models/registry.yaml')!).models.sentiment.history.filter((h: { promotion: string }) => h.promotion === ID)).toHaveLength(1);
      expect(repo.github.deployments).toHaveLength(1);
      expect(repo.github.deployments[0]!.ref).toBe(promotionCommits[0]);
      expect(repo.github.statuses.at(-1)).toMatchObject({ state: 'success' });
      expect(repo.github.comments[0]!.body).toContain('**✅ Done**');
    } finally {
      app?.child.kill('SIGKILL');
      await repo.github.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
