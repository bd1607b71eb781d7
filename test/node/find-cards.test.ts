import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CARD_GLOBS } from '../../src/core/config/schema.js';
import { InputError } from '../../src/node/errors.js';
import { findCards } from '../../src/node/find-cards.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';

const globs = [...DEFAULT_CARD_GLOBS];
let repo: TmpRepo;

beforeEach(() => {
  repo = tmpRepo({
    'MODEL_CARD.md': 'x',
    'README.md': 'not a card',
    'docs/README.md': 'not a card',
    'docs/guide.md': 'not a card',
    'models/README.md': 'x',
    'models/bert/README.md': 'x',
    'models/bert/weights.bin': 'x',
    'models/gpt/model_card.yaml': 'x',
    'vendor/lib/model_card.json': 'x',
    '.hidden/MODEL_CARD.md': 'x',
    'node_modules/pkg/MODEL_CARD.md': 'x',
    'models/bert/node_modules/pkg/model_card.md': 'x',
    '.git/MODEL_CARD.md': 'x',
  });
});
afterEach(() => repo.remove());

const paths = async (targets: string[], cardGlobs: string[] = globs) =>
  (await findCards({ root: repo.root, paths: targets, globs: cardGlobs })).map((c) => c.path);

describe('findCards', () => {
  test('no paths: the whole root, filtered by the card globs, without node_modules and .git', async () => {
    expect(await paths([])).toEqual([
      '.hidden/MODEL_CARD.md',
      'MODEL_CARD.md',
      'models/README.md',
      'models/bert/README.md',
      'models/gpt/model_card.yaml',
      'vendor/lib/model_card.json',
    ]);
  });

  test('returns absolute paths next to the root-relative ones', async () => {
    const cards = await findCards({ root: repo.root, paths: ['models/gpt'], globs });
    expect(cards).toEqual([{ path: 'models/gpt/model_card.yaml', absolute: join(repo.root, 'models/gpt/model_card.yaml') }]);
  });

  test('a directory is searched with globs relative to the root, not to the directory', async () => {
    expect(await paths(['models'])).toEqual(['models/README.md', 'models/bert/README.md', 'models/gpt/model_card.yaml']);
    // `models/**/README.md` must not match docs/README.md just because docs/ was the directory searched.
    await expect(paths(['docs/'])).rejects.toThrow(
      new InputError(
        'docs/ holds no model card: no file in it matches the card globs (**/MODEL_CARD.md, **/model_card.md, **/model_card.{yml,yaml,json}, models/**/README.md). Name the card itself, or set `cards:` in .github/modelgate.yml.',
      ),
    );
  });

  test('a named file that is not in a card format is an error, not a silent pass', async () => {
    repo.write('notes.txt', 'hello');
    await expect(paths(['notes.txt'])).rejects.toThrow(/^notes\.txt is not a model card: modelgate reads Markdown cards/);
  });

  test('the Hub layout: the root README.md is a card when its front matter has model-card keys', async () => {
    expect(await paths([])).not.toContain('README.md'); // 'not a card'
    repo.write('README.md', '---\ntitle: My site\nlayout: home\n---\n# Site\n');
    expect(await paths([])).not.toContain('README.md');
    repo.write('README.md', '---\nlanguage: en\nlicense: apache-2.0\npipeline_tag: fill-mask\n---\n# bert\n');
    expect(await paths([])).toContain('README.md');
    expect(await paths(['.'])).toContain('README.md');
    // Only the root one: docs/README.md with the same front matter is not a card by the globs.
    repo.write('docs/README.md', '---\nlicense: mit\n---\n');
    expect(await paths([])).not.toContain('docs/README.md');
  });

  test('--only-cards keeps the named files that are cards by the config and skips the rest', async () => {
    repo.write('notes.txt', 'hello');
    const only = async (targets: string[]) => (await findCards({ root: repo.root, paths: targets, globs, onlyCards: true })).map((c) => c.path);
    expect(await only(['notes.txt', 'docs/guide.md', 'models/bert/README.md', 'README.md'])).toEqual(['models/bert/README.md']);
    repo.write('README.md', '---\nlicense: mit\nbase_model: bert-base-uncased\n---\n');
    expect(await only(['README.md'])).toEqual(['README.md']);
  });

  test('paths are relative to cwd, reported relative to the root', async () => {
    const cards = await findCards({ root: repo.root, cwd: join(repo.root, 'models'), paths: ['bert/README.md', 'gpt'], globs });
    expect(cards.map((c) => c.path)).toEqual(['models/bert/README.md', 'models/gpt/model_card.yaml']);
  });

  test('the config globs decide what a card is', async () => {
    expect(await paths([], ['docs/*.md'])).toEqual(['docs/README.md', 'docs/guide.md']);
  });

  test('a named file is a card even when no glob matches it', async () => {
    expect(await paths(['docs/guide.md', 'README.md'])).toEqual(['README.md', 'docs/guide.md']);
  });

  test('a glob selects the files it matches, as a shell would', async () => {
    expect(await paths(['models/*/README.md'])).toEqual(['models/bert/README.md']);
    expect(await paths(['models/bert/*'])).toEqual(['models/bert/README.md', 'models/bert/weights.bin']);
  });

  test('overlapping paths list each card once, sorted', async () => {
    expect(await paths(['models/bert/README.md', 'models', './models/bert/README.md'])).toEqual([
      'models/README.md',
      'models/bert/README.md',
      'models/gpt/model_card.yaml',
    ]);
  });

  test('a path that does not exist is an error naming it', async () => {
    const error = await findCards({ root: repo.root, paths: ['models/brt/README.md'], globs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('Cannot read models/brt/README.md: not found.');
  });

  test('a glob that matches nothing is an error', async () => {
    await expect(findCards({ root: repo.root, paths: ['models/*/MODEL_CARD.md'], globs })).rejects.toThrow(
      'No files match models/*/MODEL_CARD.md.',
    );
  });

  test('an existing file whose name looks like a glob is taken literally', async () => {
    repo.write('models/[v1]/README.md', 'x');
    expect(await paths(['models/[v1]/README.md'])).toEqual(['models/[v1]/README.md']);
  });

  test('symlinked directories are not followed (no loops)', async () => {
    symlinkSync(join(repo.root, 'models'), join(repo.root, 'models/bert/loop'));
    expect(await paths(['models'])).toEqual(['models/README.md', 'models/bert/README.md', 'models/gpt/model_card.yaml']);
  });

  test('a file outside the root keeps a ../ path', async () => {
    const other = tmpRepo({ 'model_card.md': 'x' });
    try {
      const cards = await findCards({ root: repo.root, paths: [join(other.root, 'model_card.md')], globs });
      expect(cards).toHaveLength(1);
      expect(cards[0]!.path).toMatch(/^\.\.\/.+\/model_card\.md$/);
      expect(cards[0]!.absolute).toBe(join(other.root, 'model_card.md'));
    } finally {
      other.remove();
    }
  });
});
