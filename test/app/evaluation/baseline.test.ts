import { describe, expect, jest, test } from '@jest/globals';
import { findBaseline, noBaseline } from '../../../src/app/evaluation/baseline.js';
import type { ContentsClient, GetContentParams } from '../../../src/app/github/read-file.js';
import { metricsCard } from '../helpers/cards.js';
import { httpError } from '../helpers/http-error.js';

type GetContent = (params: GetContentParams) => Promise<{ data: unknown }>;

function client(response: unknown): { octokit: ContentsClient; getContent: jest.Mock<GetContent> } {
  const getContent = jest.fn<GetContent>();
  if (response instanceof Error) getContent.mockRejectedValue(response);
  else getContent.mockResolvedValue({ data: response });
  return { octokit: { rest: { repos: { getContent } } }, getContent };
}

const file = (text: string) => ({ type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') });
const PR = { base: { owner: 'acme', repo: 'models' }, baseRef: 'main', baseSha: 'e'.repeat(40) };
const BASE_BRANCH = { label: 'base branch', ref: 'main', sha: 'e'.repeat(40) };

describe('findBaseline (the base branch strategy)', () => {
  test("the card's metrics at the base commit, read from the base repository, named as the base branch", async () => {
    const { octokit, getContent } = client(file(metricsCard({ accuracy: 0.91, f1: 0.88 })));
    const found = await findBaseline(octokit, PR, 'sentiment', { path: 'models/s/README.md', basePath: 'models/s/README.md' });
    expect(getContent.mock.calls).toEqual([[{ owner: 'acme', repo: 'models', path: 'models/s/README.md', ref: 'e'.repeat(40) }]]);
    expect(found?.baseline).toEqual(BASE_BRANCH);
    expect([...found!.metrics.metrics.entries()].map(([k, e]) => [k, e.value])).toEqual([
      ['imdb/accuracy', { kind: 'number', value: 0.91 }],
      ['imdb/f1', { kind: 'number', value: 0.88 }],
    ]);
  });

  test('a renamed card is read under its old path', async () => {
    const { octokit, getContent } = client(file(metricsCard({ accuracy: 0.9, f1: 0.9 })));
    await findBaseline(octokit, PR, 'sentiment', { path: 'models/new/README.md', basePath: 'models/old/README.md' });
    expect(getContent.mock.calls[0]![0].path).toBe('models/old/README.md');
  });

  test('no card at the base (404), or a new card (no request): null', async () => {
    const missing = client(httpError(404));
    await expect(findBaseline(missing.octokit, PR, 'm', { path: 'a/README.md', basePath: 'a/README.md' })).resolves.toBeNull();
    const added = client(file('unused'));
    await expect(findBaseline(added.octokit, PR, 'm', { path: 'a/README.md', basePath: null })).resolves.toBeNull();
    expect(added.getContent).not.toHaveBeenCalled();
  });

  test('a base card without model-index results: the base branch, with no metrics (not its metadata)', async () => {
    const { octokit } = client(file('license: mit\ntags: [a]\n'));
    const found = await findBaseline(octokit, PR, 'm', { path: 'models/m/model_card.yml', basePath: 'models/m/model_card.yml' });
    expect(found?.baseline).toEqual(BASE_BRANCH);
    expect(found?.metrics.metrics.size).toBe(0);
  });

  test('other errors are not hidden', async () => {
    const { octokit } = client(httpError(502));
    await expect(findBaseline(octokit, PR, 'm', { path: 'a/README.md', basePath: 'a/README.md' })).rejects.toThrow('HTTP 502');
  });

  test('no baseline is still stated, with the branch it was looked for on', () => {
    expect(noBaseline(PR)).toEqual({ label: 'none: the card is not on the base branch', ref: 'main', sha: 'e'.repeat(40) });
  });
});
