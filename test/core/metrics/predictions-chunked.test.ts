import { describe, expect, it } from '@jest/globals';
import { createRandom } from '../../../src/core/metrics/bootstrap.js';
import { readPredictions, readPredictionsChunked, type ByteSource, type PredictionSet } from '../../../src/core/metrics/predictions.js';
import type { ReadResult } from '../../../src/core/metrics/types.js';

/** A result as plain data, −0 spelled out (toEqual would not tell it from 0 inside typed arrays). */
function plain(result: ReadResult<PredictionSet> | null): unknown {
  if (result === null || !result.ok) return result;
  const { file, ids, columns, notes } = result.value;
  return { file, ids: [...ids], notes, columns: [...columns].map(([name, values]) => [name, Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v))]) };
}

/** The bytes, at most `most` of them per read (as a pipe or a slow disk might give them), counting the reads. */
function source(bytes: Uint8Array, most: number): ByteSource & { reads: number } {
  return {
    reads: 0,
    read(into, position) {
      this.reads++;
      const n = Math.max(0, Math.min(into.length, most, bytes.length - position));
      into.set(bytes.subarray(position, position + n));
      return n;
    },
  };
}

/** Read in chunks of every size, the result is the whole-buffer reader's; null only when `expectNull`. */
function same(text: string | Uint8Array, file = 'p.jsonl', expectNull = false): void {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const whole = plain(readPredictions(file, bytes));
  for (const most of [1, 2, 3, 7, 64, 1 << 20, Number.MAX_SAFE_INTEGER]) {
    const chunked = readPredictionsChunked(file, source(bytes, most));
    if (expectNull) expect(chunked).toBeNull();
    else expect(plain(chunked)).toEqual(whole);
  }
}

describe('readPredictionsChunked: a file read a chunk at a time reads as the whole buffer does', () => {
  it.each([
    ['plain', '{"id":"a","x":1,"y":0.5}\n{"id":"b","x":0,"y":0.25}\n'],
    ['no newline at the end', '{"id":"a","x":1}\n{"id":"b","x":2}'],
    ['whitespace everywhere', ' \t{ "id" : "a" ,\t"x" :  1 , "y":2 }  \t\n{"id":"b","x":3}'],
    ['CRLF line ends', '{"id":"a","x":1}\r\n{"id":"b","x":2}\r\n'],
    ['blank lines, leading ones too', '\n\n  \n{"id":"a","x":1}\n   \n\t\r\n{"id":"b","x":2}\n\n'],
    ['a line of non-JSON blanks only', '{"id":"a","x":1}\n\u00a0\u2028\n{"id":"b","x":2}\n'],
    ['a UTF-8 BOM', '\ufeff{"id":"a","x":1}\n{"id":"b","x":2}\n'],
    ['a BOM inside a line', '{"id":"a","x":1}\n\ufeff{"id":"b","x":2}\n'],
    ['escapes and unicode split across reads', '{"id":"é—😀","x\\u0041":1,"t":"q\\n"}\n{"id":"\\u00e9","xA":2}\n'],
    ['numbers JSON.parse reads', '{"id":"a","x":1e3,"y":-0,"z":0.1234567890123456789}\n{"id":2.50,"x":true,"y":null,"z":[1]}\n'],
    ['NaN and Infinity', '{"id":"a","x":NaN}\n{"id":"b","x":-Infinity}\n'],
    ['a repeated id (the error names both lines)', '{"id":"a","x":1}\n\n{"id":"b","x":2}\n{"id":"a","x":3}\n'],
    ['invalid JSON', '{"id":"a","x":1}\n{"id":"b","x":01}\n'],
    ['a record without an id', '{"id":"a","x":1}\n{"x":2}\n'],
    ['text columns', '{"id":"a","label":"cat","x":1}\n{"id":"b","label":2,"x":"dog"}\n'],
    ['only a record', '{}'],
  ])('%s', (_, text) => {
    same(text);
  });

  it('reads a line longer than its buffer (which grows) and many lines over several buffers', () => {
    const long = `{"id":"long","t":"${'x'.repeat(3 << 20)}","x":1}\n`;
    const many = Array.from({ length: 60_000 }, (_, i) => `{"id":"ex-${i}","x":${i % 2},"y":${(i % 97) / 97}}`).join('\n');
    same(`{"id":"a","x":1}\n${long}{"id":"b","x":2}\n`);
    same(many + '\n');
    const result = readPredictionsChunked('p.jsonl', source(new TextEncoder().encode(many), Number.MAX_SAFE_INTEGER));
    expect(result?.ok && result.value.ids.length).toBe(60_000);
  });

  it('leaves to the whole-file reader what only it reads (its result and errors stay as they were)', () => {
    same('{"id":"a","x":1}\n{"id":"b\u0000","x":2}\n', 'p.jsonl', true);
    same(new Uint8Array([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d, 0x0a]), 'p.jsonl', true);
    same(new Uint8Array([0xff, 0xfe, 0x7b, 0x00]), 'p.jsonl', true);
    same('', 'p.jsonl', true);
    same(' \n\t\n', 'p.jsonl', true);
    same('\u00a0{"id":"a"}\n', 'p.jsonl', true);
    same('id,x\na,1\n', 'p.csv', true);
    same('id,x\na,1\n', 'p', true);
    // By content: a file without an extension that starts with `{` is JSON Lines.
    same('{"id":"a","x":1}\n', 'p');
  });

  it('gives up when the file changes size between its two passes', () => {
    const bytes = new TextEncoder().encode('{"id":"a","x":1}\n{"id":"b","x":2}\n');
    let passes = 0;
    const growing: ByteSource = {
      read(into, position) {
        if (position === 0) passes++;
        const data = passes > 1 ? new Uint8Array([...bytes, ...bytes.subarray(0, 17)]) : bytes;
        const n = Math.max(0, Math.min(into.length, data.length - position));
        into.set(data.subarray(position, position + n));
        return n;
      },
    };
    expect(readPredictionsChunked('p.jsonl', growing)).toBeNull();
    expect(passes).toBe(2);
  });

  it('reads a file in two passes of whole chunks', () => {
    const bytes = new TextEncoder().encode(Array.from({ length: 100_000 }, (_, i) => `{"id":"${i}","x":1}\n`).join(''));
    const s = source(bytes, Number.MAX_SAFE_INTEGER);
    expect(readPredictionsChunked('p.jsonl', s)?.ok).toBe(true);
    // 1.8 MB in 1 MiB chunks, each pass: a few reads, not one per line (nor a byte at a time).
    expect(s.reads).toBeLessThanOrEqual(10);
    expect(s.reads).toBeGreaterThanOrEqual(4);
  });

  it('agrees on 2,000 random lines of valid and invalid pieces, at random read sizes', () => {
    const draw = createRandom(5);
    const pick = <T>(xs: readonly T[]): T => xs[draw() % xs.length]!;
    const pieces = ['"id":"k', '"x":1', '"y":-0.25', '"t":"é"', '"z":null', '"w":true', ' ', ',', '"q":[1]', '"n":1e5', '"x":2'];
    for (let round = 0; round < 20; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 100; i++) {
        const fields = [`"id":"k${round}-${i}"`];
        for (let f = draw() % 4; f > 0; f--) fields.push(pick(pieces.slice(1)));
        lines.push(draw() % 50 === 0 ? `{${pick(pieces)}` : draw() % 40 === 0 ? '' : `{${fields.join(',')}}`);
      }
      const text = lines.join(draw() % 2 ? '\n' : '\r\n');
      const bytes = new TextEncoder().encode(text);
      const whole = plain(readPredictions('p.jsonl', bytes));
      expect(plain(readPredictionsChunked('p.jsonl', source(bytes, 1 + (draw() % 200))))).toEqual(whole);
    }
  });
});
