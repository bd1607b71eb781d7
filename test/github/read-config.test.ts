import { describe, expect, jest, test } from '@jest/globals';
import { readConfig } from '../../src/github/read-config.js';
import type { ContentsClient } from '../../src/github/read-file.js';
import { DEFAULT_CONFIG } from '../../src/core/config/schema.js';
import { httpError } from '../helpers/http-error.js';
import { fakeClient } from '../helpers/fake-client.js';

type GetContent = (params: { owner: string; repo: string; path: string; ref: string; mediaType?: { format: string } }) => Promise<any>;
const repo = { owner: 'octo', repo: 'models' };
const file = (text: string) => ({ type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') });

function client(response: unknown | Error) {
  const getContent = jest.fn<GetContent>();
  if (response instanceof Error) getContent.mockRejectedValue(response);
  else getContent.mockResolvedValue({ data: response });
  const octokit = fakeClient<ContentsClient>({ repos: { getContent } });
  return { octokit, getContent };
}

describe('readConfig', () => {
  test('reads .github/modelgate.yml from the default branch', async () => {
    const { octokit, getContent } = client(file('fail_on: warning\ncards: ["cards/*.md"]\n'));
    const loaded = await readConfig(octokit, repo, 'main');
    expect(loaded).toEqual({ ok: true, source: 'file', config: { ...DEFAULT_CONFIG, failOn: 'warning', cards: ['cards/*.md'] } });
    expect(getContent.mock.calls).toEqual([[{ owner: 'octo', repo: 'models', path: '.github/modelgate.yml', ref: 'main' }]]);
  });

  test('a missing config (404) means the defaults', async () => {
    const { octokit } = client(httpError(404));
    await expect(readConfig(octokit, repo, 'main')).resolves.toEqual({ ok: true, source: 'defaults', config: DEFAULT_CONFIG });
  });

  test('an invalid config gives its errors with positions', async () => {
    const { octokit } = client(file('fail_on: error\nfial_on: warning\n'));
    const loaded = await readConfig(octokit, repo, 'main');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors).toEqual([expect.objectContaining({ severity: 'error', rule: 'config/unknown-key', line: 2, column: 1 })]);
  });

  test('a directory at the config path is an error, not the defaults', async () => {
    const { octokit } = client([]);
    await expect(readConfig(octokit, repo, 'main')).resolves.toEqual({
      ok: false,
      errors: [expect.objectContaining({ rule: 'config/not-a-file', line: 1, column: 1, message: '.github/modelgate.yml is a dir, not a file.' })],
    });
  });

  test('a server error is not mistaken for a missing config', async () => {
    const { octokit } = client(httpError(500));
    await expect(readConfig(octokit, repo, 'main')).rejects.toThrow('HTTP 500');
  });
});
