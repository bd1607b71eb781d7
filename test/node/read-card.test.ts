import { afterEach, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { InputError } from '../../src/node/errors.js';
import { MAX_CARD_BYTES, readCard } from '../../src/node/read-card.js';
import { readUpTo } from '../../src/node/read-limited.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';

let repo: TmpRepo;
afterEach(() => repo.remove());

describe('readCard', () => {
  test('reads a small file whole, as bytes', async () => {
    repo = tmpRepo({ 'card.md': 'héllo\n' });
    const bytes = await readCard(join(repo.root, 'card.md'));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).toString('utf8')).toBe('héllo\n');
  });

  test('an empty file is zero bytes', async () => {
    repo = tmpRepo({ 'card.md': '' });
    expect((await readCard(join(repo.root, 'card.md'))).length).toBe(0);
  });

  test('a file of exactly the cap is read whole', async () => {
    repo = tmpRepo({ 'card.md': 'a'.repeat(MAX_CARD_BYTES) });
    expect((await readCard(join(repo.root, 'card.md'))).length).toBe(MAX_CARD_BYTES);
  });

  test('a larger file is cut at the cap plus one byte, so the validator can tell it is too large', async () => {
    repo = tmpRepo({ 'card.md': 'a'.repeat(3 * MAX_CARD_BYTES) });
    expect((await readCard(join(repo.root, 'card.md'))).length).toBe(MAX_CARD_BYTES + 1);
  });

  test('a missing file is an InputError naming the display path', async () => {
    repo = tmpRepo();
    const error = await readCard(join(repo.root, 'gone.md'), 'models/gone.md').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('Cannot read models/gone.md: not found.');
  });

  test('a directory is an InputError', async () => {
    repo = tmpRepo({ 'dir/x': '' });
    await expect(readCard(join(repo.root, 'dir'), 'dir')).rejects.toThrow('Cannot read dir: is a directory, not a file.');
  });
});

describe('readUpTo', () => {
  test('reads special files (size 0 in stat) up to the limit', async () => {
    repo = tmpRepo();
    expect((await readUpTo('/dev/zero', 10)).length).toBe(10);
  });

  test('returns fewer bytes when the file is shorter than the limit', async () => {
    repo = tmpRepo({ 'f': 'abc' });
    expect(Buffer.from(await readUpTo(join(repo.root, 'f'), 10)).toString()).toBe('abc');
  });
});

describe('readUpTo at the edges of the limit', () => {
  test('returns exactly the first min(size, limit) bytes of the file, for sizes around the limit', async () => {
    repo = tmpRepo();
    const limit = 5000;
    for (const size of [0, 1, 4095, 4096, limit - 1, limit, limit + 1, 3 * limit]) {
      const content = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) % 251);
      const path = repo.write(`f-${size}`, content);
      const bytes = await readUpTo(path, limit);
      expect(Buffer.from(bytes).equals(Buffer.from(content.subarray(0, limit)))).toBe(true);
    }
  });
});
