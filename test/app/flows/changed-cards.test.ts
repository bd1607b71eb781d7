import { describe, expect, test } from '@jest/globals';
import { changedCardPaths, changedCards } from '../../../src/app/flows/changed-cards.js';
import { DEFAULT_CARD_GLOBS } from '../../../src/core/config/schema.js';

describe('changedCardPaths', () => {
  const globs = [...DEFAULT_CARD_GLOBS];

  test('keeps added, modified, renamed (new name) and copied cards; drops deleted cards and other files', () => {
    const paths = changedCardPaths(
      [
        { filename: 'models/a/README.md', status: 'added' },
        { filename: 'models/b/MODEL_CARD.md', status: 'modified' },
        { filename: 'models/c/model_card.yml', status: 'renamed', previous_filename: 'models/old/model_card.yml' },
        { filename: 'models/d/MODEL_CARD.md', status: 'removed' },
        { filename: 'models/e/MODEL_CARD.md', status: 'copied' },
        { filename: 'README.md', status: 'modified' },
        { filename: 'src/train.py', status: 'modified' },
      ],
      globs,
    );
    expect(paths).toEqual(['models/a/README.md', 'models/b/MODEL_CARD.md', 'models/c/model_card.yml', 'models/e/MODEL_CARD.md']);
  });

  test('a card renamed to a name that is not a card is not checked', () => {
    expect(changedCardPaths([{ filename: 'docs/notes.md', status: 'renamed', previous_filename: 'models/a/MODEL_CARD.md' }], globs)).toEqual([]);
  });

  test('uses the configured globs', () => {
    expect(changedCardPaths([{ filename: 'cards/x.md', status: 'added' }, { filename: 'models/a/MODEL_CARD.md', status: 'added' }], ['cards/*.md'])).toEqual(['cards/x.md']);
  });
});

describe('changedCards: where each card was at the base', () => {
  test('modified: same path; renamed: the old path; added and copied: none (new at the head); listed twice: once', () => {
    expect(
      changedCards(
        [
          { filename: 'models/a/README.md', status: 'modified' },
          { filename: 'models/b/README.md', status: 'renamed', previous_filename: 'models/old-b/README.md' },
          { filename: 'models/c/README.md', status: 'added' },
          { filename: 'models/d/README.md', status: 'copied', previous_filename: 'models/a/README.md' },
          { filename: 'models/a/README.md', status: 'modified' },
        ],
        [...DEFAULT_CARD_GLOBS],
      ),
    ).toEqual([
      { path: 'models/a/README.md', basePath: 'models/a/README.md' },
      { path: 'models/b/README.md', basePath: 'models/old-b/README.md' },
      { path: 'models/c/README.md', basePath: null },
      { path: 'models/d/README.md', basePath: null },
    ]);
  });
});
