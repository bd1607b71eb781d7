import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { compareMetrics, readMetrics, type MetricSet } from '../../../src/core/metrics/index.js';
import { commentKey, evaluationOutput, publishEvaluation, type EvaluationTarget, type ModelResult, type PublishClient } from '../../../src/app/flows/publish.js';
import type { Store } from '../../../src/store/index.js';
import { httpError } from '../../helpers/http-error.js';
import { memoryStore } from '../../helpers/probot.js';

const HEAD = 'b'.repeat(40);
const NEWER = 'c'.repeat(40);
const PR: EvaluationTarget = { base: { owner: 'acme', repo: 'models' }, repoId: 42, number: 7, headSha: HEAD };
const BASELINE = { label: 'base branch', ref: 'main', sha: 'd'.repeat(40) };
const RULES = [{ match: 'accuracy', max_regression: 0.02 }];

const metrics = (file: string, values: Record<string, number>): MetricSet => {
  const read = readMetrics(file, JSON.stringify(values));
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
};

function result(model: string, head: number, base = 0.9, extra: Record<string, number> = {}): ModelResult {
  const diff = compareMetrics(metrics('base.json', { accuracy: base, ...extra }), metrics('head.json', { accuracy: head, ...extra }), { rules: RULES });
  return { model, diff, baseline: BASELINE, runUrl: null, source: `models/${model}/README.md` };
}

/** An Octokit with just what publishing uses, recording every call; `onComment` runs before each comment write. */
class FakeOctokit {
  /** Typed as the client publishing takes: the fake implements only what publishing calls. */
  get client(): PublishClient {
    return this as unknown as PublishClient;
  }

  calls: string[] = [];
  bodies: string[] = [];
  nextCommentId = 100;
  onComment: () => Promise<void> = async () => undefined;
  appId: number | null = 5;
  listed: Array<{ id: number; body: string; user: { login: string }; performed_via_github_app: { id: number } | null }> = [];

  auth = async () => {
    if (this.appId === null) throw new Error('no app auth');
    return { appId: this.appId };
  };

  rest = {
    checks: {
      create: async (p: { name: string }) => {
        this.calls.push(`create check ${p.name}`);
        return { data: { id: 1 } };
      },
      update: async (p: { conclusion?: string; output: { title: string } }) => {
        this.calls.push(`complete check ${p.conclusion}: ${p.output.title}`);
        return {};
      },
    },
    issues: {
      listComments: async () => {
        this.calls.push('list comments');
        return { data: this.listed };
      },
      createComment: async (p: { body: string }) => {
        await this.onComment();
        this.calls.push('create comment');
        this.bodies.push(p.body);
        return { data: { id: this.nextCommentId++, body: p.body, user: { login: 'modelgate[bot]' } } };
      },
      updateComment: async (p: { comment_id: number; body: string }) => {
        await this.onComment();
        this.calls.push(`update comment ${p.comment_id}`);
        this.bodies.push(p.body);
        return { data: { id: p.comment_id, body: p.body, user: { login: 'modelgate[bot]' } } };
      },
    },
  };
}

let store: Store;
let octokit: FakeOctokit;
beforeEach(async () => {
  store = await memoryStore();
  octokit = new FakeOctokit();
});
afterEach(() => store.close());

describe('publishEvaluation', () => {
  test('nothing to report: no call at all', async () => {
    await expect(publishEvaluation(octokit.client, store, PR, [])).resolves.toEqual({ published: false, reason: 'nothing to report' });
    expect(octokit.calls).toEqual([]);
  });

  test('an outdated head SHA (the store has a newer head): no call at all', async () => {
    await store.recordHeadSha({ repoId: 42, pr: 7, sha: NEWER, at: new Date('2024-01-02T00:00:00Z') });
    await expect(publishEvaluation(octokit.client, store, PR, [result('sentiment', 0.8)])).resolves.toEqual({
      published: false,
      reason: 'outdated head',
      currentHead: NEWER,
    });
    expect(octokit.calls).toEqual([]);
  });

  test('the current head: check created, comment, check completed with the verdict', async () => {
    await store.recordHeadSha({ repoId: 42, pr: 7, sha: HEAD, at: new Date('2024-01-02T00:00:00Z') });
    const outcome = await publishEvaluation(octokit.client, store, PR, [result('sentiment', 0.8)]);
    expect(octokit.calls).toEqual([
      'create check modelgate / evaluation',
      'list comments',
      'create comment',
      'complete check failure: 1 of 1 metric gate failed (sentiment)',
    ]);
    expect(outcome).toEqual({
      published: true,
      conclusion: 'failure',
      title: '1 of 1 metric gate failed (sentiment)',
      comments: [{ model: 'sentiment', id: 100, action: 'created' }],
    });
    await expect(store.getCommentId({ repoId: 42, pr: 7, key: commentKey('sentiment') })).resolves.toBe(100);

    // Again: the id is remembered now, so one comment call.
    octokit.calls = [];
    await publishEvaluation(octokit.client, store, PR, [result('sentiment', 0.95)]);
    expect(octokit.calls).toEqual(['create check modelgate / evaluation', 'update comment 100', 'complete check success: The metric gate passed (sentiment)']);
  });

  test('a push while publishing: the remaining comments are left alone, the check (on its own commit) completes', async () => {
    octokit.onComment = async () => {
      await store.recordHeadSha({ repoId: 42, pr: 7, sha: NEWER, at: new Date('2024-01-03T00:00:00Z') });
    };
    const outcome = await publishEvaluation(octokit.client, store, PR, [result('a', 0.8), result('b', 0.8)]);
    expect(octokit.calls).toEqual(['create check modelgate / evaluation', 'list comments', 'create comment', 'complete check failure: 2 of 2 metric gates failed (a, b)']);
    expect(outcome).toMatchObject({ published: true, comments: [{ model: 'a' }], stoppedAt: NEWER });
  });

  test('only our App\'s comment is updated; a known id that was deleted is searched for again', async () => {
    await store.setCommentId({ repoId: 42, pr: 7, key: commentKey('sentiment'), commentId: 50 });
    const update = octokit.rest.issues.updateComment;
    octokit.rest.issues.updateComment = async (p) => {
      if (p.comment_id === 50) {
        octokit.calls.push('update comment 50 (404)');
        throw httpError(404);
      }
      return update(p);
    };
    const marker = '<!-- modelgate:metrics-diff model=sentiment -->';
    octokit.listed = [
      { id: 60, body: marker, user: { login: 'mallory' }, performed_via_github_app: null },
      { id: 61, body: marker, user: { login: 'modelgate[bot]' }, performed_via_github_app: { id: 5 } },
    ];
    await publishEvaluation(octokit.client, store, PR, [result('sentiment', 0.9)]);
    expect(octokit.calls.slice(1, -1)).toEqual(['update comment 50 (404)', 'list comments', 'update comment 61']);
    await expect(store.getCommentId({ repoId: 42, pr: 7, key: commentKey('sentiment') })).resolves.toBe(61);
  });

  test('without an App id nothing is posted: our comments could not be told apart', async () => {
    octokit.appId = null;
    await expect(publishEvaluation(octokit.client, store, PR, [result('sentiment', 0.8)])).rejects.toThrow('Cannot tell which GitHub App this is');
    expect(octokit.calls).toEqual([]);
  });

  test('a failing comment write completes the check as failed and rethrows', async () => {
    octokit.onComment = async () => {
      throw httpError(500, 'Server Error');
    };
    await expect(publishEvaluation(octokit.client, store, PR, [result('sentiment', 0.8)])).rejects.toThrow('Server Error');
    expect(octokit.calls).toEqual(['create check modelgate / evaluation', 'list comments', 'complete check failure: modelgate could not publish the evaluation']);
  });

  test('no head recorded (App installed after the PR was opened): published; the comment names the baseline and links the run', async () => {
    await publishEvaluation(octokit.client, store, PR, [{ ...result('sentiment', 0.8), runUrl: 'https://github.com/acme/models/actions/runs/9' }]);
    const [body] = octokit.bodies;
    expect(body!.split('\n').slice(0, 4)).toEqual([
      '<!-- modelgate:metrics-diff model=sentiment -->',
      '❌ **1 of 1 metric gate failed** — compared with the baseline **base branch** (`main`, `ddddddd`).',
      '',
      '1 regressed · [Evaluation run](https://github.com/acme/models/actions/runs/9)',
    ]);
  });
});

describe('evaluationOutput', () => {
  test('titles: the failing models are named (at most 3), else all models', () => {
    expect(evaluationOutput([result('a', 0.95), result('b', 0.8)]).title).toBe('1 of 2 metric gates failed (b)');
    expect(evaluationOutput(['a', 'b', 'c', 'd', 'e'].map((m) => result(m, 0.8))).title).toBe('5 of 5 metric gates failed (a, b, c, 2 more)');
    expect(evaluationOutput([result('a', 0.95), result('b', 0.9)]).title).toBe('All 2 metric gates passed (a, b)');
    const ungated = compareMetrics(metrics('b.json', { loss: 1 }), metrics('h.json', { loss: 2 }));
    const output = evaluationOutput([{ model: 'm', diff: ungated, baseline: BASELINE, runUrl: null }]);
    expect([output.conclusion, output.title]).toEqual(['success', 'No metric gates apply (m)']);
    expect(output.summary.startsWith('### `m`\n\nℹ️ **No metric gates apply**')).toBe(true);
  });

  test('many large models: the summary stays within 65,535 characters, and the models left out are named', () => {
    const wide = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`metric_${i}`, i / 1000]));
    const results = Array.from({ length: 80 }, (_, i) => result(`model-${i}`, 0.8, 0.9, wide));
    const { summary, annotations } = evaluationOutput(results);
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary.startsWith('### `model-0` · `models/model-0/README.md`\n\n❌ **1 of 1 metric gate failed**')).toBe(true);
    const shown = summary.match(/^### /gm)!.length;
    expect(shown).toBeGreaterThan(20);
    expect(shown).toBeLessThan(80);
    expect(summary).toMatch(new RegExp(`_${80 - shown} more models not shown here \\(each has its own comment on the pull request\\): model\\\\-${shown}, `));
    // Every shown section keeps its failed gate.
    expect(summary.match(/regressed by 0\\\.1, more than the allowed 0\\\.02/g)!.length).toBe(shown);
    expect(annotations).toEqual([]);
  });
});
