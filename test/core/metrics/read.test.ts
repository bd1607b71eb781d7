import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { describeWith, sharedMissing } from '../../helpers/prerequisite.js';
import { readMetrics } from '../../../src/core/metrics/read.js';
import { MAX_METRICS } from '../../../src/core/metrics/flatten.js';
import type { MetricSet, MetricsInputError } from '../../../src/core/metrics/types.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/metrics/${name}`, import.meta.url));

function ok(file: string, content: string | Uint8Array, options = {}): MetricSet {
  const result = readMetrics(file, content, options);
  if (!result.ok) throw new Error(`expected ${file} to read: ${result.error.message}`);
  return result.value;
}

function err(file: string, content: string | Uint8Array): MetricsInputError {
  const result = readMetrics(file, content);
  if (result.ok) throw new Error(`expected ${file} to fail`);
  return result.error;
}

/** key → [value, line, column] */
function table(set: MetricSet): Record<string, [unknown, number, number]> {
  return Object.fromEntries([...set.metrics.values()].map((e) => [e.key, [e.value, e.line, e.column]]));
}

const notes = (set: MetricSet) => set.notes.map((n) => `${n.line}:${n.column} ${n.rule} ${n.message}`);

describe('JSON', () => {
  it('flattens nested objects and keeps Python NaN/Infinity as invalid values', () => {
    const set = ok('python-json.json', fixture('python-json.json'));
    expect(set.format).toBe('json');
    expect(set.model).toBeNull();
    expect(table(set)).toEqual({
      'eval.accuracy': [{ kind: 'number', value: 0.912 }, 3, 17],
      'eval.f1': [{ kind: 'invalid', raw: 'NaN' }, 4, 11],
      'eval.loss': [{ kind: 'invalid', raw: 'Infinity' }, 5, 13],
      'eval.log_prob': [{ kind: 'invalid', raw: '-Infinity' }, 6, 17],
      epoch: [{ kind: 'number', value: 3 }, 8, 12],
      run_name: [{ kind: 'text', value: 'nightly-17' }, 9, 15],
      converged: [{ kind: 'text', value: 'true' }, 10, 16],
      seed: [{ kind: 'invalid', raw: 'null' }, 11, 11],
      recall: [{ kind: 'number', value: 0.676, percent: true }, 13, 13],
    });
    expect(notes(set)).toEqual([
      '12:16 metrics/ignored-list `per_class` is a list (2 items); lists are not metrics and are ignored.',
      '13:13 metrics/percent `recall`: the percent string "67.6%" is read as the fraction 0.676.',
    ]);
  });

  it('keeps metric order and notes a key written twice (the later value wins)', () => {
    const set = ok('m.json', '{"a": {"b": 1}, "c": 2, "a.b": 3}');
    expect([...set.metrics.keys()]).toEqual(['a.b', 'c']);
    expect(set.metrics.get('a.b')!.value).toEqual({ kind: 'number', value: 3 });
    expect(notes(set)).toEqual(['1:32 metrics/duplicate-key `a.b` appears twice (first on line 1); the later value is used.']);
  });

  it('notes numbers written as strings, which are shown but not compared', () => {
    const set = ok('m.json', '{"accuracy": "0.91"}');
    expect(set.metrics.get('accuracy')!.value).toEqual({ kind: 'text', value: '0.91' });
    expect(notes(set)).toEqual(['1:14 metrics/numeric-string `accuracy`: "0.91" is a string, so it is shown but not compared.']);
  });

  it('reads an overflowing number as invalid Infinity, and exponents and negatives exactly', () => {
    const set = ok('m.json', '{"a": 1e999, "b": -2.5e-3, "c": 0}');
    expect(table(set)).toEqual({
      a: [{ kind: 'invalid', raw: 'Infinity' }, 1, 7],
      b: [{ kind: 'number', value: -0.0025 }, 1, 19],
      c: [{ kind: 'number', value: 0 }, 1, 33],
    });
  });

  it('decodes string escapes in keys', () => {
    const set = ok('m.json', '{"a\\u00e9\\"\\n": 1}');
    expect([...set.metrics.keys()]).toEqual(['aé"\n']);
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, 'Invalid JSON: Trailing comma before "}"; JSON does not allow it.'],
    ['[1,]', 1, 4, 'Invalid JSON: Trailing comma before "]"; JSON does not allow it.'],
    ["{'a': 1}", 1, 2, 'Invalid JSON: Unexpected character "\'"; expected a key in double quotes.'],
    ['{"a": 1} // note', 1, 10, 'Invalid JSON: JSON does not allow comments.'],
    ['{"a": "x\ny"}', 1, 9, 'Invalid JSON: Control character in a string; escape it (e.g. \\n).'],
    ['{"a": "x', 1, 7, 'Invalid JSON: Unterminated string.'],
    ['{"a" 1}', 1, 6, 'Invalid JSON: Unexpected character "1"; expected ":" after the key.'],
    ['{"a": 1 "b": 2}', 1, 9, 'Invalid JSON: Unexpected character "\\""; expected "," or "}".'],
    ['{"a": nan}', 1, 7, 'Invalid JSON: Unexpected character "n"; expected a value.'],
    ['{"a": 01}', 1, 8, 'Invalid JSON: Unexpected character "1"; expected "," or "}".'],
    ['{"a": "\\x"}', 1, 8, 'Invalid JSON: Invalid escape "\\x" in a string.'],
    ['{"a": 1}}', 1, 9, 'Invalid JSON: Unexpected character "}" after the end of the JSON value.'],
    ['{"a":', 1, 6, 'Invalid JSON: Unexpected end of file; expected a value.'],
  ])('reports %j at its line and column', (text, line, column, message) => {
    expect(err('m.json', text)).toEqual({ file: 'm.json', line, column, message });
  });

  it('refuses a top level that is not an object, with a hint', () => {
    expect(err('m.json', '\n[1, 2]')).toEqual({
      file: 'm.json',
      line: 2,
      column: 1,
      message: 'Expected an object of metrics (name: value) at the top level, found a list.',
      hint: 'Write e.g. {"accuracy": 0.91, "loss": 0.23}.',
    });
    expect(err('m.json', '0.9').message).toBe('Expected an object of metrics (name: value) at the top level, found a single value.');
  });

  it('caps nesting depth with a clear error instead of overflowing the stack', () => {
    expect(err('m.json', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))).toEqual({
      file: 'm.json',
      line: 1,
      column: 321,
      message: 'Invalid JSON: Objects and arrays are nested more than 64 levels deep.',
    });
    // 64 levels are fine.
    expect([...ok('m.json', '{"a":'.repeat(64) + '1' + '}'.repeat(64)).metrics.keys()]).toEqual([Array(64).fill('a').join('.')]);
  });

  it('caps the number of metrics', () => {
    const entries = Array.from({ length: MAX_METRICS + 1 }, (_, i) => `"m${i}": ${i}`);
    const error = err('m.json', `{${entries.join(',')}}`);
    expect(error.message).toBe('The file has over 100,000 metrics.');
    expect(error.hint).toBe('Keep it under 100,000; per-example values belong in a predictions file.');
    expect(ok('m.json', `{${entries.slice(0, MAX_METRICS).join(',')}}`).metrics.size).toBe(MAX_METRICS);
  });

  it('caps the file size at 10 MiB', () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20);
    expect(err('m.json', big)).toEqual({
      file: 'm.json',
      line: 1,
      column: 1,
      message: 'The file is 10.0 MiB, over the 10 MiB limit.',
      hint: 'Write fewer values, or split the file.',
    });
  });

  it('refuses empty, binary and non-UTF-8 files, and decodes UTF-16 with a BOM', () => {
    expect(err('m.json', ' \n ').message).toBe('The file is empty.');
    expect(err('m.json', new Uint8Array([0x7b, 0x0a, 0x00, 0x7d]))).toEqual({
      file: 'm.json',
      line: 2,
      column: 1,
      message: 'The file is binary (it contains a NUL byte), not text.',
      hint: 'Give a JSON, YAML, CSV or Markdown file.',
    });
    expect(err('m.json', new Uint8Array([0x7b, 0xff, 0x7d])).message).toBe('The file is not valid UTF-8.');
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'{"a":1}'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(table(ok('m.json', utf16))).toEqual({ a: [{ kind: 'number', value: 1 }, 1, 6] });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')]);
    expect(table(ok('m.json', bom))).toEqual({ a: [{ kind: 'number', value: 1 }, 1, 6] });
  });
});

describe('YAML', () => {
  it('flattens mappings and reads .nan/.inf (and plain nan) as invalid values', () => {
    const set = ok('metrics.yaml', fixture('metrics.yaml'));
    expect(set.format).toBe('yaml');
    expect(table(set)).toEqual({
      'eval.accuracy': [{ kind: 'number', value: 0.912 }, 3, 13],
      'eval.f1': [{ kind: 'invalid', raw: 'NaN' }, 4, 7],
      'eval.latency_ms.p50': [{ kind: 'number', value: 12.5 }, 6, 10],
      'eval.latency_ms.p95': [{ kind: 'invalid', raw: 'Infinity' }, 7, 10],
      notes: [{ kind: 'text', value: 'baseline run' }, 8, 8],
    });
    expect(table(ok('m.yml', 'a: nan\nb: -.inf\nc: "nan"\n'))).toEqual({
      a: [{ kind: 'invalid', raw: 'NaN' }, 1, 4],
      b: [{ kind: 'invalid', raw: '-Infinity' }, 2, 4],
      c: [{ kind: 'text', value: 'nan' }, 3, 4],
    });
  });

  it('reports syntax errors and duplicate keys at their line', () => {
    expect(err('m.yaml', 'a: 1\na: 2\n')).toEqual({ file: 'm.yaml', line: 2, column: 1, message: 'Invalid YAML: Map keys must be unique' });
    expect(err('m.yaml', 'a: 1\nb: c: d\n')).toEqual({ file: 'm.yaml', line: 2, column: 4, message: 'Invalid YAML: Nested mappings are not allowed in compact mappings' });
  });

  it('refuses alias bombs and deep nesting', () => {
    const bomb = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expect(err('bomb.yaml', bomb.join('\n'))).toEqual({ file: 'bomb.yaml', line: 3, column: 40, message: 'Invalid YAML: Aliases expand to over 1,000 copies.' });
    expect(err('deep.yaml', `a: ${'['.repeat(200)}${']'.repeat(200)}`)).toEqual({
      file: 'deep.yaml',
      line: 1,
      column: 68,
      message: 'Invalid YAML: Mappings and lists are nested more than 64 levels deep.',
    });
  });

  it('resolves ordinary anchors and aliases', () => {
    expect(table(ok('m.yaml', 'a: &x 0.5\nb: *x\n'))).toEqual({
      a: [{ kind: 'number', value: 0.5 }, 1, 7],
      b: [{ kind: 'number', value: 0.5 }, 1, 7],
    });
  });

  it('treats an empty document as an error', () => {
    expect(err('m.yaml', '# nothing\n')).toEqual({ file: 'm.yaml', line: 1, column: 1, message: 'The document is empty.', hint: 'Write the metrics as `name: value` pairs.' });
  });
});

describe('CSV and TSV', () => {
  it('reads rows of metric,value under a header, ignoring other columns with a note', () => {
    const set = ok('long.csv', fixture('long.csv'));
    expect(set.format).toBe('csv');
    expect(table(set)).toEqual({
      accuracy: [{ kind: 'number', value: 0.912 }, 2, 10],
      'loss, smoothed': [{ kind: 'number', value: 0.31 }, 3, 18],
      f1: [{ kind: 'invalid', raw: 'NaN' }, 4, 4],
      precision: [{ kind: 'number', value: 0.915, percent: true }, 5, 11],
    });
    expect(notes(set)).toEqual([
      '1:1 metrics/ignored-column Columns other than `metric` and `value` are ignored: `stderr`.',
      '5:11 metrics/percent `precision`: the percent string "91.5%" is read as the fraction 0.915.',
    ]);
  });

  it('reads a header of names over one row of values (TSV too)', () => {
    const set = ok('wide.tsv', fixture('wide.tsv'));
    expect(set.format).toBe('tsv');
    expect(table(set)).toEqual({
      accuracy: [{ kind: 'number', value: 0.912 }, 2, 1],
      loss: [{ kind: 'number', value: 0.31 }, 2, 7],
      wer: [{ kind: 'invalid', raw: '-Infinity' }, 2, 12],
    });
    expect(table(ok('w.csv', 'accuracy,loss\r\n0.9,0.2\r\n'))).toEqual({
      accuracy: [{ kind: 'number', value: 0.9 }, 2, 1],
      loss: [{ kind: 'number', value: 0.2 }, 2, 5],
    });
  });

  it('keeps quoted delimiters, quotes and line breaks inside a field', () => {
    expect(table(ok('m.csv', 'metric,value\n"two\nlines",1\n"say ""hi""",2\n'))).toEqual({
      'two\nlines': [{ kind: 'number', value: 1 }, 3, 8],
      'say "hi"': [{ kind: 'number', value: 2 }, 4, 14],
    });
  });

  it('reads headerless metric,value rows', () => {
    expect(table(ok('m.csv', 'accuracy,0.9\nloss,0.2\n'))).toEqual({
      accuracy: [{ kind: 'number', value: 0.9 }, 1, 10],
      loss: [{ kind: 'number', value: 0.2 }, 2, 6],
    });
  });

  it('notes empty values and keeps text as text', () => {
    const set = ok('m.csv', 'metric,value\naccuracy,\nmodel,"bert, base"\n');
    expect(table(set)).toEqual({ model: [{ kind: 'text', value: 'bert, base' }, 3, 7] });
    expect(notes(set)).toEqual(['2:10 metrics/empty-value `accuracy` has an empty value; it is ignored.']);
  });

  it.each([
    ['a,b\n1,2\n3,4\n', 3, 1, 'Cannot tell the layout: 3 rows, and no `metric` and `value` columns in the header.'],
    ['a,b\n', 1, 1, 'The file has a header row but no values.'],
    ['a,b\n1\n', 2, 1, 'This row has 1 columns but the header has 2.'],
    ['metric,value\nacc,"0.9\n', 2, 5, 'Invalid CSV: A quoted field is never closed (a " is missing).'],
    ['metric,value\nacc,"0.9"x\n', 2, 10, 'Invalid CSV: Unexpected "x" after a closing quote; expected a delimiter or the end of the line.'],
  ])('reports bad CSV %j with a position', (text, line, column, message) => {
    expect(err('m.csv', text)).toMatchObject({ file: 'm.csv', line, column, message });
  });
});

describe('model cards', () => {
  it('reads model-index results from front matter, keyed <dataset>/<metric>, disambiguated by config', () => {
    const set = ok('card.md', fixture('card.md'));
    expect(set.format).toBe('model-index');
    expect(set.model).toBe('tiny-asr');
    expect(table(set)).toEqual({
      'Common Voice/wer#config=de': [{ kind: 'number', value: 10.55 }, 15, 14],
      'Common Voice/cer': [{ kind: 'number', value: 2.81 }, 17, 14],
      'Common Voice/wer#config=fr': [{ kind: 'number', value: 12.1 }, 27, 14],
      'librispeech/Test WER': [{ kind: 'invalid', raw: 'null' }, 34, 13],
    });
    expect(notes(set)).toEqual(['34:13 metrics/missing-value `librispeech/Test WER` has no value.']);
  });

  it('tells alike results apart by the first fields that differ, then by number', () => {
    const card = [
      'model-index:',
      '- name: m',
      '  results:',
      '  - task: {type: token-classification, name: POS}',
      '    metrics: [{type: accuracy, value: 0.95}]',
      '  - task: {type: token-classification, name: DEP}',
      '    metrics: [{type: accuracy, value: 0.91}]',
      '  - dataset: {name: d, split: test}',
      '    metrics: [{type: f1, value: 0.1}, {type: f1, value: 0.2}]',
      '  - dataset: {name: d, split: dev}',
      '    metrics: [{type: f1, value: 0.3}]',
    ].join('\n');
    expect([...ok('model_card.yaml', card).metrics.keys()]).toEqual([
      'accuracy#task_name=POS',
      'accuracy#task_name=DEP',
      'd/f1#split=test',
      'd/f1#split=test#2',
      'd/f1#split=dev',
    ]);
  });

  it('reads a JSON card with model-index, and a Model Card Toolkit card', () => {
    const json = ok('model_card.json', JSON.stringify({ 'model-index': [{ name: 'm', results: [{ dataset: { type: 'glue' }, metrics: [{ type: 'accuracy', value: 0.8 }] }] }] }));
    expect(json.format).toBe('model-index');
    expect([...json.metrics.keys()]).toEqual(['glue/accuracy']);

    const mct = ok('mct.json', fixture('mct.json'));
    expect(mct.format).toBe('mct');
    expect(mct.model).toBe('cats-vs-dogs');
    expect(table(mct)).toEqual({
      accuracy: [{ kind: 'number', value: 0.978 }, 6, 37],
      'cat/accuracy': [{ kind: 'number', value: 0.993 }, 7, 37],
      'dog/accuracy#threshold=0.5': [{ kind: 'number', value: 0.965 }, 8, 37],
      'dog/accuracy#threshold=0.7': [{ kind: 'number', value: 0.961 }, 9, 37],
    });
  });

  it('reads front matter with Windows line endings', () => {
    const card = '---\r\nmodel-index:\r\n- name: m\r\n  results:\r\n  - dataset: {name: d}\r\n    metrics: [{type: acc, value: 0.5}]\r\n---\r\n# Card\r\n';
    expect(table(ok('README.md', card))).toEqual({ 'd/acc': [{ kind: 'number', value: 0.5 }, 6, 34] });
  });

  it('says what is missing when a Markdown file has no usable front matter', () => {
    expect(err('README.md', '# Title\n')).toEqual({
      file: 'README.md',
      line: 1,
      column: 1,
      message: 'The Markdown file has no YAML front matter (a first line of `---`).',
      hint: 'A model card keeps its metrics in `model-index` in the front matter.',
    });
    expect(err('README.md', '---\nlicense: mit\n')).toMatchObject({ message: 'The front matter is never closed (no second `---` line).' });
    expect(err('README.md', '---\nlicense: mit\n---\n')).toMatchObject({ line: 2, message: 'The front matter has no `model-index` results to compare.' });
    expect(err('README.md', '---\na: [\n---\n')).toMatchObject({ line: 3, message: expect.stringMatching(/^Invalid YAML: /) });
  });
});

describe('format detection', () => {
  it('uses the extension, then the content', () => {
    expect(ok('metrics', '{"a": 1}').format).toBe('json');
    expect(ok('metrics', 'a: 1').format).toBe('yaml');
    expect(ok('metrics', '---\na: 1\n').format).toBe('yaml');
    expect(ok('metrics', 'a,b\n1,2').format).toBe('csv');
    expect(ok('metrics', 'a\tb\n1\t2').format).toBe('tsv');
    expect(ok('README', '---\nmodel-index: [{name: m, results: [{metrics: [{type: acc, value: 1}]}]}]\n---\n').format).toBe('model-index');
    expect(ok('metrics.txt', 'x: 1', { format: 'yaml' }).format).toBe('yaml');
  });
});

describeWith('readMetrics on the shared corpus', sharedMissing('corpus/model-cards/card-01.md', 'corpus/model-cards/card-03.md'), () => {
  it('reads real cards with model-index results', () => {
    const corpus = new URL('../../../../shared/corpus/model-cards/', import.meta.url);
    const card01 = ok('card-01.md', readFileSync(new URL('card-01.md', corpus)));
    expect([...card01.metrics.keys()]).toEqual([
      'AI2 Reasoning Challenge (25-Shot)/acc_norm',
      'HellaSwag (10-Shot)/acc_norm',
      'MMLU (5-Shot)/acc',
      'TruthfulQA (0-shot)/mc2',
      'Winogrande (5-shot)/acc',
      'GSM8k (5-shot)/acc',
    ]);
    expect(card01.metrics.get('MMLU (5-Shot)/acc')!.value).toEqual({ kind: 'number', value: 47.94 });
    const card03 = ok('card-03.md', readFileSync(new URL('card-03.md', corpus)));
    expect(card03.metrics.size).toBe(990);
  });
});
