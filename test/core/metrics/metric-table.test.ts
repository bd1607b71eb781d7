import { describe, expect, it } from '@jest/globals';
import { createRandom } from '../../../src/core/metrics/bootstrap.js';
import { flattenTree, MetricCollector } from '../../../src/core/metrics/flatten.js';
import { decimalValue, parseJsonTree } from '../../../src/core/metrics/json.js';
import { Notes } from '../../../src/core/metrics/notes.js';
import { readMetrics } from '../../../src/core/metrics/read.js';
import { MetricTable } from '../../../src/core/metrics/table.js';
import { Locator } from '../../../src/core/metrics/text.js';
import type { MetricValue } from '../../../src/core/metrics/types.js';

/**
 * The JSON reader checks duplicate keys per object and parses numbers itself (issue 12). The
 * oracle here is the general path: the whole tree, then flattenTree with one check over every
 * key. Both must give the same metrics, positions and notes.
 */
function general(text: string) {
  const parsed = parseJsonTree(text);
  if (!parsed.ok || parsed.tree.kind !== 'map') throw new Error(`not an object: ${text}`);
  const locator = new Locator(text);
  const notes = new Notes();
  const collector = new MetricCollector(locator, notes);
  flattenTree(parsed.tree, collector, notes, locator);
  return { metrics: [...collector.metrics.values()], notes: notes.done() };
}

function streamed(text: string) {
  const read = readMetrics('m.json', text);
  if (!read.ok) throw new Error(read.error.message);
  return { metrics: [...read.value.metrics.values()], notes: read.value.notes };
}

const sameAsGeneral = (text: string) => expect(streamed(text)).toEqual(general(text));

describe('duplicate keys, checked per object', () => {
  it.each([
    ['one key twice in an object', '{"g": {"a": 1, "b": 2, "a": 3}}'],
    ['a dotted key after the nested one', '{"a": {"b": 2}, "a.b": 1}'],
    ['a dotted key before the nested one', '{"a.b": 1, "a": {"b": 2}}'],
    ['an object key given twice', '{"a": {"x": 1}, "a": {"x": 2, "y": 3}}'],
    ['an empty key holding an object', '{"": {"a": 1}, "a": 2}'],
    ['an empty nested key and a trailing dot', '{"a": {"": 1}, "a.": 2}'],
    ['a scalar and an object under one key', '{"a": 1, "a": {"x": 2}}'],
    ['the same names in different objects', '{"g1": {"a": 1}, "g2": {"a": 2}, "a": 3}'],
  ])('%s: as the general reader', (_, text) => {
    sameAsGeneral(text);
  });

  it('notes the dotted-key duplicate, with the first line, and keeps the first place', () => {
    const text = '{\n  "a": {"b": 2},\n  "c": 0,\n  "a.b": 1\n}';
    const { metrics, notes } = streamed(text);
    expect(metrics.map((e) => [e.key, e.value, e.line])).toEqual([
      ['a.b', { kind: 'number', value: 1 }, 4],
      ['c', { kind: 'number', value: 0 }, 3],
    ]);
    expect(notes.map((n) => n.message)).toEqual(['`a.b` appears twice (first on line 2); the later value is used.']);
  });

  it('matches the general reader on random objects with colliding keys', () => {
    const draw = createRandom(12);
    const pick = <T>(items: readonly T[]): T => items[draw() % items.length]!;
    const keys = ['a', 'b', '', 'a.b', 'b.a', '.', 'a.', '.a', 'x'];
    const scalars = ['1', '-0', '2.5', '"3%"', '"x"', 'true', 'null', 'NaN', '-Infinity', '[1, 2]', '1e3'];
    const value = (depth: number): string => {
      if (depth < 3 && draw() % 3 === 0) {
        const n = draw() % 4;
        return `{${Array.from({ length: n }, () => `${JSON.stringify(pick(keys))}: ${value(depth + 1)}`).join(', ')}}`;
      }
      return pick(scalars);
    };
    for (let i = 0; i < 2000; i++) {
      const n = 1 + (draw() % 5);
      const text = `{${Array.from({ length: n }, () => `${JSON.stringify(pick(keys))}: ${value(1)}`).join(',\n')}}`;
      expect({ text, ...streamed(text) }).toEqual({ text, ...general(text) });
    }
  });
});

describe('decimalValue', () => {
  const number = (text: string) => decimalValue(text, 0, text.length);

  it.each([
    '0',
    '-0',
    '-0.0',
    '0.1',
    '0.3',
    '1',
    '-1',
    '123456789012345',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '12345678901234567890',
    '0.0000000000000000000001',
    '0.00000000000000000000001',
    '1.7976931348623157',
    '3.141592653589793238462643383279',
    '1e3',
    '-2.5E-3',
    '1.5e+308',
    '5e-324',
  ])('%s: as Number() reads it', (text) => {
    expect(Object.is(number(text), Number(text))).toBe(true);
  });

  it('is Number(text) on 100,000 random decimals', () => {
    const draw = createRandom(99);
    const digits = (n: number) => Array.from({ length: n }, () => String(draw() % 10)).join('');
    for (let i = 0; i < 100_000; i++) {
      const int = draw() % 4 === 0 ? '0' : String(1 + (draw() % 9)) + digits(draw() % 18);
      const frac = draw() % 3 === 0 ? '' : `.${digits(1 + (draw() % 25))}`;
      const text = `${draw() % 2 ? '-' : ''}${int}${frac}`;
      const got = number(text);
      if (!Object.is(got, Number(text))) throw new Error(`${text}: ${got} is not ${Number(text)}`);
    }
  });
});

describe('MetricTable', () => {
  const entry = (key: string, value: MetricValue, line = 1) => ({ key, value, line, column: 2 });

  it('reads like a Map of entries, in order, each kind of value kept', () => {
    const table = MetricTable.of([
      entry('n', { kind: 'number', value: -0 }),
      entry('p', { kind: 'number', value: 0.676, percent: true }),
      entry('i', { kind: 'invalid', raw: 'NaN' }),
      entry('t', { kind: 'text', value: 'yes' }),
    ]);
    expect(table.size).toBe(4);
    expect([...table.keys()]).toEqual(['n', 'p', 'i', 't']);
    const n = table.get('n')!.value;
    expect(n.kind === 'number' && Object.is(n.value, -0)).toBe(true);
    expect([...table].map(([k, e]) => [k, e.value])).toEqual([
      ['n', { kind: 'number', value: -0 }],
      ['p', { kind: 'number', value: 0.676, percent: true }],
      ['i', { kind: 'invalid', raw: 'NaN' }],
      ['t', { kind: 'text', value: 'yes' }],
    ]);
    expect(table.has('x')).toBe(false);
    expect(table.get('x')).toBeUndefined();
  });

  it('keeps a key given twice in its first place with its last value, as a Map does', () => {
    const table = MetricTable.of([entry('a', { kind: 'text', value: 'first' }, 1), entry('b', { kind: 'number', value: 1 }, 2), entry('a', { kind: 'number', value: 3 }, 3)]);
    expect([...table.values()]).toEqual([
      { key: 'a', value: { kind: 'number', value: 3 }, line: 3, column: 2 },
      { key: 'b', value: { kind: 'number', value: 1 }, line: 2, column: 2 },
    ]);
  });

  it('finds keys added after its index was built', () => {
    const table = new MetricTable();
    for (let i = 0; i < 40; i++) table.pushNumber(`m${i}`, i, i + 1, 1);
    expect(table.indexOf('m7')).toBe(7);
    for (let i = 40; i < 100; i++) table.push(`m${i}`, { kind: 'number', value: i }, i + 1, 1);
    expect(table.indexOf('m99')).toBe(99);
    expect(table.get('m64')).toEqual({ key: 'm64', value: { kind: 'number', value: 64 }, line: 65, column: 1 });
    expect(table.indexOf('m100')).toBe(-1);
  });
});
