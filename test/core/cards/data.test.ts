import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { LIBRARY_NAMES, PIPELINE_TAGS, SUBTASK_PARENT, TASK_IDS } from '../../../src/core/cards/data/hub-metadata.js';
import { LANGUAGE_CODES } from '../../../src/core/cards/data/languages.js';
import { HF_LICENSE_IDS } from '../../../src/core/cards/data/licenses.js';
import { MCT_SCHEMA } from '../../../src/core/cards/data/mct-schema.js';
import { RULES } from '../../../src/core/cards/rules.js';
import { describeWith, sharedMissing } from '../../helpers/prerequisite.js';

const reference = new URL('../../../../shared/reference/', import.meta.url);

describeWith('shipped data against ../shared/reference', sharedMissing('reference/hf-license-ids.txt', 'reference/model-card-toolkit.schema.v0.0.2.json'), () => {
  test('the license ids equal shared/reference/hf-license-ids.txt, in order', () => {
    const ids = readFileSync(new URL('hf-license-ids.txt', reference), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    expect([...HF_LICENSE_IDS]).toEqual(ids);
  });

  test('the Model Card Toolkit schema equals the reference file', () => {
    expect(MCT_SCHEMA).toEqual(JSON.parse(readFileSync(new URL('model-card-toolkit.schema.v0.0.2.json', reference), 'utf8')));
  });
});

describe('shipped data', () => {
  test('language codes: all of ISO 639-1 and the three-letter codes of 639-2 and 639-3', () => {
    const two = [...LANGUAGE_CODES].filter((c) => c.length === 2);
    expect(two).toHaveLength(184);
    expect(LANGUAGE_CODES.size).toBe(184 + 7887);
    for (const code of ['en', 'fr', 'zh', 'no', 'eng', 'fra', 'fre', 'ger', 'deu', 'yue', 'cmn', 'fil', 'und', 'mul']) expect(LANGUAGE_CODES.has(code)).toBe(true);
    for (const code of ['xx', 'english', 'EN', 'zz', 'qqq1']) expect(LANGUAGE_CODES.has(code)).toBe(false);
  });

  test('Hub tasks and libraries come from @huggingface/tasks', () => {
    expect(PIPELINE_TAGS.has('text-generation')).toBe(true);
    expect(PIPELINE_TAGS.has('conversational')).toBe(false);
    expect(SUBTASK_PARENT.get('conversational')).toBe('text-generation');
    expect(SUBTASK_PARENT.get('text2text-generation')).toBe('text-generation');
    expect(TASK_IDS.has('named-entity-recognition')).toBe(true);
    expect(LIBRARY_NAMES.has('transformers')).toBe(true);
    expect(LIBRARY_NAMES.has('sentence-transformers')).toBe(true);
  });

  test('rule ids are unique and namespaced', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(card|modelgate|policy)\/[a-z0-9-]+$/);
  });
});
