import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { fastParse, resolvePlain } from '../../../src/core/cards/fast-yaml.js';
import { extractFrontMatter } from '../../../src/core/cards/front-matter.js';
import { describeWith, sharedMissing } from '../../helpers/prerequisite.js';
import { CORPUS } from './helpers.js';

/**
 * The fast path must build exactly what `yaml` builds — same values, scalar styles and positions —
 * or give up. These tests hold it to `yaml` on the corpus, on tricky snippets and on generated
 * documents.
 */

/** A comparable description of a node tree: kinds, values, scalar styles, anchors, start offsets. */
function shape(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return { alias: node.source, at: node.range?.[0], end: node.range?.[1] };
  const anchor = (node as { anchor?: string }).anchor;
  if (isScalar(node)) {
    const v = node.value;
    return { s: typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v, t: node.type, anchor, at: node.range?.[0], end: node.range?.[1] };
  }
  if (isSeq(node)) return { seq: node.items.map(shape), anchor, at: node.range?.[0], flow: Boolean(node.flow) };
  if (isMap(node)) return { map: node.items.map((p) => (isPair(p) ? [shape(p.key), shape(p.value)] : '?')), anchor, at: node.range?.[0], flow: Boolean(node.flow) };
  return 'other';
}

function duplicateKeyOffsets(root: unknown): number[] {
  const out: number[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) out.push(pair.key.range![0]);
          seen.add(pair.key.value);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return out.sort((x, y) => x - y);
}

/** Returns whether the fast path handled `text`; when it did, it must match `yaml` exactly. */
function agrees(text: string): boolean {
  const fast = fastParse(text);
  // As the validator parses: duplicate keys are kept (and reported by the validator, not `yaml`).
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (!fast) return false;
  expect({ text, errors: doc.errors.map((e) => e.code) }).toEqual({ text, errors: [] });
  expect({ text, tree: shape(fast.root) }).toEqual({ text, tree: shape(doc.contents) });
  // The duplicate keys it notes are as many as `yaml`'s own check finds, and at the same keys of
  // `yaml`'s tree as the validator's walk finds on the slow path.
  const unique = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  expect({ text, duplicates: fast.duplicates.length }).toEqual({ text, duplicates: unique.errors.filter((e) => e.code === 'DUPLICATE_KEY').length });
  expect({ text, at: fast.duplicates.map((k) => k.range![0]).sort((x, y) => x - y) }).toEqual({ text, at: duplicateKeyOffsets(doc.contents) });
  // Line starts agree too: positions are computed from them.
  const lines = text.split('\n').length;
  for (let line = 1; line <= lines; line++) {
    const offset = text.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    expect(fast.counter.linePos(offset)).toEqual({ line, col: 1 });
  }
  return true;
}

describeWith('fastParse agrees with yaml on the shared corpus', sharedMissing('corpus/model-cards/'), () => {
  test('on the front matter of every corpus card it handles (and it handles most)', () => {
    let handled = 0;
    let total = 0;
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.md'))) {
      const fm = extractFrontMatter(readFileSync(new URL(file, CORPUS), 'utf8'));
      if (fm.kind !== 'present') continue;
      total++;
      if (agrees(fm.yaml)) handled++;
    }
    expect(total).toBe(33);
    // Given up on: card-14 and -25 (syntax errors), -22 (multi-line flow), -24 (tab), -34 (multi-line quotes).
    expect(handled).toBe(28);
  });
});

describe('fastParse agrees with yaml', () => {
  const snippets: string[] = [
    'a: 1\nb: two\nc: 3.5\n',
    'n1: ~\nn2: null\nn3: Null\nn4: NULL\nn5:\nn6: nil\n',
    'b1: true\nb2: True\nb3: TRUE\nb4: false\nb5: yes\nb6: No\nb7: on\nb8: tRUE\n',
    'i1: 0o17\ni2: 0x1F\ni3: +7\ni4: -0\ni5: 007\ni6: 1_000\ni7: 0b101\ni8: 12345678901234567890\n',
    'f1: 1e3\nf2: .5\nf3: 1.\nf4: -1.5e-3\nf5: .inf\nf6: -.Inf\nf7: .NaN\nf8: +.INF\nf9: 1.0\nf10: 6.02E+23\n',
    'q1: "a \\"b\\" \\\\ \\/ \\t \\n \\u00e9 \\x41 \\U0001F600 \\0 \\_ \\N \\L \\P"\nq2: \'it\'\'s\'\nq3: ""\nq4: \'\'\n',
    '"quoted key": 1\n\'single key\': 2\n"": empty\n',
    'url: https://example.com/a#b?c=d\nhash: a#b\ncomment: a # not part\ntrail: value   \n',
    'k: v # comment\n# full line\n  # indented comment\n\nk2: v2\n',
    'list:\n- a\n- b\nnext: 1\n',
    'list:\n  - a\n  -   b\nnested:\n  deep:\n    deeper: x\n  back: y\n',
    'model-index:\n- name: m\n  results:\n  - task:\n      type: text-classification\n    metrics:\n    - type: acc\n      value: 0.5\n    - type: f1\n      value: NA\n',
    '- a\n- - b\n',
    '- a: 1\n  b: 2\n- c: 3\n-\n- \n- # c\n',
    'flow: [a, 1, "x", \'y\', 2.5, true, ~]\nempty: []\nmap: {}\ntrailing: [a, b, ]\nspaced: [ a , b ]\n',
    'pct: [19.47%, 6.66%]\nneg: -1\nq: ?x\ncolon: a:b\n',
    'a: 1\r\nb:\r\n  - x\r\n  - y\r\n',
    'key   : spaced\n1: int key\ntrue: bool key\n',
    'a:\n  - b\n  - c\nd:\n- e\n',
    'top:\n    four: spaces\n    list:\n        - x\n',
    '  indented: root\n  second: 2\n',
    'x: "line\n  continued"\n',
    "x: 'line\n  continued'\n",
    'x: plain\n  continued\n',
    'x: |\n  block\n',
    'x: >-\n  folded\n',
    'a: &anchor 1\nb: *anchor\n',
    'a: &m\n  x: 1\nb: *m # c\nc: [*m, &s q, *s]\nd: {e: *m, f: &t "x"}\n',
    '- &a x\n- *a\n- &l\n  - y\n- &m\n  k: v\nk: &s\n- z\n',
    'a: &x.y-z_1 v\nb: *x.y-z_1\n',
    'a: &a\nb: 1\n',
    'a: &a # c\n  b: 1\n',
    'a: &a &b x\n',
    'a: &a *b\n',
    'a: *a b\n',
    'a: *a:\n',
    'a: &a&b x\n',
    'a: &ä x\n',
    '*a : v\n',
    '&a k: v\n',
    'a: [&a, b]\n',
    'a: [*a,b, *c]\n',
    'a: !!str 1\n',
    'a: 1\na: 2\n',
    'a: b: c\n',
    'a:\tb\n',
    '---\na: 1\n',
    'a: 1\n...\n',
    '? complex\n: key\n',
    'a: [b, [c]]\n',
    'a: {b: c}\n',
    'a: {b: c, "d": \'e\', f: [g, {h: 1}], i: {}, j: []}\n',
    'a: {b: c, }\nb: { x : 1 }\nc: {"q":1}\nd: {x:1}\ne: {a: b c, d: 1.5e3}\n',
    'm: [{type: accuracy, value: 0.9}, {type: f1, value: NA}]\n- x\n',
    '- {type: accuracy, value: 0.9}\n- [a, [b, [c]]]\n',
    'a: {b: c\n',
    'a: {b}\n',
    'a: {b: }\n',
    'a: {b: c: d}\n',
    'a: {b: c,, d: e}\n',
    'a: {b: c] \n',
    'a: [b: c]\n',
    'a: [b, {c: d]]\n',
    'a: {url: https://x.y/z}\n',
    'a: [https://x.y/z, a:b]\n',
    'a: {? b: c}\n',
    'a: {b: c} # comment\n',
    'a: {b: c} d\n',
    'a: {b #: c}\n',
    'a: {b: [c #]}\n',
    'a: [b,\n  c]\n',
    '- -\n',
    'key: -\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: "unterminated\n',
    'just a scalar\n',
    '',
    '\n\n',
    '# only a comment\n',
    'a: 1\n  b: 2\n',
    'a:\n  b: 1\n c: 2\n',
    '- a\nb: 1\n',
    `long: ${'x'.repeat(2000)}\n`,
    `${'k'.repeat(1100)}: v\n`,
    'a: "\\q"\n',
    'a: "\\u12"\n',
    'a: @foo\n',
    'a: `x`\n',
    'a: x\r',
    'emoji: 😀 ok\nbidi: a\u202eb\n',
  ];

  test.each(snippets.map((s) => [JSON.stringify(s).slice(0, 60), s]))('%s', (_name, text) => {
    agrees(text);
  });

  test('gives up on what it does not handle', () => {
    const giveUp = [
      'x: "line\n  continued"\n',
      'x: plain\n  continued\n',
      'x: |\n  block\n',
      'a: &anchor\nb: 1\n',
      'a: *a b\n',
      'a:\tb\n',
      '---\na: 1\n',
      'a: {b}\n',
      'a: {url: https://x.y/z}\n',
      'a: [b,\n  c]\n',
      'just a scalar\n',
      'a: x\r',
      '- - b\n',
    ];
    for (const text of giveUp) expect({ text, parsed: fastParse(text) }).toEqual({ text, parsed: null });
  });

  test('handles one-line flow mappings, nested flow collections, anchors, aliases and duplicate keys', () => {
    // What large hostile cards use to reach the slower general parser (and its work budget).
    const handled = [
      'a: {b: c, "d": \'e\', f: [g, {h: 1}], i: {}, j: []}\n',
      'm: [{type: accuracy, value: 0.9}, {type: f1, value: NA}]\n',
      '- {type: accuracy, value: 0.9}\n- [a, [b, [c]]]\n',
      'a: &m\n  x: 1\nb: *m # c\nc: [*m, &s q, *s]\nd: {e: *m, f: &t "x"}\n',
      'l: &l\n- y\nm:\n- &n\n  k: v\n- *n\n',
      'a: 1\na: 2\nb: {x: 1, "x": 2, y: [{z: 1, z: 2}]}\nc:\n  a: 1\n  a: 1\n',
      `k: ${'['.repeat(99)}${']'.repeat(99)}\n`,
    ];
    for (const text of handled) expect({ text, handled: agrees(text) }).toEqual({ text, handled: true });
    // 101 levels in all are for the general parser to report.
    expect(fastParse(`k: ${'['.repeat(100)}${']'.repeat(100)}\n`)).toBeNull();
  });

  test('on generated documents', () => {
    let seed = 12345;
    const random = (): number => {
      // mulberry32: deterministic, so a failure reproduces.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const keys = ['a', 'b', 'name', 'model-index', 'type', 'value', '"q k"', "'s k'", '1', 'true', 'key with space', 'null', 'ünï', 'x.y'];
    const scalars = [
      'text', 'two words', '1', '-2', '3.5', '1e3', '.5', '0o17', '0x1F', '+7', '007', '1_000', '1.', '~', 'null', 'Null', 'true', 'FALSE',
      'yes', 'No', '.inf', '-.INF', '.nan', '"a\\"b"', '"tab\\t"', '"\\u00e9"', "'it''s'", '""', "''", 'a#b', 'a # comment', '[a, 1, "x"]',
      '[]', '{}', '[a, b, ]', '67.6%', '-x', 'https://x.y/z?q=1', 'acc@1', 'v: w', '- x', '"open', '@at', '!tag x', '*alias', '&anchor x',
      '{a: 1, "b": x}', '[{t: a, v: 0.5}, [b, []]]', '{k: [1, 2], m: {}}', '&an [x, *an]', '*an', '&an2 "q"', '{a: b', '[a, {b}]',
    ];
    const block = (depth: number, indent: number): string[] => {
      const pad = ' '.repeat(indent);
      const lines: string[] = [];
      const asSeq = random() < 0.4;
      const n = 1 + Math.floor(random() * 4);
      const used = new Set<string>();
      for (let i = 0; i < n; i++) {
        if (random() < 0.1) lines.push(pick(['', `${pad}# note`, '   ']));
        const nested = depth < 4 && random() < 0.35;
        if (asSeq) {
          if (nested) {
            if (random() < 0.5) {
              const inner = block(depth + 1, indent + 2);
              lines.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
            } else lines.push(`${pad}-`, ...block(depth + 1, indent + 2));
          } else lines.push(`${pad}- ${pick(scalars)}`);
        } else {
          let key = pick(keys);
          while (used.has(key) && used.size < keys.length) key = pick(keys);
          used.add(key);
          if (nested) lines.push(`${pad}${key}:`, ...block(depth + 1, random() < 0.3 && indent >= 0 ? indent : indent + pick([2, 4])));
          else lines.push(`${pad}${key}: ${pick(scalars)}${random() < 0.1 ? ' # c' : ''}`);
        }
      }
      return lines;
    };
    let handled = 0;
    const total = 600;
    for (let i = 0; i < total; i++) {
      const crlf = random() < 0.15;
      const text = block(0, 0).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
      if (agrees(text)) handled++;
    }
    // Enough documents take the fast path for the comparison to mean something.
    expect(handled).toBeGreaterThan(total / 3);
  });
});

describe('resolvePlain follows the YAML 1.2 core schema', () => {
  test.each([
    ['~', null],
    ['', null],
    ['Null', null],
    ['nul', 'nul'],
    ['True', true],
    ['tRue', 'tRue'],
    ['yes', 'yes'],
    ['0o17', 15],
    ['0x1f', 31],
    ['-12', -12],
    ['1_000', '1_000'],
    ['1.5e3', 1500],
    ['.5', 0.5],
    ['-.inf', -Infinity],
    ['67.6%', '67.6%'],
  ])('%s', (source, value) => {
    expect(resolvePlain(source)).toBe(value);
  });

  test('.nan', () => {
    expect(resolvePlain('.NaN')).toBeNaN();
  });
});
