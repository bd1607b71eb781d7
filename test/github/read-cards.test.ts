import { describe, expect, jest, test } from '@jest/globals';
import { readCards } from '../../src/github/read-cards.js';
import type { ContentsClient } from '../../src/github/read-file.js';
import { httpError } from '../helpers/http-error.js';
import { fakeClient } from '../helpers/fake-client.js';

type GetContent = (params: { owner: string; repo: string; path: string; ref: string; mediaType?: { format: string } }) => Promise<any>;
const base = { owner: 'octo', repo: 'models' };
const fork = { owner: 'someone', repo: 'models-fork' };
const entry = (text: string) => ({ type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') });

/** A fake contents API: `files` maps "owner/repo:path" to content; other repos answer `deny`. */
function client(files: Record<string, string>, deny: Record<string, number> = {}) {
  const getContent = jest.fn<GetContent>(async ({ owner, repo, path }) => {
    const status = deny[`${owner}/${repo}`];
    if (status) throw httpError(status);
    const text = files[`${owner}/${repo}:${path}`];
    if (text === undefined) throw httpError(404);
    return { data: entry(text) };
  });
  const octokit = fakeClient<ContentsClient>({ repos: { getContent } });
  const calls = () => getContent.mock.calls.map(([p]) => `${p.owner}/${p.repo}:${p.path}@${p.ref}`);
  return { octokit, calls };
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('readCards', () => {
  test('same-repository PR: one request per card, at the head SHA, in order', async () => {
    const { octokit, calls } = client({ 'octo/models:a.md': 'A', 'octo/models:b.md': 'B', 'octo/models:c.md': 'C' });
    const cards = await readCards(octokit, { base, head: base, sha: 'h1' }, ['a.md', 'b.md', 'c.md']);
    expect(cards).toEqual([
      { path: 'a.md', read: { kind: 'file', bytes: bytes('A') } },
      { path: 'b.md', read: { kind: 'file', bytes: bytes('B') } },
      { path: 'c.md', read: { kind: 'file', bytes: bytes('C') } },
    ]);
    expect(calls().sort()).toEqual(['octo/models:a.md@h1', 'octo/models:b.md@h1', 'octo/models:c.md@h1']);
  });

  test('no cards: no requests', async () => {
    const { octokit, calls } = client({});
    await expect(readCards(octokit, { base, head: fork, sha: 'h1' }, [])).resolves.toEqual([]);
    expect(calls()).toEqual([]);
  });

  test('fork PR the installation can read: cards come from the fork', async () => {
    const { octokit, calls } = client({ 'someone/models-fork:a.md': 'A', 'someone/models-fork:b.md': 'B' });
    const cards = await readCards(octokit, { base, head: fork, sha: 'h1' }, ['a.md', 'b.md']);
    expect(cards.map((c) => c.read.kind)).toEqual(['file', 'file']);
    expect(calls().sort()).toEqual(['someone/models-fork:a.md@h1', 'someone/models-fork:b.md@h1']);
  });

  test.each([404, 403])('fork the installation cannot read (%i): one failed probe, then the base repository for every card', async (status) => {
    const { octokit, calls } = client({ 'octo/models:a.md': 'A', 'octo/models:b.md': 'B', 'octo/models:c.md': 'C' }, { 'someone/models-fork': status });
    const cards = await readCards(octokit, { base, head: fork, sha: 'h1' }, ['a.md', 'b.md', 'c.md']);
    expect(cards.map((c) => c.read)).toEqual([
      { kind: 'file', bytes: bytes('A') },
      { kind: 'file', bytes: bytes('B') },
      { kind: 'file', bytes: bytes('C') },
    ]);
    expect(calls()).toEqual(['someone/models-fork:a.md@h1', 'octo/models:a.md@h1', 'octo/models:b.md@h1', 'octo/models:c.md@h1']);
  });

  test('deleted fork (no head repository): read from the base repository', async () => {
    const { octokit, calls } = client({ 'octo/models:a.md': 'A' });
    await readCards(octokit, { base, head: null, sha: 'h1' }, ['a.md']);
    expect(calls()).toEqual(['octo/models:a.md@h1']);
  });

  test('a card missing everywhere is reported missing', async () => {
    const { octokit } = client({});
    await expect(readCards(octokit, { base, head: base, sha: 'h1' }, ['a.md'])).resolves.toEqual([{ path: 'a.md', read: { kind: 'missing' } }]);
  });

  test('a server error stops the read', async () => {
    const { octokit } = client({}, { 'octo/models': 502 });
    await expect(readCards(octokit, { base, head: base, sha: 'h1' }, ['a.md'])).rejects.toThrow('HTTP 502');
  });
});
