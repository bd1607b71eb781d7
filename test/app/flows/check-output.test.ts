import { describe, expect, test } from '@jest/globals';
import { cardsOutput, crashedOutput, invalidConfigOutput, skippedCardNote, unlistedFilesNote } from '../../../src/app/flows/check-output.js';
import type { CardReport } from '../../../src/core/cards/types.js';

const report = (path: string, errors: number, warnings: number): CardReport => ({
  path,
  format: 'markdown',
  model: { name: 'm', version: null, source: 'folder' },
  findings: [
    ...Array.from({ length: errors }, (_, i) => ({ severity: 'error' as const, rule: 'card/invalid-license', message: 'bad', line: i + 2, column: 10 })),
    ...Array.from({ length: warnings }, (_, i) => ({ severity: 'warning' as const, rule: 'card/unknown-pipeline-tag', message: 'odd', line: i + 20, column: 1 })),
  ],
  errors,
  warnings,
});

describe('cardsOutput', () => {
  test('notes come before the verdict; one annotation per finding', () => {
    const output = cardsOutput([report('a/MODEL_CARD.md', 1, 1)], 'error', ['NOTE']);
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('1 model card failed: 1 error, 1 warning');
    expect(output.summary.startsWith('NOTE\n\n**1 model card of 1 failed**')).toBe(true);
    expect(output.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title])).toEqual([
      ['a/MODEL_CARD.md', 2, 'failure', 'card/invalid-license'],
      ['a/MODEL_CARD.md', 20, 'warning', 'card/unknown-pipeline-tag'],
    ]);
  });

  test('no cards: neutral; cards that could not be read: said in the title', () => {
    expect(cardsOutput([], 'error', [])).toMatchObject({ conclusion: 'neutral', title: 'No model cards changed', annotations: [] });
    expect(cardsOutput([], 'error', ['Skipped x'], 1)).toMatchObject({ conclusion: 'neutral', title: 'No model cards checked' });
  });
});

describe('invalidConfigOutput', () => {
  test('fails, annotating the config file', () => {
    const output = invalidConfigOutput([{ severity: 'error', rule: 'config/invalid', message: '`fail_on`: bad.', line: 1, column: 10 }]);
    expect(output).toMatchObject({ conclusion: 'failure', title: 'Invalid configuration: 1 error in .github/modelgate.yml' });
    expect(output.annotations).toEqual([
      { path: '.github/modelgate.yml', start_line: 1, end_line: 1, start_column: 10, end_column: 10, annotation_level: 'failure', title: 'config/invalid', message: '`fail_on`: bad.' },
    ]);
  });
});

describe('crashedOutput', () => {
  test('fails and escapes the error message', () => {
    const output = crashedOutput(new Error('<b>boom</b> @org/team'));
    expect(output.conclusion).toBe('failure');
    expect(output.summary).toContain('Error: &lt;b&gt;boom&lt;/b&gt; @\u200dorg/team');
    expect(output.summary).not.toContain('<b>');
  });
});

describe('notes', () => {
  test('unlistedFilesNote only when GitHub listed fewer files than the PR changes', () => {
    expect(unlistedFilesNote(3000, 3000)).toBeNull();
    expect(unlistedFilesNote(12, 12)).toBeNull();
    expect(unlistedFilesNote(3001, 3000)).toContain('changes 3,001 files, but GitHub lists only the first 3,000.');
    expect(unlistedFilesNote(null, 3000)).toContain('GitHub lists at most 3,000 files of a pull request');
    expect(unlistedFilesNote(null, 10)).toBeNull();
  });

  test('skippedCardNote renders the path as code, whatever it holds', () => {
    expect(skippedCardNote('models/`x`/README.md', 'it is a symlink, not a file')).toBe('Skipped ``models/`x`/README.md``: it is a symlink, not a file.');
  });
});
