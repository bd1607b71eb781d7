import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { run, type Dependencies } from '../../actions/metrics-diff/src/main.js';
import type { CommentsApi } from '../../src/github/sticky-comment.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';
import { FakeRunner } from '../helpers/fake-runner.js';
import { useNock } from '../helpers/nock.js';

const API = 'https://api.github.com';
const MARKER = '<!-- modelgate:metrics-diff model=sentiment -->';
const quiet = () => {};

const BASE = JSON.stringify({ eval: { accuracy: 0.91, f1: 0.88 }, latency_ms: { p95: 40 } });
const HEAD_BETTER = JSON.stringify({ eval: { accuracy: 0.93, f1: 0.88 }, latency_ms: { p95: 39 } });
const HEAD_WORSE = JSON.stringify({ eval: { accuracy: 0.85, f1: 0.88 }, latency_ms: { p95: 39 } });
const CONFIG = 'metrics:\n  - match: eval.accuracy\n    max_regression: 0.01\n';

const runner = new FakeRunner();
let repo: TmpRepo | undefined;

afterAll(() => runner.dispose());

useNock();

beforeEach(() => {
  runner.start();
});

afterEach(() => {
  runner.reset();
  repo?.remove();
  repo = undefined;
});

interface Scenario {
  files: Record<string, string>;
  inputs: Record<string, string>;
  event?: unknown;
}

async function runAction({ files, inputs, event }: Scenario) {
  repo?.remove();
  repo = tmpRepo(files);
  runner.prepare({
    inputs: { 'github-token': 'ghs_test', ...inputs },
    event: event ?? {},
    env: {
      GITHUB_WORKSPACE: repo.root,
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '777',
    },
  });
  const deps: Dependencies = {
    octokit: (token) => new Octokit({ auth: token, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } }) as unknown as CommentsApi,
    env: process.env,
  };
  await run(deps);
  return runner.result();
}

const prEvent = (headRepo = 'acme/models') => ({ pull_request: { number: 12, head: { repo: { full_name: headRepo } } } });
const files = (head: string) => ({ 'base.json': BASE, 'head.json': head, '.github/modelgate.yml': CONFIG });

describe('metrics-diff action', () => {
  test('gates pass: summary, outputs, and a new sticky comment on the PR', async () => {
    let posted = '';
    nock(API)
      .get('/repos/acme/models/issues/12/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, [])
      .post('/repos/acme/models/issues/12/comments', (b: { body: string }) => {
        posted = b.body;
        return true;
      })
      .reply(201, { id: 901, body: '', user: { login: 'github-actions[bot]' } });

    const result = await runAction({
      files: files(HEAD_BETTER),
      inputs: { base: 'base.json', head: 'head.json', model: 'sentiment', 'base-label': 'main' },
      event: prEvent(),
    });

    expect(result.failed).toBe(false);
    expect(result.outputs['gates-passed']).toBe('true');
    expect(result.outputs['comment-id']).toBe('901');
    const report = JSON.parse(result.outputs['report']!);
    expect(report.gates_passed).toBe(true);
    expect(report.rows.find((r: { metric: string }) => r.metric === 'eval.accuracy')).toMatchObject({
      base: 0.91,
      head: 0.93,
      status: 'improved',
      gate: 'pass',
    });
    // The comment and the job summary are the same Markdown, with the marker and a link to the run.
    expect(posted.startsWith(MARKER)).toBe(true);
    expect(posted).toContain('https://github.com/acme/models/actions/runs/777');
    expect(posted).toContain('**main**');
    expect(result.summary).toBe(posted);
  });

  test('a failing gate fails the step and updates our existing comment in place', async () => {
    let updated = '';
    nock(API)
      .get('/repos/acme/models/issues/12/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, [
        { id: 5, body: `${MARKER} quoted by a human`, user: { login: 'alice' } },
        { id: 6, body: `${MARKER}\nold`, user: { login: 'github-actions[bot]' } },
      ])
      .patch('/repos/acme/models/issues/comments/6', (b: { body: string }) => {
        updated = b.body;
        return true;
      })
      .reply(200, { id: 6 });

    const result = await runAction({
      files: files(HEAD_WORSE),
      inputs: { base: 'base.json', head: 'head.json', model: 'sentiment' },
      event: prEvent(),
    });

    expect(result.failed).toBe(true);
    expect(result.outputs['gates-passed']).toBe('false');
    expect(result.commands).toContain('::error::Metric gates failed against base.json: see the job summary.');
    expect(updated).toContain('`eval.accuracy`: regressed by 0\\.06, more than the allowed 0\\.01');
  });

  test('fork PRs: no API call, a notice, and the diff still in the summary', async () => {
    const result = await runAction({
      files: files(HEAD_BETTER),
      inputs: { base: 'base.json', head: 'head.json' },
      event: prEvent('someone/models'),
    });
    expect(result.failed).toBe(false);
    expect(result.commands).toContain(
      '::notice::This pull request comes from a fork, whose workflow token cannot comment: the diff is in the job summary instead.',
    );
    expect(result.summary).toContain('| `eval.accuracy` |');
  });

  test('a read-only token is a notice, not a failure', async () => {
    nock(API)
      .get('/repos/acme/models/issues/12/comments')
      .query({ per_page: 100, page: 1 })
      .reply(200, [])
      .post('/repos/acme/models/issues/12/comments')
      .reply(403, { message: 'Resource not accessible by integration' });
    const result = await runAction({ files: files(HEAD_BETTER), inputs: { base: 'base.json', head: 'head.json' }, event: prEvent() });
    expect(result.failed).toBe(false);
    expect(result.commands.some((c) => c.startsWith('::notice::The token cannot comment on #12 (HTTP 403)'))).toBe(true);
  });

  test('comment: false and non-PR events post nothing', async () => {
    const off = await runAction({ files: files(HEAD_BETTER), inputs: { base: 'base.json', head: 'head.json', comment: 'false' }, event: prEvent() });
    expect(off.failed).toBe(false);
    const push = await runAction({ files: files(HEAD_BETTER), inputs: { base: 'base.json', head: 'head.json' }, event: { ref: 'refs/heads/main' } });
    expect(push.failed).toBe(false);
    expect(runner.stdout).toContain('Not a pull request event: no comment to post.');
  });

  test('malformed metrics fail with the file and position, and no comment', async () => {
    const result = await runAction({
      files: { 'base.json': BASE, 'head.json': '{"eval": {"accuracy": 0.9,}}' },
      inputs: { base: 'base.json', head: 'head.json' },
      event: prEvent(),
    });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual([expect.stringMatching(/^::error::head\.json:1:\d+: /)]);
  });

  test('a missing file and a bad config are clear errors', async () => {
    const missing = await runAction({ files: { 'base.json': BASE }, inputs: { base: 'base.json', head: 'nope.json' }, event: prEvent() });
    expect(missing.commands).toEqual(['::error::Cannot read the head metrics file nope.json: not found.']);
    const badConfig = await runAction({
      files: { ...files(HEAD_BETTER), '.github/modelgate.yml': 'metrics:\n  - match: a\n    max_regresion: 1\n' },
      inputs: { base: 'base.json', head: 'head.json' },
      event: prEvent(),
    });
    expect(badConfig.failed).toBe(true);
    expect(badConfig.commands[0]).toBe(
      '::error title=config/unknown-key,file=.github/modelgate.yml,line=3,col=5::Unknown key `max_regresion` in `metrics[0]`.',
    );
  });
});

/** Per-example lines `{"id", metric: score…}` with continuous, all-distinct scores (a Poisson bootstrap resamples them one by one). */
function perExample(n: number, phase: number, metrics: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, string | number> = { id: `q${i}` };
    metrics.forEach((m, k) => (row[m] = Math.abs(Math.sin(i * (12.9898 + k) + phase))));
    lines.push(JSON.stringify(row));
  }
  return lines.join('\n') + '\n';
}

describe('metrics-diff action: threads', () => {
  const smallFiles = {
    ...files(HEAD_BETTER),
    'base.jsonl': perExample(300, 1, ['eval.accuracy']),
    'head.jsonl': perExample(300, 2, ['eval.accuracy']),
  };
  const withPredictions = { base: 'base.json', head: 'head.json', 'base-predictions': 'base.jsonl', 'head-predictions': 'head.jsonl', comment: 'false' };

  test.each(['auto', 'Auto', '', '1', '3'])('threads %j is taken, and the report is the one of one thread', async (threads) => {
    const one = await runAction({ files: smallFiles, inputs: { ...withPredictions, threads: '1' } });
    const result = await runAction({ files: smallFiles, inputs: { ...withPredictions, threads } });
    expect(result.failed).toBe(false);
    expect(JSON.parse(result.outputs['report']!).significance).toMatchObject({ computed: true, paired: 300 });
    expect(result.outputs['report']).toBe(one.outputs['report']);
    // 300 examples never need a worker; the debug line says why the bootstrap stayed on one thread.
    const debug = result.commands.filter((c) => c.startsWith('::debug::Bootstrap:'));
    const allowed = threads === '3' ? 3 : threads === '1' ? 1 : Math.min(availableParallelism(), 8);
    const why =
      threads === '1'
        ? '::debug::Bootstrap: 1 thread (threads: 1).'
        : allowed === 1
          ? '::debug::Bootstrap: 1 thread (threads: auto, and the runner has one core).'
          : `::debug::Bootstrap: 1 thread (${allowed} allowed): no metric had enough examples × resamples for worker threads to pay off.`;
    expect(debug).toEqual([why]);
  });

  test.each(['0', '-2', '1.5', 'all', '257', '2 threads'])('threads %j fails the step with a message naming the input', async (threads) => {
    const result = await runAction({ files: smallFiles, inputs: { ...withPredictions, threads } });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual([
      `::error::The threads input must be 'auto' (the runner's cores, at most 8) or a whole number from 1 to 256, not '${threads}'.`,
    ]);
  });

  test('action.yml declares threads, default auto', () => {
    const action = parse(readFileSync(new URL('../../actions/metrics-diff/action.yml', import.meta.url), 'utf8'));
    expect(action.inputs.threads).toMatchObject({ required: false, default: 'auto' });
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});

/**
 * The committed bundle as GitHub runs it: `node dist/index.js` in its own process (jest's module
 * loader cannot run a worker file), with the runner's INPUT_* and GITHUB_* variables, on two
 * per-example files large enough for worker threads (120,000 examples × 2,000 resamples per
 * metric, above parallel-bootstrap's 2·10⁸).
 */
describe('metrics-diff action: the bundle in dist/ runs the bootstrap on worker threads', () => {
  const run = promisify(execFile);
  const dist = fileURLToPath(new URL('../../actions/metrics-diff/dist/', import.meta.url));
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'modelgate-action-dist-'));
    const metrics = ['eval.accuracy', 'eval.f1'];
    writeFileSync(join(workspace, 'base.json'), BASE);
    writeFileSync(join(workspace, 'head.json'), HEAD_BETTER);
    writeFileSync(join(workspace, 'base.jsonl'), perExample(120_000, 1, metrics));
    writeFileSync(join(workspace, 'head.jsonl'), perExample(120_000, 2, metrics));
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  async function runBundle(entry: string, threads: string) {
    const output = join(workspace, `output-${threads}`);
    writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = {};
    // Only this step's variables: none of the test process's INPUT_*, GITHUB_* or NODE_OPTIONS.
    for (const [key, value] of Object.entries(process.env)) if (!/^(INPUT_|GITHUB_|RUNNER_|NODE_OPTIONS$)/.test(key)) env[key] = value;
    Object.assign(env, {
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      INPUT_BASE: 'base.json',
      INPUT_HEAD: 'head.json',
      'INPUT_BASE-PREDICTIONS': 'base.jsonl',
      'INPUT_HEAD-PREDICTIONS': 'head.jsonl',
      INPUT_COMMENT: 'false',
      INPUT_THREADS: threads,
    });
    const { stdout } = await run(process.execPath, [entry], { env, cwd: workspace });
    const outputs: Record<string, string> = {};
    for (const m of readFileSync(output, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)) outputs[m[1]!] = m[3]!;
    return { report: outputs['report'], debug: stdout.split('\n').filter((l) => l.startsWith('::debug::Bootstrap:')) };
  }

  test('threads: 2 uses a worker from dist/bootstrap-worker.js and gives exactly the report of threads: 1', async () => {
    expect(existsSync(join(dist, 'bootstrap-worker.js'))).toBe(true);
    const one = await runBundle(join(dist, 'index.js'), '1');
    const two = await runBundle(join(dist, 'index.js'), '2');
    expect(one.debug).toEqual(['::debug::Bootstrap: 1 thread (threads: 1).']);
    const report = JSON.parse(one.report!);
    expect(report.significance).toMatchObject({ computed: true, paired: 120_000 });
    expect(report.rows.filter((r: { ci: unknown }) => Array.isArray(r.ci))).toHaveLength(2);
    expect(two.report).toBe(one.report);
    // The worker, started for the first metric, takes blocks of the second.
    expect(two.debug).toEqual([expect.stringMatching(/^::debug::Bootstrap: 2 threads \(1 worker\); the workers computed \d+ of the last job's 20 blocks\.$/)]);
    expect(Number(/computed (\d+) of/.exec(two.debug[0]!)![1])).toBeGreaterThan(0);
  }, 120_000);

  test('without the worker file beside it the bundle says so, and still gives the same report on one thread', async () => {
    // What the assertion above tells apart: index.js alone, as the bundle was before it had a worker.
    const alone = mkdtempSync(join(tmpdir(), 'modelgate-action-alone-'));
    try {
      copyFileSync(join(dist, 'index.js'), join(alone, 'index.js'));
      writeFileSync(join(alone, 'package.json'), '{"type": "module"}\n');
      const one = await runBundle(join(dist, 'index.js'), '1');
      const result = await runBundle(join(alone, 'index.js'), '2');
      expect(result.debug).toEqual(['::debug::Bootstrap: 1 thread (2 allowed): the worker file bootstrap-worker.js is not beside the bundle.']);
      expect(result.report).toBe(one.report);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  }, 120_000);
});
