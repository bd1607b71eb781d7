import { describe, expect, jest, test } from '@jest/globals';
import { readFile, type ContentsClient } from '../../src/github/read-file.js';
import { httpError } from '../helpers/http-error.js';
import { fakeClient } from '../helpers/fake-client.js';

type GetContent = (params: { owner: string; repo: string; path: string; ref: string; mediaType?: { format: string } }) => Promise<any>;

function client(...responses: Array<unknown | Error>): { octokit: ContentsClient; getContent: jest.Mock<GetContent> } {
  const getContent = jest.fn<GetContent>();
  for (const r of responses) {
    if (r instanceof Error) getContent.mockRejectedValueOnce(r);
    else getContent.mockResolvedValueOnce({ data: r });
  }
  return { octokit: fakeClient<ContentsClient>({ repos: { getContent } }), getContent };
}

const repo = { owner: 'octo', repo: 'models' };
const fileEntry = (bytes: Uint8Array | string) => ({
  type: 'file',
  encoding: 'base64',
  size: typeof bytes === 'string' ? bytes.length : bytes.byteLength,
  content: Buffer.from(bytes).toString('base64').replace(/(.{60})/g, '$1\n'),
});

describe('readFile', () => {
  test('decodes base64 content to the exact bytes, at the given ref, in one request', async () => {
    const { octokit, getContent } = client(fileEntry('---\nlicense: mit\n---\n# Model\n'));
    await expect(readFile(octokit, repo, 'models/a/README.md', 'abc123')).resolves.toEqual({
      kind: 'file',
      bytes: new Uint8Array(Buffer.from('---\nlicense: mit\n---\n# Model\n')),
    });
    expect(getContent.mock.calls).toEqual([[{ owner: 'octo', repo: 'models', path: 'models/a/README.md', ref: 'abc123' }]]);
  });

  test('keeps bytes that are not UTF-8, so the validator can report them', async () => {
    const bytes = new Uint8Array([0x6c, 0x69, 0xff, 0xfe, 0x00, 0x0a]);
    const { octokit } = client(fileEntry(bytes));
    const read = await readFile(octokit, repo, 'MODEL_CARD.md', 'abc');
    expect(read).toEqual({ kind: 'file', bytes });
  });

  test('a 404 is a missing file, not an error', async () => {
    const { octokit } = client(httpError(404, 'Not Found'));
    await expect(readFile(octokit, repo, 'gone.md', 'abc')).resolves.toEqual({ kind: 'missing' });
  });

  test('other HTTP errors propagate', async () => {
    const { octokit } = client(httpError(502, 'Bad Gateway'));
    await expect(readFile(octokit, repo, 'a.md', 'abc')).rejects.toThrow('Bad Gateway');
  });

  test('a directory, symlink or submodule is not a file', async () => {
    await expect(readFile(client([{ type: 'file' }]).octokit, repo, 'd', 'r')).resolves.toEqual({ kind: 'not-a-file', type: 'dir' });
    await expect(readFile(client({ type: 'symlink', target: 'x' }).octokit, repo, 's', 'r')).resolves.toEqual({ kind: 'not-a-file', type: 'symlink' });
    await expect(readFile(client({ type: 'submodule' }).octokit, repo, 'm', 'r')).resolves.toEqual({ kind: 'not-a-file', type: 'submodule' });
  });

  test('files over 1 MB (sent without content) are fetched again as raw bytes', async () => {
    const raw = new Uint8Array([1, 2, 3]).buffer;
    const { octokit, getContent } = client({ type: 'file', encoding: 'none', content: '', size: 2_000_000 }, raw);
    await expect(readFile(octokit, repo, 'big.md', 'sha1')).resolves.toEqual({ kind: 'file', bytes: new Uint8Array([1, 2, 3]) });
    expect(getContent.mock.calls).toEqual([
      [{ owner: 'octo', repo: 'models', path: 'big.md', ref: 'sha1' }],
      [{ owner: 'octo', repo: 'models', path: 'big.md', ref: 'sha1', mediaType: { format: 'raw' } }],
    ]);
  });

  test('a raw body that Octokit decoded as text becomes its UTF-8 bytes', async () => {
    const { octokit } = client({ type: 'file', encoding: 'none', content: '' }, 'héllo');
    await expect(readFile(octokit, repo, 'big.md', 'sha1')).resolves.toEqual({ kind: 'file', bytes: new TextEncoder().encode('héllo') });
  });
});
