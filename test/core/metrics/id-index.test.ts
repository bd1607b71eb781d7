import { describe, expect, it } from '@jest/globals';
import { bootstrapMeanDifference, createRandom } from '../../../src/core/metrics/bootstrap.js';
import { IdArena, IdIndex, PAIR_BATCH } from '../../../src/core/metrics/id-index.js';
import { readPredictions, type PredictionSet } from '../../../src/core/metrics/predictions.js';
import { pairedSignificance } from '../../../src/core/metrics/significance.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** Ids that are hard on a byte representation: non-ASCII, astral, lone surrogates, empty, long. */
const awkward = ['q1', '', 'é', 'ß-ü', '日本語', '😀', 'a😀b', '\ud800', '\udc00', 'x\udbffy', '\ud83d', '\uffff', '\u0080', '\u07ff', '\u0800', 'x'.repeat(10_000), 'ü'.repeat(5_000)];

describe('IdArena', () => {
  it('gives back every id it was given, by row and in order', () => {
    const arena = IdArena.of(awkward);
    expect(arena.length).toBe(awkward.length);
    awkward.forEach((id, row) => expect(arena.at(row)).toBe(id));
    expect([...arena]).toEqual(awkward);
    expect([arena.at(-1), arena.at(awkward.length), arena.at(-awkward.length - 1), arena.at(1.5)]).toEqual([awkward.at(-1), undefined, undefined, undefined]);
  });

  it('holds UTF-8 (WTF-8 for lone surrogates) and grows past its first guess', () => {
    const arena = IdArena.of(['é😀', '\ud800']);
    expect(Array.from(arena.bytes.subarray(arena.start(0), arena.end(0)))).toEqual(Array.from(enc('é😀')));
    expect(Array.from(arena.bytes.subarray(arena.start(1), arena.end(1)))).toEqual([0xed, 0xa0, 0x80]);
    const many = Array.from({ length: 5_000 }, (_, i) => `${'long-id-'.repeat(i % 7)}${i}`);
    expect([...IdArena.of(many)]).toEqual(many);
  });

  it('compares by bytes in the strings’ order, and says when that order is not theirs', () => {
    const bmp = ['b', 'a', 'ab', '', 'é', 'z', '\uffff', '日'];
    const arena = IdArena.of(bmp);
    expect(arena.bytesSortAsStrings).toBe(true);
    const rows = bmp.map((_, i) => i).sort((x, y) => arena.compareBytes(x, y));
    expect(rows.map((r) => bmp[r])).toEqual([...bmp].sort());
    // UTF-16 puts 😀 (a surrogate pair) before U+FFFF; UTF-8's bytes put it after.
    expect(IdArena.of(['\uffff', '😀']).bytesSortAsStrings).toBe(false);
    expect(IdArena.of(['\ud800']).bytesSortAsStrings).toBe(false);
  });
});

describe('IdIndex', () => {
  const rowOf = (index: IdIndex, id: string) => {
    const bytes = IdArena.of([id]);
    return index.find(bytes.bytes, 0, bytes.end(0), IdIndex.hash(bytes.bytes, 0, bytes.end(0)));
  };

  it('finds each id at its row, the first of repeats, and nothing for others', () => {
    const index = IdIndex.over([...awkward, 'q1', '']);
    awkward.forEach((id, row) => expect(rowOf(index, id)).toBe(row));
    for (const other of ['q', 'q10', 'x'.repeat(9_999), 'x'.repeat(9_999) + 'y', '\ufffd', 'e', '\ud801']) expect(rowOf(index, other)).toBe(-1);
  });

  it('tells apart ids with the same hash and length, and ids alike but for their end', () => {
    const [a, b] = ['id-5pvu', 'id-c3ea'];
    // A real collision of the hash, so that the bytes, not the hashes, decide.
    expect(IdIndex.hash(enc(a), 0, a.length)).toBe(IdIndex.hash(enc(b), 0, b.length));
    const prefix = 'p'.repeat(4_096);
    const index = IdIndex.over([a, prefix + '1', b, prefix + '2']);
    expect([rowOf(index, a), rowOf(index, b), rowOf(index, prefix + '1'), rowOf(index, prefix + '2'), rowOf(index, prefix + '3'), rowOf(index, prefix)]).toEqual([0, 2, 1, 3, -1, -1]);
  });

  it('finds rows of another index in batches as one find after another does, in any order', () => {
    const next = createRandom(5);
    const base = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? `ü-${i}` : `ex-${i}`));
    // Mostly the same order, some swapped, some missing, some new: row-by-row hits and misses in one batch.
    const head = base.map((id, i) => (i % 17 === 0 ? `new-${i}` : id));
    for (let k = 0; k < 60; k++) {
      const i = next() % head.length;
      const j = next() % head.length;
      [head[i], head[j]] = [head[j]!, head[i]!];
    }
    head.push(...base.slice(0, 5));
    // Built by hand (repeats allowed: no row-by-row check) and read (unique ids: the row-by-row check first).
    for (const baseIndex of [IdIndex.over(base), readIndex(base)]) {
      const headIndex = IdIndex.over(head);
      const rows: number[] = [];
      const out = new Int32Array(PAIR_BATCH);
      for (let h = 0; h < head.length; h += PAIR_BATCH) {
        const to = Math.min(head.length, h + PAIR_BATCH);
        baseIndex.findRowsOf(headIndex, h, to, out);
        rows.push(...out.subarray(0, to - h));
      }
      expect(rows).toEqual(head.map((id) => base.indexOf(id)));
    }
  });

  it('row by row, a repeated id built by hand still finds its first row', () => {
    const base = IdIndex.over(['a', 'b', 'a']);
    const out = new Int32Array(PAIR_BATCH);
    base.findRowsOf(IdIndex.over(['x', 'y', 'a']), 0, 3, out);
    expect(Array.from(out.subarray(0, 3))).toEqual([-1, -1, 0]);
  });
});

function readIndex(ids: string[]): IdIndex {
  const read = readPredictions('b.jsonl', ids.map((id) => JSON.stringify({ id, x: 1 })).join('\n'));
  if (!read.ok || !read.value.idIndex) throw new Error('not read');
  return read.value.idIndex;
}

describe('ids read as bytes', () => {
  const read = (text: string, file = 'p.jsonl') => readPredictions(file, enc(text));

  it('read numbers as their decimal text, on both paths, and as the same id as that text', () => {
    const set = read('{"id":1,"x":1}\n{"id":2.50,"x":1}\n{"id":-0,"x":1}\n{"id":1e2,"x":1}\n{"id":"01","x":1}\n');
    expect(set.ok && [...set.value.ids]).toEqual(['1', '2.5', '0', '100', '01']);
    expect(read('{"id":1,"x":1}\n{"id":"1","x":1}\n')).toMatchObject({ ok: false, error: { line: 2, message: 'The id "1" appears twice (first on line 1).' } });
  });

  it('name the repeated id and its first line, after blank lines, in CSV, for empty and non-ASCII ids', () => {
    expect(read('\n\n{"id":"a"}\n{"id":"b"}\n\n{"id":"a"}\n')).toMatchObject({ ok: false, error: { line: 6, message: 'The id "a" appears twice (first on line 3).' } });
    expect(read('{"id":"a"}\n\n{"id":"b"}\n{"id":"b"}\n')).toMatchObject({ ok: false, error: { line: 4, message: 'The id "b" appears twice (first on line 3).' } });
    expect(read('{"id":""}\n{"id":""}\n')).toMatchObject({ ok: false, error: { line: 2, message: 'The id "" appears twice (first on line 1).' } });
    expect(read('{"id":"é"}\n{"id":"\\u00e9"}\n')).toMatchObject({ ok: false, error: { line: 2, message: 'The id "é" appears twice (first on line 1).' } });
    expect(readPredictions('p.jsonl', '{"id":"\\ud800"}\n{"id":"\\udc00"}\n{"id":"\\ud800"}\n')).toMatchObject({ ok: false, error: { line: 3, message: 'The id "\\ud800" appears twice (first on line 1).' } });
    expect(read('id,x\nq1,1\nq2,1\nq1,0\n', 'p.csv')).toMatchObject({ ok: false, error: { line: 4, message: 'The id "q1" appears twice (first on line 2).' } });
  });

  it('lone surrogates stay distinct ids (not all U+FFFD) and come back as read', () => {
    const set = readPredictions('p.jsonl', '{"id":"\\ud800"}\n{"id":"\\udc00"}\n{"id":"\\ufffd"}\n');
    expect(set.ok && [...set.value.ids]).toEqual(['\ud800', '\udc00', '\ufffd']);
  });
});

describe('pairing ids read as bytes', () => {
  const set = (file: string, rows: [string, number][]): PredictionSet => {
    const read = readPredictions(file, rows.map(([id, x]) => JSON.stringify({ id, x })).join('\n'));
    if (!read.ok) throw new Error(read.error.message);
    return read.value;
  };
  const byHand = (s: PredictionSet): PredictionSet => ({ file: s.file, ids: [...s.ids], columns: s.columns, notes: s.notes });

  it('gives what sets built by hand give, and names the same unpaired ids', () => {
    const next = createRandom(3);
    const ids = Array.from({ length: 300 }, (_, i) => awkward[i % awkward.length]! + i);
    const base = set('b.jsonl', ids.filter((_, i) => i % 11 !== 0).map((id) => [id, next() % 2]));
    const head = set('h.jsonl', ids.filter((_, i) => i % 13 !== 0).reverse().map((id) => [id, next() % 2]));
    const read = pairedSignificance(base, head, { resamples: 200, seed: 1 });
    expect(read.paired).toBe(ids.filter((_, i) => i % 11 !== 0 && i % 13 !== 0).length);
    expect(read.baseOnlyIds).toEqual(ids.filter((_, i) => i % 11 !== 0 && i % 13 === 0).slice(0, 5));
    expect(read.headOnlyIds).toEqual(ids.filter((_, i) => i % 11 === 0 && i % 13 !== 0).reverse().slice(0, 5));
    expect(pairedSignificance(byHand(base), byHand(head), { resamples: 200, seed: 1 })).toEqual(read);
    expect(pairedSignificance(base, byHand(head), { resamples: 200, seed: 1 })).toEqual(read);
  });

  it('orders the pairs of the classical bootstrap by the ids’ strings, also where their bytes sort otherwise', () => {
    for (const ids of [['b', 'a', 'c', 'ab', 'é'], ['\uffff', '😀', 'a', '\ud800', 'z']]) {
      const base = set('b.jsonl', ids.map((id, i) => [id, i]));
      const head = set('h.jsonl', ids.map((id, i) => [id, i * i * 3]).reverse() as [string, number][]);
      const sorted = [...ids].sort();
      const d = Float64Array.from(sorted, (id) => ids.indexOf(id) ** 2 * 3 - ids.indexOf(id));
      const expected = bootstrapMeanDifference(d, { resamples: 500, seed: 9, scheme: 'multinomial' });
      expect(pairedSignificance(base, head, { resamples: 500, seed: 9, scheme: 'multinomial' }).columns.get('x')?.interval).toEqual(expected);
    }
  });
});
