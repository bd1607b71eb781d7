import { describe, expect, it } from '@jest/globals';
import { readPredictions, type PredictionSet } from '../../../src/core/metrics/predictions.js';

function ok(file: string, text: string): PredictionSet {
  const result = readPredictions(file, text);
  if (!result.ok) throw new Error(`expected ${file} to read: ${result.error.message}`);
  return result.value;
}

const columns = (set: PredictionSet) => Object.fromEntries([...set.columns].map(([k, v]) => [k, Array.from(v)]));
const notes = (set: PredictionSet) => set.notes.map((n) => `${n.rule} ${n.message}`);

describe('readPredictions: JSON Lines', () => {
  it('reads ids and numeric fields; booleans count as 1/0; missing and null values are NaN', () => {
    const set = ok(
      'p.jsonl',
      [
        '{"id": "q1", "accuracy": 1, "f1": 0.5, "prediction": "cat"}',
        '',
        '{"id": 2, "accuracy": false, "prediction": "dog"}',
        '{"id": "q3", "accuracy": true, "f1": null, "extra": 7}\r',
      ].join('\n') + '\n',
    );
    expect([...set.ids]).toEqual(['q1', '2', 'q3']);
    expect(columns(set)).toEqual({ accuracy: [1, 0, 1], f1: [0.5, NaN, NaN], extra: [NaN, NaN, 7] });
    expect(notes(set)).toEqual(['metrics/text-column `prediction` holds text, not numbers; it is not used for significance.']);
  });

  it('accepts the NaN and Infinity Python writes, leaving those examples out with a note', () => {
    const set = ok('p.jsonl', '{"id": "a", "loss": NaN}\n{"id": "b", "loss": Infinity}\n{"id": "c", "loss": 0.5}\n');
    expect(columns(set)).toEqual({ loss: [NaN, NaN, 0.5] });
    expect(notes(set)).toEqual(['metrics/non-finite-example `loss`: 2 examples have NaN or an infinite value; they are left out of the bootstrap for this metric.']);
  });

  it.each([
    ['{"id": "a", "x": 1}\n{"id": "a", "x": 2}\n', 2, 1, 'The id "a" appears twice (first on line 1).'],
    ['{"id": "a"}\n{"x": 1}\n', 2, 1, 'This record has no `id`.'],
    ['{"id": ["a"]}\n', 1, 1, 'The `id` must be a string or a number.'],
    ['{"id": NaN}\n', 1, 1, 'The `id` must be a string or a number.'],
    ['{"id": "a"}\n{"id": "b",}\n', 2, 12, 'Invalid JSON: Trailing comma before "}"; JSON does not allow it.'],
    ['{"id": "a"}\n[1]\n', 2, 1, 'Invalid JSON: Expected an object.'],
  ])('reports %j with its line', (text, line, column, message) => {
    const result = readPredictions('p.jsonl', text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ file: 'p.jsonl', line, column, message });
  });
});

describe('readPredictions: CSV', () => {
  it('reads an id column and numeric columns, ignoring text columns', () => {
    const set = ok('p.csv', 'id,accuracy,label,f1\nq1,1,cat,0.5\nq2,0,"dog, big",\nq3,true,cat,nan\n');
    expect([...set.ids]).toEqual(['q1', 'q2', 'q3']);
    expect(columns(set)).toEqual({ accuracy: [1, 0, 1], f1: [0.5, NaN, NaN] });
    expect(notes(set)).toEqual([
      'metrics/text-column `label` holds text, not numbers; it is not used for significance.',
      'metrics/non-finite-example `f1`: 1 example has NaN or an infinite value; it is left out of the bootstrap for this metric.',
    ]);
  });

  it('needs an id column and unique, non-empty ids', () => {
    expect(readPredictions('p.csv', 'example,accuracy\n1,1\n')).toEqual({
      ok: false,
      error: { file: 'p.csv', line: 1, column: 1, message: 'The header has no `id` column.', hint: 'Name the column of example ids `id` so base and head can be paired.' },
    });
    expect(readPredictions('p.tsv', 'id\taccuracy\nq1\t1\nq1\t0\n')).toMatchObject({ ok: false, error: { line: 3, message: 'The id "q1" appears twice (first on line 2).' } });
    expect(readPredictions('p.csv', 'accuracy,id\n1,\n')).toMatchObject({ ok: false, error: { line: 2, column: 3, message: 'This row has an empty `id`.' } });
  });

  it('reads a row at a time: quoted line breaks, blank lines and CRLF, and the first problem in file order', () => {
    const set = ok('p.csv', 'id,accuracy,label\r\nq1,1,"two\nlines"\r\n\r\nq2,0,x\r\n\nq3,1,"y"');
    expect([...set.ids]).toEqual(['q1', 'q2', 'q3']);
    // More lines than rows: the columns are cut to the rows.
    expect(set.columns.get('accuracy')).toEqual(Float64Array.from([1, 0, 1]));
    // A bad row is reported where it is, before a broken quote further down.
    expect(readPredictions('p.csv', 'id,accuracy\nq1,1,extra\nq2,"open\n')).toMatchObject({
      ok: false,
      error: { line: 2, column: 1, message: 'This row has 3 columns but the header has 2.' },
    });
    expect(readPredictions('p.csv', 'id,accuracy\nq1,1\nq2,"open\n')).toMatchObject({
      ok: false,
      error: { line: 3, column: 4, message: 'Invalid CSV: A quoted field is never closed (a " is missing).' },
    });
  });

  it('detects the format from the content when the extension does not say', () => {
    expect([...ok('preds', '{"id": 1, "a": 1}\n{"id": 2, "a": 0}').ids]).toEqual(['1', '2']);
    expect([...ok('preds', 'id\ta\n1\t1\n').ids]).toEqual(['1']);
  });

  it('refuses an empty file and one with no examples', () => {
    expect(readPredictions('p.jsonl', '')).toMatchObject({ ok: false, error: { message: 'The per-example results file is empty.' } });
    expect(readPredictions('p.csv', 'id,accuracy\n')).toMatchObject({ ok: false, error: { message: 'The file has no examples.' } });
  });
});
