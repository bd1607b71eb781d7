import { describe, expect, test } from '@jest/globals';
import { folderIdentity, isSafeName, isSafeVersion } from '../../../src/core/cards/identity.js';
import { brief, card, check } from './helpers.js';

describe('model identity', () => {
  test('explicit modelgate: {model, version}', () => {
    const report = check(card('modelgate:\n  model: sentiment\n  version: v3'), 'models/other/README.md');
    expect(report.model).toEqual({ name: 'sentiment', version: 'v3', source: 'card' });
    expect(report.findings).toEqual([]);
  });

  test('a plain integer version is kept as written', () => {
    expect(check(card('modelgate: {model: sentiment, version: 3}')).model).toEqual({ name: 'sentiment', version: '3', source: 'card' });
  });

  test('a decimal version would lose digits (1.10 → 1.1): quote it', () => {
    const report = check(card('modelgate: {model: sentiment, version: 1.10}'));
    expect(brief(report.findings)).toEqual(['2:40 error modelgate/invalid-identity']);
    expect(report.findings[0]!.message).toBe('Version 1.1 is a number, so `1.1` is all that survives of it (1.10 reads as 1.1).');
    expect(report.findings[0]!.hint).toBe('Quote the version, e.g. `version: "1.10"`.');
    expect(report.model).toEqual({ name: 'sentiment', version: null, source: 'card' });
  });

  test('version only: the folder names the model', () => {
    expect(check(card('modelgate: {version: "2.0.1"}'), 'models/Sentiment/README.md').model).toEqual({ name: 'sentiment', version: '2.0.1', source: 'folder' });
  });

  test('an unsafe explicit name is an error, with a safe suggestion, and no identity is assumed', () => {
    const report = check(card('modelgate: {model: Sentiment Analysis, version: v1}'));
    expect(brief(report.findings)).toEqual(['2:20 error modelgate/invalid-identity']);
    expect(report.findings[0]!.message).toBe('Model name "Sentiment Analysis" cannot be used: names become file paths and git refs.');
    expect(report.findings[0]!.hint).toBe(
      'Use lowercase letters, digits, `.`, `_` and `-` (at most 64, starting with a letter or digit), e.g. `sentiment-analysis`.',
    );
    expect(report.model).toBeNull();
  });

  test.each([
    ['../../etc', 'model'],
    ['a..b', 'model'],
    ['-leading', 'model'],
    ['x'.repeat(65), 'model'],
    ['refs.lock', 'model'],
    ['"v1 "', 'version'],
    ['v1/../../x', 'version'],
    ['v1.', 'version'],
    ['"; rm -rf /"', 'version'],
    ['[v1]', 'version'],
    ['~', 'version'],
  ])('unsafe %s as %s', (value, key) => {
    const report = check(card(key === 'model' ? `modelgate:\n  model: ${value}\n` : `modelgate:\n  model: ok\n  version: ${value}\n`));
    expect(report.findings.map((f) => f.rule)).toEqual(['modelgate/invalid-identity']);
    expect(report.findings[0]!.line).toBe(key === 'model' ? 3 : 4);
  });

  test('modelgate must be a mapping', () => {
    const report = check(card('modelgate: sentiment'));
    expect(brief(report.findings)).toEqual(['2:12 error modelgate/invalid-identity']);
    expect(report.model).toBeNull();
  });

  test('unknown keys under modelgate are flagged, with a suggestion when close', () => {
    const report = check(card('modelgate: {model: m, versoin: v1, stage: prod}'));
    expect(brief(report.findings)).toEqual(['2:23 warning card/unknown-key', '2:36 warning card/unknown-key']);
    expect(report.findings.map((f) => f.hint)).toEqual(['Did you mean `version`?', '`modelgate` takes only `model` and `version`.']);
  });

  test('the folder name, lowercased, when the card does not say', () => {
    expect(check(card('license: mit'), 'models/Sentiment-V2/README.md').model).toEqual({ name: 'sentiment-v2', version: null, source: 'folder' });
    expect(check('# M\n', 'models/sentiment/MODEL_CARD.md').model).toEqual({ name: 'sentiment', version: null, source: 'folder' });
  });

  test('no identity for a card at the repository root, or in a folder with an unsafe name (and no error)', () => {
    expect(check(card('license: mit'), 'README.md').model).toBeNull();
    const odd = check(card('license: mit'), 'models/My Model/README.md');
    expect(odd.model).toBeNull();
    expect(odd.findings).toEqual([]);
  });
});

describe('safe names and versions', () => {
  test.each(['sentiment', 'a', 'llama-3.1_8b', '0day', 'x'.repeat(64)])('name %s', (name) => {
    expect(isSafeName(name)).toBe(true);
  });
  test.each(['Sentiment', '', '.hidden', '_x', 'a..b', 'a/b', 'a b', 'x'.repeat(65), 'end.', 'x.lock'])('not a name: %s', (name) => {
    expect(isSafeName(name)).toBe(false);
  });
  test.each(['v3', 'V3', '1.2.0', '2024-05-01', 'rc_1'])('version %s', (v) => {
    expect(isSafeVersion(v)).toBe(true);
  });
  test.each(['', '-1', '1..2', 'v1/x', 'v 1', '1.0.', 'v1.lock'])('not a version: %s', (v) => {
    expect(isSafeVersion(v)).toBe(false);
  });
  test('folderIdentity', () => {
    expect(folderIdentity('a/b/c/README.md')).toEqual({ name: 'c', version: null, source: 'folder' });
    expect(folderIdentity('README.md')).toBeNull();
    expect(folderIdentity('models/../README.md')).toBeNull();
  });
});
