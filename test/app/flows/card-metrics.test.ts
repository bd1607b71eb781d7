import { describe, expect, test } from '@jest/globals';
import { cardsWithMetrics } from '../../../src/app/flows/card-metrics.js';
import type { SnapshotCard } from '../../../src/app/flows/snapshot.js';
import { validateCard } from '../../../src/core/cards/validate.js';
import { DEFAULT_CONFIG } from '../../../src/core/config/schema.js';
import { metricsCard } from '../../helpers/cards.js';

const card = (path: string, text: string): SnapshotCard => ({ path, basePath: path, read: { kind: 'file', bytes: new TextEncoder().encode(text) } });
const reportsOf = (cards: SnapshotCard[]) =>
  cards.flatMap((c) => (c.read.kind === 'file' ? [validateCard(c.path, c.read.bytes, DEFAULT_CONFIG)] : []));
const models = (cards: SnapshotCard[]) => cardsWithMetrics(cards, reportsOf(cards)).map((c) => [c.card.path, c.model, [...c.head.metrics.keys()]]);

describe('cardsWithMetrics', () => {
  test('only cards with model-index metrics; named by card identity, else model-index name, else path', () => {
    const cards = [
      card('models/sentiment/README.md', metricsCard({ accuracy: 0.9, f1: 0.8 }, 'distilbert-sentiment')),
      card('README.md', metricsCard({ accuracy: 0.7, f1: 0.6 }, 'root-model')),
      card('models/plain/README.md', '---\nlicense: mit\n---\n# Plain\n'),
      card('models/meta/model_card.yml', 'license: mit\ntags: [a, b]\n'),
      { path: 'models/gone/README.md', basePath: null, read: { kind: 'missing' as const } },
    ];
    expect(models(cards)).toEqual([
      ['models/sentiment/README.md', 'sentiment', ['imdb/accuracy', 'imdb/f1']],
      ['README.md', 'root-model', ['imdb/accuracy', 'imdb/f1']],
    ]);
  });

  test('an identity from the card itself wins over the folder', () => {
    const text = metricsCard({ accuracy: 0.9, f1: 0.8 }).replace('license: mit\n', 'license: mit\nmodelgate:\n  model: churn\n  version: v2\n');
    expect(models([card('models/x/README.md', text)])).toEqual([['models/x/README.md', 'churn', ['imdb/accuracy', 'imdb/f1']]]);
  });

  test('two cards naming the same model: the second is told apart by its path (its own comment)', () => {
    const text = metricsCard({ accuracy: 0.9, f1: 0.8 }).replace('license: mit\n', 'license: mit\nmodelgate:\n  model: churn\n');
    expect(models([card('models/a/README.md', text), card('models/b/README.md', text)]).map(([, model]) => model)).toEqual(['churn', 'models/b/README.md']);
  });

  test('a card with model-index but no metric values in it has nothing to compare', () => {
    const empty = '---\nlicense: mit\nmodel-index:\n- name: m\n  results: []\n---\n# M\n';
    expect(models([card('models/m/README.md', empty)])).toEqual([]);
  });
});
