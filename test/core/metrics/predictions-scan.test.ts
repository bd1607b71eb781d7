import { describe, expect, it } from '@jest/globals';
import { createRandom } from '../../../src/core/metrics/bootstrap.js';
import { FlatRecord, readJsonLines, readPredictions, scanFlatRecord } from '../../../src/core/metrics/predictions.js';
import type { ReadResult } from '../../../src/core/metrics/types.js';
import type { PredictionSet } from '../../../src/core/metrics/predictions.js';

/** A result as plain data, −0 spelled out (toEqual would not tell it from 0 inside typed arrays). */
function plain(result: ReadResult<PredictionSet>): unknown {
  if (!result.ok) return result;
  const { file, ids, columns, notes } = result.value;
  return { file, ids: [...ids], notes, columns: [...columns].map(([name, values]) => [name, Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v))]) };
}

/** The in-place scanner and JSON.parse on every line give the same result. */
function same(text: string): unknown {
  const fast = plain(readJsonLines('p.jsonl', text, true));
  expect(fast).toEqual(plain(readJsonLines('p.jsonl', text, false)));
  // As file bytes (read in place), and as the text they decode to (the usual way), when they have UTF-8.
  if (!/\p{Cs}/u.test(text)) {
    const bytes = new TextEncoder().encode(text);
    expect(plain(readPredictions('p.jsonl', bytes))).toEqual(plain(readPredictions('p.jsonl', text)));
  }
  return fast;
}

describe('readPredictions: the flat-line scanner reads exactly as JSON.parse does', () => {
  it.each([
    ['plain', '{"id":"a","x":1,"y":0.5}\n{"id":"b","x":0,"y":0.25}\n'],
    ['whitespace everywhere', ' \t{ "id" : "a" ,\t"x" :  1 , "y":2 }  \t\n{"id":"b","x":3}'],
    ['CRLF line ends', '{"id":"a","x":1}\r\n{"id":"b","x":2}\r\n'],
    ['blank and whitespace-only lines', '\n{"id":"a","x":1}\n   \n\t\r\n{"id":"b","x":2}\n\n'],
    ['a line of non-JSON blanks only (trim() skips it)', '{"id":"a","x":1}\n\u00a0\u2028\n{"id":"b","x":2}\n'],
    ['escapes in ids, keys and values', '{"id":"a\\"b","x\\u0041":1,"t":"q\\n"}\n{"id":"\\u00e9","xA":2}\n'],
    ['unicode and lone surrogates', '{"id":"é—😀","x":1,"t":"\ud800"}\n{"id":"\udc00","x":2}\n'],
    ['exponents', '{"id":"a","x":1e3,"y":-2.5E-3,"z":1e+2}\n{"id":"b","x":0e0,"y":1E400,"z":-1e-400}\n'],
    ['negative zero', '{"id":"a","x":-0,"y":-0.0}\n{"id":"b","x":0,"y":0.0}\n'],
    ['long and huge numbers', '{"id":"a","x":0.1234567890123456789,"y":123456789012345678901234567890}\n{"id":"b","x":9007199254740993,"y":0.000000000000000000000001}\n'],
    ['15-digit decimals', '{"id":"a","x":0.123456789012345,"y":12345678901234.5,"z":999999999999999}\n'],
    ['numeric ids', '{"id":1,"x":1}\n{"id":2.50,"x":1}\n{"id":-0,"x":1}\n{"id":1e2,"x":1}\n'],
    ['booleans and null', '{"id":"a","x":true,"y":false,"z":null}\n{"id":"b","x":null}\n'],
    ['nested values', '{"id":"a","x":[1,2],"y":{"z":1},"w":1}\n{"id":"b","x":3,"y":4}\n'],
    ['duplicate keys', '{"id":"a","x":"text","x":1}\n{"id":"b","x":2,"x":null}\n'],
    ['duplicate ids keys', '{"id":"a","id":"b","x":1}\n'],
    ['integer-like keys (ordered first by JSON.parse)', '{"id":"a","2":1,"1":0,"x":3}\n{"1":5,"id":"b"}\n'],
    ['__proto__ as a key', '{"id":"a","__proto__":1}\n'],
    ['keys changing from line to line', '{"id":"a","x":1,"y":2}\n{"id":"b","y":3,"x":4}\n{"id":"c","xx":5}\n{"x":6,"id":"d"}\n'],
    ['empty strings and an empty key', '{"id":"","":1,"t":""}\n'],
    ['NaN and Infinity (not JSON)', '{"id":"a","x":NaN,"y":Infinity}\n{"id":"b","x":-Infinity,"y":1}\n'],
    ['text columns', '{"id":"a","label":"cat","x":1}\n{"id":"b","label":2,"x":"dog"}\n'],
  ])('%s', (_, text) => {
    same(text);
  });

  it.each([
    ['a trailing comma', '{"id":"a","x":1,}\n'],
    ['a missing colon', '{"id" "a"}\n'],
    ['a leading zero', '{"id":"a","x":01}\n'],
    ['a bare minus', '{"id":"a","x":-}\n'],
    ['a dot without digits', '{"id":"a","x":1.}\n{"id":"b","x":.5}\n'],
    ['text after the object', '{"id":"a","x":1} x\n'],
    ['two objects on a line', '{"id":"a"}{"id":"b"}\n'],
    ['an unterminated string', '{"id":"a,"x":1\n'],
    ['a raw tab in a string', '{"id":"a\tb","x":1}\n'],
    ['a literal cut short', '{"id":"a","x":tru}\n'],
    ['a literal run on', '{"id":"a","x":truex}\n'],
    ['a number run on', '{"id":"a","x":1x}\n'],
    ['an unclosed object', '{"id":"a","x":1\n'],
    ['a BOM inside the file', '{"id":"a","x":1}\n\ufeff{"id":"b","x":2}\n'],
    ['an array', '[1,2]\n'],
    ['a repeated id', '{"id":"a","x":1}\n{"id":"b"}\n{"id":"a","x":2}\n'],
    ['no id', '{"id":"a"}\n{"x":1}\n'],
    ['an id that is not a string or number', '{"id":true}\n'],
    ['a line of garbage', '{"id":"a"}\nnot json\n'],
  ])('and reports the same error for %s', (_, text) => {
    const result = same(text) as ReadResult<PredictionSet>;
    expect(result.ok).toBe(false);
  });

  it('reads the common shapes itself and leaves the rest to JSON.parse', () => {
    const scans = (line: string) => scanFlatRecord(new TextEncoder().encode(line), 0, new TextEncoder().encode(line).length, new FlatRecord());
    for (const line of ['{"id":"ex-1","accuracy":1,"f1":0.8125}', ' { "id" : 7 , "ok" : true , "t" : "x" , "n" : null } \r', '{}', '{"id":"a","x":-0.5}']) expect(scans(line)).toBe(true);
    for (const line of ['{"id":"a","x":1e3}', '{"id":"a\\n"}', '{"id":"a","x":[1]}', '{"id":"a","1":1}', '{"id":"a","x":1,"x":2}', '{"id":"a","x":0.1234567890123456}', '{"id":"a"} x', '\ufeff{"id":"a"}']) {
      expect(scans(line)).toBe(false);
    }
    const record = new FlatRecord();
    expect(scanFlatRecord(new TextEncoder().encode('{"id":"q","f1":0.3,"y":-12,"t":"cat","b":false}'), 0, 47, record)).toBe(true);
    // The id stays in the line's bytes (no string of it): where it is, and a marker in its place.
    expect([record.count, record.names.slice(0, 5), record.values.slice(1, 5), typeof record.values[0], record.idStart, record.idEnd]).toEqual([5, ['id', 'f1', 'y', 't', 'b'], [0.3, -12, '', false], 'symbol', 7, 8]);
  });

  it('reads file bytes as their text: BOMs, NUL, invalid UTF-8, non-ASCII, blank files, detection by content', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const cases: [string, Uint8Array][] = [
      ['p.jsonl', Uint8Array.from([0xef, 0xbb, 0xbf, ...enc('{"id":"a","x":1}\n')])],
      ['p.jsonl', Uint8Array.from([0xff, 0xfe, ...Array.from(enc('{"id":"a"}'), (c) => [c, 0]).flat()])],
      ['p.jsonl', enc('{"id":"a","x":1}\n{"id":"b\u0000"}\n')],
      ['p.jsonl', Uint8Array.from([...enc('{"id":"a","x":1}\n{"id":"'), 0xc3, 0x28, ...enc('"}\n')])],
      ['p.jsonl', enc('{"id":"é","x":1}\n{"id":"ü","t":"ß"}\n')],
      ['p.jsonl', enc('  \n\t\n')],
      ['p.jsonl', enc('\u00a0\n')],
      ['p.txt', enc(' {"id":"a","x":1}\n')],
      ['p.txt', enc('id,x\na,1\n')],
      ['p.csv', enc('{"id":"a","x":1}\n')],
    ];
    for (const [file, bytes] of cases) {
      const decoded = bytes[0] === 0xff ? new TextDecoder('utf-16le').decode(bytes.subarray(2)) : new TextDecoder('utf-8').decode(bytes);
      const reference = readPredictions(file, bytes);
      // The text path decodes the same bytes; for the invalid and binary ones, compare errors only.
      if (!reference.ok) expect(reference.error.message).toMatch(/not valid UTF-8|binary|empty|Invalid|appears|no `id`|must be/);
      else expect(plain(reference)).toEqual(plain(readPredictions(file, decoded)));
    }
    expect(readPredictions('p.jsonl', cases[3]![1])).toMatchObject({ ok: false, error: { message: 'The file is not valid UTF-8.' } });
    expect(readPredictions('p.jsonl', cases[2]![1])).toMatchObject({ ok: false, error: { line: 2, message: 'The file is binary (it contains a NUL byte), not text.' } });
  });

  it('strips the file’s BOM as before', () => {
    expect(plain(readPredictions('p.jsonl', '\ufeff{"id":"a","x":1}\n'))).toEqual(plain(readJsonLines('p.jsonl', '{"id":"a","x":1}\n', false)));
  });

  it('agrees on 3,000 random lines built from valid and invalid pieces', () => {
    const next = createRandom(99);
    const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
    const space = ['', '', '', ' ', '\t', '  ', '\r'];
    const keys = ['"x"', '"y"', '"score"', '"x"', '"a\\u0062"', '"1"', '"é"', '""', 'x', '"long_metric_name_here"'];
    const values = [
      '1', '0', '-0', '0.5', '-12.25', '1e5', '1E-7', '3.14159265358979', '0.1234567890123456', '01', '1.', '-', '.5', '2e', 'true', 'false', 'null',
      'tru', 'nul', '"t"', '"a\\"b"', '"\\u00e9"', '[1]', '{"z":1}', 'NaN', 'Infinity', '9007199254740993', '123456789012345', '"\t"',
    ];
    for (let trial = 0; trial < 150; trial++) {
      const lines: string[] = [];
      for (let l = 0; l < 20; l++) {
        const fields = [`"id"${pick(space)}:${pick(space)}${pick(['"r' + l + '"', String(l), '"r' + l + '"', '"r0"'])}`];
        const count = next() % 4;
        for (let f = 0; f < count; f++) fields.push(`${pick(space)}${pick(keys)}${pick(space)}:${pick(space)}${pick(values)}${pick(space)}`);
        if (next() % 2) fields.reverse();
        const sep = pick([',', ',', ',', ', ', ',,']);
        lines.push(`${pick(space)}{${fields.join(sep)}}${pick(['', '', ' ', '\r', ' x', ','])}`);
      }
      same(lines.join(pick(['\n', '\n', '\r\n', '\n\n'])) + pick(['', '\n']));
    }
  });
});
