import { describe, expect, jest, test } from '@jest/globals';
import { findBaseline } from '../../../src/app/flows/baseline.js';
import { evaluationMetricSet, noBaseline, type NewEvaluation } from '../../../src/core/evaluation/index.js';
import type { LatestEvaluationQuery } from '../../../src/store/index.js';
import { memoryStore } from '../../helpers/probot.js';
import type { ContentsClient } from '../../../src/github/read-file.js';
import { metricsCard } from '../../helpers/cards.js';
import { httpError } from '../../helpers/http-error.js';
import { fakeClient } from '../../helpers/fake-client.js';

type GetContent = (params: { owner: string; repo: string; path: string; ref: string; mediaType?: { format: string } }) => Promise<any>;

function client(response: unknown): { octokit: ContentsClient; getContent: jest.Mock<GetContent> } {
  const getContent = jest.fn<GetContent>();
  if (response instanceof Error) getContent.mockRejectedValue(response);
  else getContent.mockResolvedValue({ data: response });
  return { octokit: fakeClient<ContentsClient>({ repos: { getContent } }), getContent };
}

const file = (text: string) => ({ type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') });
const PR = { base: { owner: 'acme', repo: 'models' }, repoId: 42, baseRef: 'main', baseSha: 'e'.repeat(40) };
const BASE_BRANCH = { label: 'base branch', ref: 'main', sha: 'e'.repeat(40) };

describe('findBaseline without a store (the card on the base branch)', () => {
  test("the card's metrics at the base commit, read from the base repository, named as the base branch", async () => {
    const { octokit, getContent } = client(file(metricsCard({ accuracy: 0.91, f1: 0.88 })));
    const found = await findBaseline({ octokit: octokit, store: null }, PR, 'sentiment', { path: 'models/s/README.md', basePath: 'models/s/README.md' });
    expect(getContent.mock.calls).toEqual([[{ owner: 'acme', repo: 'models', path: 'models/s/README.md', ref: 'e'.repeat(40) }]]);
    expect(found?.baseline).toEqual(BASE_BRANCH);
    expect([...found!.metrics.metrics.entries()].map(([k, e]) => [k, e.value])).toEqual([
      ['imdb/accuracy', { kind: 'number', value: 0.91 }],
      ['imdb/f1', { kind: 'number', value: 0.88 }],
    ]);
  });

  test('a renamed card is read under its old path', async () => {
    const { octokit, getContent } = client(file(metricsCard({ accuracy: 0.9, f1: 0.9 })));
    await findBaseline({ octokit: octokit, store: null }, PR, 'sentiment', { path: 'models/new/README.md', basePath: 'models/old/README.md' });
    expect(getContent.mock.calls[0]![0].path).toBe('models/old/README.md');
  });

  test('no card at the base (404), or a new card (no request): null', async () => {
    const missing = client(httpError(404));
    await expect(findBaseline({ octokit: missing.octokit, store: null }, PR, 'm', { path: 'a/README.md', basePath: 'a/README.md' })).resolves.toBeNull();
    const added = client(file('unused'));
    await expect(findBaseline({ octokit: added.octokit, store: null }, PR, 'm', { path: 'a/README.md', basePath: null })).resolves.toBeNull();
    expect(added.getContent).not.toHaveBeenCalled();
  });

  test('a base card without model-index results: the base branch, with no metrics (not its metadata)', async () => {
    const { octokit } = client(file('license: mit\ntags: [a]\n'));
    const found = await findBaseline({ octokit: octokit, store: null }, PR, 'm', { path: 'models/m/model_card.yml', basePath: 'models/m/model_card.yml' });
    expect(found?.baseline).toEqual(BASE_BRANCH);
    expect(found?.metrics.metrics.size).toBe(0);
  });

  test('other errors are not hidden', async () => {
    const { octokit } = client(httpError(502));
    await expect(findBaseline({ octokit: octokit, store: null }, PR, 'm', { path: 'a/README.md', basePath: 'a/README.md' })).rejects.toThrow('HTTP 502');
  });

  test('no baseline is still stated, with the branch it was looked for on', () => {
    expect(noBaseline(PR)).toEqual({ label: 'none: the card is not on the base branch', ref: 'main', sha: 'e'.repeat(40) });
  });
});

const stored = (overrides: Partial<NewEvaluation> = {}): NewEvaluation => ({
  repoId: 42,
  repoFullName: 'acme/models',
  model: 'sentiment',
  modelVersion: 'v3',
  sha: 'a'.repeat(40),
  ref: 'main',
  pr: null,
  runId: 123,
  runAttempt: 1,
  runUrl: 'https://github.com/acme/models/actions/runs/123',
  status: 'success',
  metrics: { 'eval.accuracy': 0.91, label: 'x', gone: null, 'eval.loss': { invalid: 'NaN' } },
  predictionsDigest: null,
  cardDigest: null,
  manifest: null,
  verdict: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  ...overrides,
});

describe('findBaseline with the store (evaluations first)', () => {
  test("the latest successful evaluation of the model on the base branch, named by run and commit, without a request", async () => {
    const store = await memoryStore();
    try {
      await store.recordEvaluation(stored({ runId: 100, sha: 'b'.repeat(40), createdAt: new Date('2025-12-01T00:00:00Z') }));
      await store.recordEvaluation(stored());
      // Not baselines: another model, another branch (a PR's run), a failed run.
      await store.recordEvaluation(stored({ runId: 124, model: 'other', createdAt: new Date('2026-02-01T00:00:00Z') }));
      await store.recordEvaluation(stored({ runId: 125, ref: 'refs/pull/7/head', pr: 7, createdAt: new Date('2026-02-01T00:00:00Z') }));
      await store.recordEvaluation(stored({ runId: 126, status: 'failure', createdAt: new Date('2026-02-01T00:00:00Z') }));
      const { octokit, getContent } = client(file('unused'));
      const queries: LatestEvaluationQuery[] = [];
      const spy = { latestEvaluation: (q: LatestEvaluationQuery) => (queries.push(q), store.latestEvaluation(q)), getEvaluation: (id: number) => store.getEvaluation(id) };

      const found = await findBaseline({ octokit, store: spy }, PR, 'sentiment', { path: 'models/s/README.md', basePath: 'models/s/README.md' });

      expect(queries).toEqual([{ repoId: 42, model: 'sentiment', status: 'success', ref: 'main' }]);
      expect(getContent).not.toHaveBeenCalled();
      expect(found?.baseline).toEqual({ label: 'main (evaluation run #123)', sha: 'a'.repeat(40) });
      expect(found?.metrics.file).toBe('evaluation run #123');
      expect([...found!.metrics.metrics.entries()].map(([k, e]) => [k, e.value])).toEqual([
        ['eval.accuracy', { kind: 'number', value: 0.91 }],
        ['label', { kind: 'text', value: 'x' }],
        ['gone', { kind: 'invalid', raw: 'null' }],
        ['eval.loss', { kind: 'invalid', raw: 'NaN' }],
      ]);
    } finally {
      await store.close();
    }
  });

  test('no stored evaluation: falls back to the card on the base branch (one request)', async () => {
    const store = await memoryStore();
    try {
      const { octokit, getContent } = client(file(metricsCard({ accuracy: 0.91, f1: 0.88 })));
      const found = await findBaseline({ octokit, store }, PR, 'sentiment', { path: 'models/s/README.md', basePath: 'models/s/README.md' });
      expect(getContent).toHaveBeenCalledTimes(1);
      expect(found?.baseline).toEqual(BASE_BRANCH);
      // No card known (an artifact without one) and nothing stored: no baseline.
      await expect(findBaseline({ octokit, store }, PR, 'sentiment', null)).resolves.toBeNull();
      expect(getContent).toHaveBeenCalledTimes(1);
    } finally {
      await store.close();
    }
  });

  test('evaluationMetricSet keeps the stored order and names the model', () => {
    const set = evaluationMetricSet({ runId: 9, model: 'm', metrics: { b: 1, a: 2 } });
    expect([...set.metrics.keys()]).toEqual(['b', 'a']);
    expect(set.model).toBe('m');
  });
});

describe('findBaseline with the version in the baseline stage (the registry)', () => {
  const holder = { stage: 'production', version: 'v2', commit: 'c'.repeat(40), card: 'models/s/README.md', evaluation: null };

  test('card diffs compare with the stage holder\'s card at its commit, named after the stage and version', async () => {
    const { octokit, getContent } = client(file(metricsCard({ accuracy: 0.8, f1: 0.7 })));
    const found = await findBaseline({ octokit, store: null, holder }, PR, 'sentiment', { path: 'models/s/README.md', basePath: 'models/s/README.md' });
    expect(getContent.mock.calls).toEqual([[{ owner: 'acme', repo: 'models', path: 'models/s/README.md', ref: 'c'.repeat(40) }]]);
    expect(found?.baseline).toEqual({ label: 'production (v2)', sha: 'c'.repeat(40), version: 'v2' });
    expect(found?.metrics.metrics.get('imdb/accuracy')?.value).toEqual({ kind: 'number', value: 0.8 });
  });

  test('evaluation diffs compare with the stage holder\'s evaluation; without one, the base branch as before', async () => {
    const store = await memoryStore();
    try {
      const v2 = await store.recordEvaluation(stored({ runId: 200, modelVersion: 'v2', metrics: { 'eval.accuracy': 0.8 } }));
      await store.recordEvaluation(stored({ runId: 201, modelVersion: 'v3', createdAt: new Date('2026-03-01T00:00:00Z') }));
      const { octokit, getContent } = client(file('unused'));
      const found = await findBaseline({ octokit, store, holder: { ...holder, evaluation: v2.evaluation.id } }, PR, 'sentiment', null);
      expect(found?.baseline).toEqual({ label: 'production (v2)', sha: 'a'.repeat(40), version: 'v2' });
      expect([...found!.metrics.metrics.keys()]).toEqual(['eval.accuracy']);
      // The registry names no evaluation: the latest successful one of that version.
      const latest = await findBaseline({ octokit, store, holder }, PR, 'sentiment', null);
      expect(latest?.baseline.label).toBe('production (v2)');
      // A holder with no evaluation at all: the base branch's latest evaluation, as without a registry.
      const none = await findBaseline({ octokit, store, holder: { ...holder, version: 'v9' } }, PR, 'sentiment', null);
      expect(none?.baseline.label).toBe('main (evaluation run #201)');
      expect(getContent).not.toHaveBeenCalled();
    } finally {
      await store.close();
    }
  });
});
