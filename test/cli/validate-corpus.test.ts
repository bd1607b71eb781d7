import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { runValidate } from '../../src/cli/validate.js';
import { fakeIO } from '../helpers/fake-io.js';
import { describeWith, SHARED, sharedMissing } from '../helpers/prerequisite.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';

/**
 * `modelgate validate` prints byte for byte what it printed before reading files changed
 * (issue 12: a one-byte probe instead of a buffer of the whole remaining cap). The expected
 * outputs in test/fixtures/validate-corpus/ were written by the CLI of commit fb47306, before
 * the change, over this same tree: the real cards of the shared corpus, the project's card
 * fixtures, and files at the edges of the 1 MiB cap.
 */
const CORPUS = new URL('corpus/model-cards/', SHARED);
const FIXTURES = new URL('../fixtures/', import.meta.url);
const EXPECTED = new URL('../fixtures/validate-corpus/', import.meta.url);
const CAP = 1024 * 1024;

function corpusTree(): Record<string, Uint8Array | string> {
  const files: Record<string, Uint8Array | string> = {};
  for (const name of readdirSync(CORPUS).filter((f) => /^card-\d+\.(md|json)$/.test(f)).sort()) {
    const stem = name.replace(/\.(md|json)$/, '');
    files[name.endsWith('.json') ? `models/${stem}/model_card.json` : `models/${stem}/README.md`] = readFileSync(new URL(name, CORPUS));
  }
  files['models/fixture-hf/README.md'] = readFileSync(new URL('cards/hf-card.md', FIXTURES));
  files['models/fixture-mct/model_card.json'] = readFileSync(new URL('cards/mct-0.0.2-valid.json', FIXTURES));
  files['models/fixture-metrics/README.md'] = readFileSync(new URL('metrics/card.md', FIXTURES));
  files['models/empty/README.md'] = '';
  files['models/at-cap/README.md'] = `---\nlicense: mit\n---\n${'a'.repeat(CAP - 22)}\n`;
  files['models/over-cap/README.md'] = `---\nlicense: mit\n---\n${'a'.repeat(CAP)}\n`;
  files['models/binary/README.md'] = new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0, 1, 2, 0x0a]);
  return files;
}

describeWith('validate over the shared corpus, byte for byte as before', sharedMissing('corpus/model-cards/SOURCES.tsv'), () => {
  let repo: TmpRepo;
  beforeAll(() => {
    repo = tmpRepo(corpusTree());
  });
  afterAll(() => repo.remove());

  test.each([
    ['text', 'expected.txt'],
    ['json', 'expected.json'],
  ])('--format %s', async (format, expected) => {
    const io = fakeIO(repo.root);
    expect(await runValidate(['--format', format], io)).toBe(1);
    expect(io.err).toBe('');
    expect(io.out).toBe(readFileSync(new URL(expected, EXPECTED), 'utf8'));
  });
});
