import { describe, expect, test } from '@jest/globals';
import { RULE_IDS } from '../../../src/core/cards/rules.js';
import type { Config } from '../../../src/core/config/schema.js';
import { card, check, config } from './helpers.js';

/**
 * Every rule, produced by a card written here: the project's own fixtures cover every check
 * without the shared corpus of real cards (which a fresh clone does not have).
 */
const MCT = (extra: Record<string, unknown>): string =>
  JSON.stringify({ schema_version: '0.0.2', model_details: { name: 'm', licenses: [{ identifier: 'Apache-2.0' }], ...extra } });

/** A config whose `require` blows up when read: the only way into the validator's own safety net. */
const broken = (): Config => {
  const cfg = config();
  Object.defineProperty(cfg, 'require', {
    get() {
      throw new TypeError('boom');
    },
  });
  return cfg;
};

const CASES: Record<string, { text: string | Uint8Array; path?: string; cfg?: Config }> = {
  'card/file-too-large': { text: card('license: mit', `# M\n\n${'x'.repeat(1024 * 1024)}\n`) },
  'card/empty-file': { text: '' },
  'card/binary-content': { text: new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0x01]) },
  'card/invalid-encoding': { text: new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a, 0x2d, 0x2d, 0x2d, 0x0a]) },
  'card/nesting-too-deep': { text: card(`deep: ${'['.repeat(120)}${']'.repeat(120)}`) },
  'card/too-many-aliases': {
    text: card(['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n')),
  },
  // 60,000 one-element lists: 180,000 nodes, over the budget but under the size cap.
  'card/metadata-too-complex': { text: card(Array.from({ length: 60_000 }, (_, i) => `k${i}: [x]`).join('\n')) },
  // 300 YAML 1.1 booleans: one finding each, past the per-file cap.
  'card/too-many-findings': { text: card(['license: mit', ...Array.from({ length: 300 }, (_, i) => `flag${i}: yes`)].join('\n')) },
  'card/validator-error': { text: card('license: mit'), cfg: broken() },
  'card/yaml-syntax': { text: card('license: [mit') },
  'card/duplicate-key': { text: card('license: mit\nlicense: apache-2.0') },
  'card/not-a-mapping': { text: card('- just\n- a list') },
  'card/unclosed-front-matter': { text: '---\nlicense: mit\n# M\n' },
  'card/model-index-not-list': { text: card('license: mit\nmodel-index: {name: m}') },
  'card/model-index-missing-field': { text: card('license: mit\nmodel-index:\n- results: []') },
  'card/result-missing-field': { text: card('license: mit\nmodel-index:\n- name: m\n  results:\n  - metrics: [{type: accuracy, value: 0.9}]') },
  'card/metrics-not-list': {
    text: card('license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: {type: accuracy}'),
  },
  'card/metric-missing-field': {
    text: card('license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy}]'),
  },
  'card/source-missing-url': {
    text: card(
      'license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: 0.9}]\n    source: {name: paper}',
    ),
  },
  'card/invalid-license': { text: card('license: not-a-license') },
  'card/license-name-missing': { text: card('license: other') },
  'card/non-string-item': { text: card('license: mit\ntags: [a, 3]') },
  'card/dataset-config-not-string': {
    text: card(
      'license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB, config: {a: 1}}\n    metrics: [{type: accuracy, value: 0.9}]',
    ),
  },
  'card/mct-schema': { text: MCT({ name: 3 }), path: 'models/m/model_card.json' },
  'card/mct-format': { text: MCT({ version: { name: 'v1', date: '08/28/2020' } }), path: 'models/m/model_card.json' },
  'card/no-metadata': { text: '# Just a title\n\nSome text.\n' },
  'card/unknown-pipeline-tag': { text: card('license: mit\npipeline_tag: text-clasification') },
  'card/unknown-task-type': {
    text: card('license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: texxt}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: 0.9}]'),
  },
  'card/non-numeric-metric': {
    text: card('license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: high}]'),
  },
  'card/self-verified': {
    text: card(
      'license: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: 0.9, verified: true}]',
    ),
  },
  'card/empty-results': { text: card('license: mit\nmodel-index:\n- name: m\n  results: []') },
  'card/invalid-language': { text: card('license: mit\nlanguage: [english]') },
  'card/unknown-library': { text: card('license: mit\nlibrary_name: transformerz') },
  'card/legacy-model-index': { text: card('license: mit\nmodel_index:\n- name: m\n  results: []') },
  'card/tab-indentation': { text: card('license:\tmit') },
  'card/yaml11-boolean': { text: card('license: mit\ninference: yes') },
  'card/unfilled-template': { text: card('license: mit', '# M\n\n## Uses\n\n[More Information Needed]\n') },
  'card/unknown-key': { text: card('licence: mit') },
  'modelgate/invalid-identity': { text: card('license: mit\nmodelgate:\n  model: "../etc"') },
  'policy/required-field': { text: card('license: mit'), cfg: config({ require: { fields: ['language'] } }) },
  'policy/required-section': { text: card('license: mit'), cfg: config({ require: { sections: ['Limitations'] } }) },
  'policy/license-not-allowed': { text: card('license: mit'), cfg: config({ licenses: { allow: ['apache-2.0'] } }) },
};

describe('every rule has a fixture of its own', () => {
  test('the table names every rule id', () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULE_IDS].sort());
  });

  test.each(Object.keys(CASES))('%s', (rule) => {
    const { text, path, cfg } = CASES[rule]!;
    const report = check(text, path, cfg);
    expect(report.findings.map((f) => f.rule)).toContain(rule);
  });
});
