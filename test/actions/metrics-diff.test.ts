import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
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
