import { describe, expect, test } from '@jest/globals';
import { validateCard } from '../../../src/core/cards/validate.js';
import { DEFAULT_CONFIG } from '../../../src/core/config/schema.js';
import { cardsWithMetrics, type HeadCard } from '../../../src/core/evaluation/card-metrics.js';
import { metricsCard } from '../../helpers/cards.js';

const card = (path: string, text: string): HeadCard => ({ path, basePath: path, bytes: new TextEncoder().encode(text) });
const reportsOf = (cards: HeadCard[]) => cards.flatMap((c) => (c.bytes === null ? [] : [validateCard(c.path, c.bytes, DEFAULT_CONFIG)]));
const models = (cards: HeadCard[], slot?: (model: string) => string) =>
  cardsWithMetrics(cards, reportsOf(cards), slot).map((c) => [c.card.path, c.model, [...c.head.metrics.keys()]]);

describe('cardsWithMetrics', () => {
  test('only cards with model-index metrics; named by card identity, else model-index name, else path', () => {
    const cards = [
      card('models/sentiment/README.md', metricsCard({ accuracy: 0.9, f1: 0.8 }, 'distilbert-sentiment')),
      card('README.md', metricsCard({ accuracy: 0.7, f1: 0.6 }, 'root-model')),
      card('models/plain/README.md', '---\nlicense: mit\n---\n# Plain\n'),
      card('models/meta/model_card.yml', 'license: mit\ntags: [a, b]\n'),
      { path: 'models/gone/README.md', basePath: null, bytes: null },
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

  test('names that share a slot (e.g. one sticky comment) are told apart by path too', () => {
    const named = (name: string) => metricsCard({ accuracy: 0.9, f1: 0.8 }, name);
    const cards = [card('README.md', named('org/model v2')), card('MODEL_CARD.md', named('org_model_v2'))];
    const squash = (model: string) => model.replace(/[^a-z0-9]/g, '_');
    expect(models(cards).map(([, model]) => model)).toEqual(['org/model v2', 'org_model_v2']);
    expect(models(cards, squash).map(([, model]) => model)).toEqual(['org/model v2', 'MODEL_CARD.md']);
  });
});
