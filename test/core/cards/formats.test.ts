import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { isDate, isUri } from '../../../src/core/cards/mct.js';
import { brief, check, FIXTURES } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

describe('format detection', () => {
  test('by extension, and by content for other names', () => {
    expect(check('---\nlicense: mit\n---\n', 'models/a/README.md').format).toBe('markdown');
    expect(check('license: mit\n', 'models/a/model_card.yml').format).toBe('yaml');
    expect(check('license: mit\n', 'models/a/model_card.yaml').format).toBe('yaml');
    expect(check('{"license": "mit"}', 'models/a/model_card.json').format).toBe('json');
    expect(check('{"schema_version": "0.0.2"}', 'models/a/model_card.json').format).toBe('mct');
    expect(check('  {"license": "mit"}', 'models/a/MODEL_CARD').format).toBe('json');
    expect(check('# Card', 'models/a/MODEL_CARD').format).toBe('markdown');
  });
});

describe('Hugging Face cards as Markdown, YAML and JSON', () => {
  test('a complete Markdown card has no findings', () => {
    const report = check(fixture('hf-card.md'), 'models/sentiment/README.md');
    expect(brief(report.findings)).toEqual([]);
    expect(report).toMatchObject({ format: 'markdown', errors: 0, warnings: 0, model: { name: 'sentiment', version: 'v3', source: 'card' } });
  });

  test('a YAML card is checked like front matter, positions from line 1', () => {
    const report = check('license: MIT\nlanguage: [en]\nflag: yes\n', 'models/a/model_card.yml');
    expect(brief(report.findings)).toEqual(['1:10 error card/invalid-license', '3:7 warning card/yaml11-boolean']);
  });

  test('an empty YAML card (comments only) has no metadata', () => {
    expect(brief(check('# nothing yet\n', 'models/a/model_card.yml').findings)).toEqual(['1:1 warning card/no-metadata']);
  });

  test('a JSON card with Hugging Face keys', () => {
    const json = '{\n  "license": "MIT",\n  "tags": ["a", 1],\n  "model-index": [{"name": "m", "results": []}]\n}\n';
    expect(brief(check(json, 'models/a/model_card.json').findings)).toEqual([
      '2:14 error card/invalid-license',
      '3:17 error card/non-string-item',
      '4:44 warning card/empty-results',
    ]);
  });

  test('JSON duplicate keys, which JSON.parse would hide', () => {
    const report = check('{"license": "mit",\n "license": "apache-2.0"}', 'models/a/model_card.json');
    expect(brief(report.findings)).toEqual(['2:2 error card/duplicate-key']);
    expect(report.findings[0]!.message).toBe('The key "license" appears twice in the same object.');
  });

  test('JSON that is not a mapping', () => {
    expect(brief(check('["a"]', 'models/a/model_card.json').findings)).toEqual(['1:1 error card/not-a-mapping']);
    expect(brief(check('{}', 'models/a/model_card.json').findings)).toEqual([]);
  });

  test.each([
    ['a trailing comma', '{"a": 1,\n}', '2:1', 'JSON syntax error: a trailing comma before "}".', 'Remove the comma after the last property.'],
    ['a trailing comma in an array', '{"a": [1, 2, ]}', '1:14', 'JSON syntax error: a trailing comma before "]".', 'Remove the comma after the last item.'],
    ['a comment', '{\n  // note\n  "a": 1}', '2:3', 'JSON syntax error: a comment; JSON has no comments.', 'Remove the comment (or use a YAML card, which allows them).'],
    ['single quotes', "{'a': 1}", '1:2', 'JSON syntax error: a single quote where a property name should be.', 'JSON strings and property names use double quotes.'],
    ['an unquoted key', '{a: 1}', '1:2', 'JSON syntax error: unexpected "a" where a property name should be.', 'Property names must be in double quotes.'],
    ['a cut-off file', '{"a": [1, 2', '1:12', 'JSON syntax error: the file ends after an array item.', 'The JSON is cut short: close every "{" and "[".'],
    ['a missing comma', '{"a": 1\n "b": 2}', '2:2', 'JSON syntax error: unexpected "\\"" after a property value.', 'Separate properties with "," and close the object with "}".'],
    ['a raw line break in a string', '{"a": "x\ny"}', '1:9', 'JSON syntax error: a raw control character (such as a line break or tab) inside a string.', 'Write it as an escape: \\n, \\t, \\u0000.'],
    ['a bad escape', '{"a": "\\q"}', '1:8', 'JSON syntax error: an invalid escape "\\\\q" in a string.', 'Escape a backslash as \\\\.'],
    ['garbage after the value', '{"a": 1} x', '1:10', 'JSON syntax error: unexpected "x" after the end of the JSON value.', undefined],
    ['NaN', '{"a": NaN}', '1:7', 'JSON syntax error: unexpected "N" where a value should be.', undefined],
  ])('JSON syntax: %s', (_name, json, at, message, hint) => {
    const report = check(json, 'models/a/model_card.json');
    expect(brief(report.findings)).toEqual([`${at} error card/yaml-syntax`]);
    expect(report.findings[0]!.message).toBe(message);
    if (hint) expect(report.findings[0]!.hint).toBe(hint);
  });

  test('JSON strings and escapes are decoded', () => {
    const report = check('{"license": "\\u006dit", "language": ["fr\\u002dCA"], "tags": ["\\ud83d\\ude00"]}', 'models/a/model_card.json');
    expect(brief(report.findings)).toEqual([]);
  });
});

describe('Model Card Toolkit cards', () => {
  test('a real-ish 0.0.2 card is valid and names its model', () => {
    const report = check(fixture('mct-0.0.2-valid.json'), 'models/sentiment/model_card.json');
    expect(brief(report.findings)).toEqual([]);
    expect(report).toMatchObject({ format: 'mct', model: { name: 'sentiment-classifier', version: 'v3', source: 'card' } });
  });

  test('schema violations, each at its value or key', () => {
    const json = [
      '{',
      '  "schema_version": "0.0.2",',
      '  "model_detials": {},',
      '  "model_details": {',
      '    "name": 42,',
      '    "version": {"name": "v1", "date": "2020-02-30"},',
      '    "licenses": [{"identifier": "MIT", "custom_text": "also this"}, {}],',
      '    "references": [{"reference": "not a uri"}]',
      '  },',
      '  "quantitative_analysis": {"performance_metrics": [{"type": "acc", "value": 0.9}]}',
      '}',
    ].join('\n');
    const report = check(json, 'models/a/model_card.json');
    expect(brief(report.findings)).toEqual([
      '3:3 error card/mct-schema',
      '5:13 error card/mct-schema',
      '6:39 warning card/mct-format',
      '7:18 error card/mct-schema',
      '7:69 error card/mct-schema',
      '8:34 warning card/mct-format',
      '10:78 error card/mct-schema',
    ]);
    const messages = report.findings.map((f) => f.message);
    expect(messages[0]).toBe('Unknown key "model_detials": the Model Card Toolkit schema does not allow it.');
    expect(report.findings[0]!.hint).toBe('Did you mean `model_details`?');
    expect(messages[1]).toBe('`model_details.name` must be a string, not 42.');
    expect(messages[2]).toBe('`model_details.version.date` is not a valid date: "2020-02-30".');
    expect(messages[3]).toBe('`model_details.licenses[0]` must have exactly one of `identifier` (an SPDX license id) or `custom_text`.');
    expect(messages[5]).toBe('`model_details.references[0].reference` is not a valid URI: "not a uri".');
    expect(report.findings[6]!.hint).toBe('Quote it: the toolkit stores this as text ("0.9").');
    // An unsafe name is not used as the identity; the folder is.
    expect(report.model).toEqual({ name: 'a', version: 'v1', source: 'folder' });
  });

  test('an unknown schema_version', () => {
    const report = check('{"schema_version": "0.0.3", "model_details": {"name": "m"}}', 'models/a/model_card.json');
    expect(brief(report.findings)).toEqual(['1:20 error card/mct-schema']);
    expect(report.findings[0]!.message).toBe('schema_version "0.0.3" is not a Model Card Toolkit schema version modelgate knows (0.0.1, 0.0.2).');
  });

  test('a toolkit card written in YAML', () => {
    const report = check('schema_version: "0.0.2"\nmodel_details:\n  name: m\n  extra: allowed below the top level\nbogus: 1\n', 'models/a/model_card.yml');
    expect(report.format).toBe('mct');
    expect(brief(report.findings)).toEqual(['5:1 error card/mct-schema']);
  });

  test('many violations are capped with a summary', () => {
    const owners = Array.from({ length: 80 }, () => '{"name": 1}').join(',');
    const report = check(`{"model_details": {"owners": [${owners}]}}`, 'models/a/model_card.json');
    expect(report.findings).toHaveLength(51);
    // The summary sits at the top of the file.
    expect(report.findings[0]!.message).toBe('…and 30 more Model Card Toolkit schema violations.');
  });
});

describe('formats the toolkit schema declares', () => {
  test.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2020-13-01', false],
    ['2020-04-31', false],
    ['08/28/2020', false],
    ['2020-1-1', false],
  ])('date %s', (value, ok) => {
    expect(isDate(value)).toBe(ok);
  });

  test.each([
    ['https://arxiv.org/abs/1801.04381', true],
    ['urn:isbn:0451450523', true],
    ['https://example.com/a%20b', true],
    ['not a uri', false],
    ['/relative/path', false],
    ['https://example.com/%zz', false],
  ])('uri %s', (value, ok) => {
    expect(isUri(value)).toBe(ok);
  });
});
