import { describe, expect, test } from '@jest/globals';
import type { RequestClient } from '../../src/github/installations.js';
import { RepositoryDirectory } from '../../src/slack/repositories.js';
import type { KnownRepository, Repositories } from '../../src/store/index.js';

const repo = (id: number, fullName: string): KnownRepository => ({ repoId: id, fullName, installationId: 7, defaultBranch: 'main', htmlUrl: `https://github.com/${fullName}` });

/** The store's index in memory, and GitHub's installation endpoints with every request recorded. */
function setup(known: KnownRepository[], models: Record<number, string[]>, installed: KnownRepository[] = []) {
  const index = new Map(known.map((r) => [r.repoId, r]));
  const held = new Map(Object.entries(models).map(([id, m]) => [Number(id), m]));
  const store: Repositories = {
    rememberRepository: async (r) => void index.set(r.repoId, r),
    repository: async (where) => [...index.values()].find((r) => ('repoId' in where ? r.repoId === where.repoId : r.fullName.toLowerCase() === where.fullName.toLowerCase())) ?? null,
    rememberModels: async (id, m) => void held.set(id, [...m]),
    repositoriesWithModel: async (model) => [...index.values()].filter((r) => held.get(r.repoId)?.includes(model)),
    listRepositories: async () => [...index.values()],
  };
  const requests: string[] = [];
  const client: RequestClient = {
    request: async (route, params) => {
      requests.push(route);
      if (route === 'GET /app/installations') return { data: [{ id: 7 }] };
      if (route === 'GET /installation/repositories') return { data: { repositories: installed.map((r) => ({ id: r.repoId, full_name: r.fullName, default_branch: 'main', html_url: r.htmlUrl })) } };
      if (route === 'GET /repos/{owner}/{repo}/installation') {
        if (!installed.some((r) => r.fullName === `${params?.['owner']}/${params?.['repo']}`)) throw Object.assign(new Error('Not Found'), { status: 404 });
        return { data: { id: 7 } };
      }
      const r = installed.find((x) => x.fullName === `${params?.['owner']}/${params?.['repo']}`)!;
      return { data: { id: r.repoId, full_name: r.fullName, default_branch: 'main', html_url: r.htmlUrl } };
    },
  };
  let now = 0;
  const directory = new RepositoryDirectory({ store, clients: async () => client, channels: { C0DEFAULT: 'acme/models' }, now: () => now, readModels: async (r) => (r.fullName === 'acme/new' ? ['fresh'] : []) });
  return { directory, requests, tick: (ms: number) => (now += ms) };
}

describe('which repository a model named in Slack is', () => {
  test('a unique name resolves by itself; two candidates are listed, never guessed', async () => {
    const { directory, requests } = setup([repo(1, 'acme/models'), repo(2, 'acme/other')], { 1: ['sentiment', 'spam'], 2: ['spam'] });
    expect(await directory.resolve({ repo: null, model: 'sentiment' }, 'C0ELSE')).toMatchObject({ kind: 'ok', repo: { fullName: 'acme/models', id: 1 } });
    expect(await directory.resolve({ repo: null, model: 'spam' }, 'C0ELSE')).toEqual({ kind: 'refused', message: 'Several repositories have a model named "spam": acme/models:spam, acme/other:spam. Name the one you mean.' });
    expect(await directory.resolve({ repo: { owner: 'acme', name: 'other' }, model: 'spam' }, 'C0ELSE')).toMatchObject({ kind: 'ok', repo: { fullName: 'acme/other' } });
    expect(await directory.resolve({ repo: null, model: 'spam' }, 'C0DEFAULT')).toMatchObject({ kind: 'ok', repo: { fullName: 'acme/models' } });
    expect(requests).toEqual([]);
  });

  test('a name nobody holds refreshes the index from GitHub, at most once every 5 minutes', async () => {
    const { directory, requests, tick } = setup([], {}, [repo(3, 'acme/new')]);
    expect(await directory.resolve({ repo: null, model: 'fresh' }, 'C0ELSE')).toMatchObject({ kind: 'ok', repo: { fullName: 'acme/new' } });
    expect(requests).toEqual(['GET /app/installations', 'GET /installation/repositories']);
    expect((await directory.resolve({ repo: null, model: 'missing' }, 'C0ELSE')).kind).toBe('refused');
    expect(requests).toHaveLength(2);
    tick(5 * 60_000);
    await directory.resolve({ repo: null, model: 'missing' }, 'C0ELSE');
    expect(requests).toHaveLength(4);
  });

  test('a repository named explicitly is looked up on GitHub once, then known; one not installed is refused', async () => {
    const { directory, requests } = setup([], {}, [repo(3, 'acme/new')]);
    expect(await directory.resolve({ repo: { owner: 'acme', name: 'new' }, model: 'x' }, 'C0ELSE')).toMatchObject({ kind: 'ok', repo: { id: 3, installationId: 7 } });
    await directory.resolve({ repo: { owner: 'acme', name: 'new' }, model: 'x' }, 'C0ELSE');
    expect(requests).toEqual(['GET /repos/{owner}/{repo}/installation', 'GET /repos/{owner}/{repo}']);
    expect(await directory.resolve({ repo: { owner: 'evil', name: 'repo' }, model: 'x' }, 'C0ELSE')).toEqual({ kind: 'refused', message: 'modelgate is not installed on evil/repo, or cannot see it: install the GitHub App there (or check the name).' });
  });
});
