import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { brief, card, check, config, FIXTURES } from './helpers.js';

describe('policy/required-field', () => {
  const cfg = config({ require: { fields: ['license', 'language', 'modelgate.version'] } });

  test('missing and empty fields are reported at the top of the metadata', () => {
    const report = check(card('license: mit\nlanguage: []\nmodelgate: {model: m}'), 'models/m/README.md', cfg);
    expect(brief(report.findings)).toEqual(['2:1 error policy/required-field', '2:1 error policy/required-field']);
    expect(report.findings.map((f) => f.message)).toEqual([
      'The card has no "language" (this repository requires it).',
      'The card has no "modelgate.version" (this repository requires it).',
    ]);
  });

  test('all present, including a dotted path', () => {
    expect(brief(check(card('license: mit\nlanguage: en\nmodelgate: {model: m, version: v1}'), 'models/m/README.md', cfg).findings)).toEqual([]);
  });

  test('a card without front matter misses every field', () => {
    expect(brief(check('# M\n', 'models/m/README.md', cfg).findings)).toEqual([
      '1:1 error policy/required-field',
      '1:1 error policy/required-field',
      '1:1 error policy/required-field',
      '1:1 warning card/no-metadata',
    ]);
  });

  test('unknowable when the metadata does not parse: only the syntax error', () => {
    expect(brief(check(card('license: [mit'), 'models/m/README.md', cfg).findings)).toEqual(['3:1 error card/yaml-syntax']);
  });

  test('a list on the path: every item must have the rest; a number picks one item', () => {
    const results = config({ require: { fields: ['model-index.results'] } });
    const one = 'model-index:\n- name: a\n  results: [{metrics: [{type: acc, value: 1}]}]';
    expect(check(card(`license: mit\n${one}`), 'models/m/README.md', results).findings.filter((f) => f.rule === 'policy/required-field')).toEqual([]);
    const second = `${one}\n- name: b\n  results: []`;
    expect(brief(check(card(`license: mit\n${second}`), 'models/m/README.md', results).findings)).toContain('2:1 error policy/required-field');
    const first = config({ require: { fields: ['model-index.0.results'] } });
    expect(check(card(`license: mit\n${second}`), 'models/m/README.md', first).findings.filter((f) => f.rule === 'policy/required-field')).toEqual([]);
    expect(brief(check(card('license: mit\nmodel-index: []'), 'models/m/README.md', results).findings)).toContain('2:1 error policy/required-field');
    // The same in JSON data (Model Card Toolkit cards).
    const owners = config({ require: { fields: ['model_details.owners.name'] } });
    expect(brief(check('{"model_details": {"name": "m", "owners": [{"name": "a"}, {"contact": "b"}]}}', 'models/m/model_card.json', owners).findings)).toEqual(['1:1 error policy/required-field']);
    expect(brief(check('{"model_details": {"name": "m", "owners": [{"name": "a"}]}}', 'models/m/model_card.json', owners).findings)).toEqual([]);
  });

  test('a missing field with a close key in the card gets a suggestion', () => {
    const report = check(card('licence: mit'), 'models/m/README.md', config({ require: { fields: ['license'] } }));
    const required = report.findings.find((f) => f.rule === 'policy/required-field')!;
    expect(required.hint).toBe('The card has `licence`: did you mean `license`? Rename it, or add `license`; required fields are listed in .github/modelgate.yml (require.fields).');
  });

  test('in Model Card Toolkit cards, by dotted path', () => {
    const mct = config({ require: { fields: ['model_details.version.name', 'model_details.owners'] } });
    const report = check('{"model_details": {"name": "m", "version": {"name": "v2"}, "owners": []}}', 'models/m/model_card.json', mct);
    expect(brief(report.findings)).toEqual(['1:1 error policy/required-field']);
  });
});

describe('policy/required-section', () => {
  const cfg = config({ require: { sections: ['Intended use', 'Limitations', 'Evaluation', 'Not a heading (inside code)', 'Commented out'] } });

  test('headings of any level and style, case-insensitive, trailing colons and emphasis ignored', () => {
    const report = check(readFileSync(new URL('hf-card.md', FIXTURES)), 'models/sentiment/README.md', cfg);
    // "## Limitations:" and the setext "**Evaluation**" count; code and comments do not.
    expect(report.findings.map((f) => f.message)).toEqual([
      'The card has no "Not a heading (inside code)" section (this repository requires it).',
      'The card has no "Commented out" section (this repository requires it).',
    ]);
    expect(brief(report.findings)).toEqual(['1:1 error policy/required-section', '1:1 error policy/required-section']);
    expect(report.findings[0]!.hint).toBe(
      'Add a heading such as `## Not a heading (inside code)` with its text; required sections are listed in .github/modelgate.yml (require.sections).',
    );
  });

  test('a heading needs a space after #', () => {
    const report = check(card('license: mit', '##Limitations\n\n# Intended Use\n'), 'models/m/README.md', config({ require: { sections: ['limitations', 'intended use'] } }));
    expect(report.findings.map((f) => f.message)).toEqual(['The card has no "limitations" section (this repository requires it).']);
  });

  test('sections are still checked when the metadata is broken', () => {
    const report = check(card('license: [mit', '# Model\n'), 'models/m/README.md', config({ require: { sections: ['Usage'] } }));
    expect(brief(report.findings)).toEqual(['1:1 error policy/required-section', '3:1 error card/yaml-syntax']);
  });

  test('YAML and JSON cards meet a section with a key of the same name', () => {
    const sections = config({ require: { sections: ['Intended use', 'Limitations'] } });
    const yaml = check('license: mit\nintended_use: Routing reviews.\nlimitations: ""\n', 'models/m/model_card.yml', sections);
    expect(yaml.findings.map((f) => f.message)).toEqual(['The card has no "Limitations" section (this repository requires it).']);
    expect(yaml.findings[0]!.hint).toBe('Add a `limitations` key with its text; required sections are listed in .github/modelgate.yml (require.sections).');
    const json = check('{"intendedUse": "x", "notes": {"limitations": "y"}}', 'models/m/model_card.json', sections);
    expect(brief(json.findings)).toEqual([]);
  });

  test('Model Card Toolkit cards: keys in the top two levels', () => {
    const mct = config({ require: { sections: ['Limitations', 'Use cases', 'Caveats'] } });
    const report = check(readFileSync(new URL('mct-0.0.2-valid.json', FIXTURES)), 'models/m/model_card.json', mct);
    expect(report.findings.map((f) => f.message)).toEqual(['The card has no "Caveats" section (this repository requires it).']);
  });
});

describe('policy/license-not-allowed', () => {
  const cfg = config({ licenses: { allow: ['apache-2.0', 'mit', 'other:acme-internal'] } });

  test('a license off the list, at its value', () => {
    const report = check(card('license: gpl-3.0'), 'models/m/README.md', cfg);
    expect(brief(report.findings)).toEqual(['2:10 error policy/license-not-allowed']);
    expect(report.findings[0]!.message).toBe('License "gpl-3.0" is not allowed in this repository (allowed: apache-2.0, mit, other:acme-internal).');
  });

  test('allowed licenses, and `other` with an allowed license_name', () => {
    expect(brief(check(card('license: mit'), 'models/m/README.md', cfg).findings)).toEqual([]);
    expect(brief(check(card('license: other\nlicense_name: acme-internal'), 'models/m/README.md', cfg).findings)).toEqual([]);
    expect(brief(check(card('license: other\nlicense_name: other-co'), 'models/m/README.md', cfg).findings)).toEqual(['2:10 error policy/license-not-allowed']);
  });

  test('no license at all fails, unless license is a required field (reported once)', () => {
    expect(brief(check(card('tags: [a]'), 'models/m/README.md', cfg).findings)).toEqual(['2:1 error policy/license-not-allowed']);
    const both = config({ licenses: { allow: ['mit'] }, require: { fields: ['license'] } });
    expect(brief(check(card('tags: [a]'), 'models/m/README.md', both).findings)).toEqual(['2:1 error policy/required-field']);
  });

  test('an invalid license id is not reported twice', () => {
    expect(brief(check(card('license: [mit]'), 'models/m/README.md', cfg).findings)).toEqual(['2:10 error card/invalid-license']);
  });

  test('Model Card Toolkit licenses compare SPDX ids case-insensitively; custom texts never match', () => {
    const json = '{"model_details": {"licenses": [{"identifier": "Apache-2.0"}, {"identifier": "GPL-3.0"}, {"custom_text": "Do what you want"}]}}';
    const report = check(json, 'models/m/model_card.json', cfg);
    expect(brief(report.findings)).toEqual(['1:63 error policy/license-not-allowed', '1:90 error policy/license-not-allowed']);
    expect(report.findings[1]!.message).toBe('A custom license text ("Do what you want") is not on this repository\'s allowed list (apache-2.0, mit, other:acme-internal).');
  });
});
