import { describe, expect, jest, test } from '@jest/globals';
import { listPullRequestFiles, MAX_LISTED_FILES, type PullFilesClient, type PullRequestFile } from '../../src/github/list-pr-files.js';
import { type LooseMethod, fakeClient } from '../helpers/fake-client.js';

type ListFiles = LooseMethod;
const repo = { owner: 'octo', repo: 'models' };
const files = (from: number, count: number): PullRequestFile[] =>
  Array.from({ length: count }, (_, i) => ({ filename: `f${from + i}.md`, status: 'modified' }));
const next = (page: number) => `<https://api.github.com/repositories/1/pulls/7/files?per_page=100&page=${page}>; rel="next", <https://api.github.com/x?page=30>; rel="last"`;

function client(pages: Array<{ data: PullRequestFile[]; link?: string }>) {
  const listFiles = jest.fn<ListFiles>();
  for (const p of pages) listFiles.mockResolvedValueOnce({ data: p.data, headers: p.link ? { link: p.link } : {} });
  const octokit = fakeClient<PullFilesClient>({ pulls: { listFiles } });
  return { octokit, listFiles };
}

describe('listPullRequestFiles', () => {
  test('one page: one request, 100 per page', async () => {
    const { octokit, listFiles } = client([{ data: files(0, 3) }]);
    await expect(listPullRequestFiles(octokit, repo, 7)).resolves.toEqual(files(0, 3));
    expect(listFiles.mock.calls).toEqual([[{ owner: 'octo', repo: 'models', pull_number: 7, per_page: 100, page: 1 }]]);
  });

  test('exactly 100 files and no next link: still one request', async () => {
    const { octokit, listFiles } = client([{ data: files(0, 100) }]);
    expect(await listPullRequestFiles(octokit, repo, 7)).toHaveLength(100);
    expect(listFiles).toHaveBeenCalledTimes(1);
  });

  test('follows rel="next" page by page', async () => {
    const { octokit, listFiles } = client([
      { data: files(0, 100), link: next(2) },
      { data: files(100, 100), link: next(3) },
      { data: files(200, 5) },
    ]);
    const listed = await listPullRequestFiles(octokit, repo, 7);
    expect(listed.map((f) => f.filename)).toEqual(files(0, 205).map((f) => f.filename));
    expect(listFiles.mock.calls.map(([p]) => p.page)).toEqual([1, 2, 3]);
  });

  test('stops at the 3,000 files GitHub lists', async () => {
    const pages = Array.from({ length: 31 }, (_, i) => ({ data: files(i * 100, 100), link: next(i + 2) }));
    const { octokit, listFiles } = client(pages);
    expect(await listPullRequestFiles(octokit, repo, 7)).toHaveLength(MAX_LISTED_FILES);
    expect(listFiles).toHaveBeenCalledTimes(30);
  });
});
