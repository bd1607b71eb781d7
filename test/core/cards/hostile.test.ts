import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { MAX_CARD_BYTES } from '../../../src/core/cards/read.js';
import { describeWith, sharedMissing } from '../../helpers/prerequisite.js';
import { brief, check, CORPUS } from './helpers.js';

/** Each hostile input gives exactly one clear finding, and never a crash or a hang. */

function only(report: ReturnType<typeof check>): string {
  expect(report.findings).toHaveLength(1);
  return brief(report.findings)[0]!;
}

describe('size', () => {
  test('a 2 MiB string', () => {
    const report = check('a'.repeat(2 * 1024 * 1024));
    expect(only(report)).toBe('1:1 error card/file-too-large');
    expect(report.findings[0]!.message).toBe('The file is larger than 1 MiB, the limit for a model card.');
    expect(report.format).toBeNull();
    expect(report.model).toEqual({ name: 'demo', version: null, source: 'folder' });
  });

  test('2 MiB of bytes, and the cap plus one byte (what the file readers pass on)', () => {
    expect(only(check(new Uint8Array(2 * 1024 * 1024).fill(0x61)))).toBe('1:1 error card/file-too-large');
    expect(only(check(new Uint8Array(MAX_CARD_BYTES + 1).fill(0x61)))).toBe('1:1 error card/file-too-large');
  });

  test('a string under 1 Mi characters but over 1 MiB of UTF-8', () => {
    expect(only(check('€'.repeat(400_000)))).toBe('1:1 error card/file-too-large');
  });

  test('exactly 1 MiB is read', () => {
    const text = card1MiB();
    expect(Buffer.byteLength(text)).toBe(MAX_CARD_BYTES);
    expect(brief(check(text).findings)).toEqual(['1:1 warning card/no-metadata']);
  });
});

function card1MiB(): string {
  const head = '# Model\n\n';
  return head + 'x'.repeat(MAX_CARD_BYTES - head.length);
}

describe('bytes that are not a text card', () => {
  test('a NUL byte: binary content, at its line', () => {
    const report = check(Buffer.from('---\nlicense: mit\n---\nab\0cd\n'));
    expect(only(report)).toBe('4:3 error card/binary-content');
    expect(report.findings[0]!.message).toBe('The file holds binary data (a NUL byte at line 4).');
  });

  test('a PNG', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(only(check(png))).toBe('3:1 error card/binary-content');
  });

  test('a NUL in a string', () => {
    expect(only(check('a\0'))).toBe('1:2 error card/binary-content');
  });

  test('invalid UTF-8 (Latin-1 é), at its position', () => {
    const report = check(Buffer.from([...Buffer.from('---\nlicense: mit\n---\ncaf'), 0xe9, 0x0a]));
    expect(only(report)).toBe('4:4 error card/invalid-encoding');
    expect(report.findings[0]!.message).toBe('The file is not valid UTF-8 (byte 0xe9 at offset 24).');
  });

  test.each([
    ['a lone continuation byte', [0x61, 0x80], '1:2'],
    ['an overlong encoding', [0x61, 0xc0, 0xaf], '1:2'],
    ['an encoded surrogate', [0x0a, 0xed, 0xa0, 0x80], '2:1'],
    ['a sequence cut short at the end', [0xc3, 0xa9, 0xe2, 0x82], '1:2'],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '1:1'],
  ])('%s', (_name, bytes, at) => {
    expect(only(check(new Uint8Array(bytes)))).toBe(`${at} error card/invalid-encoding`);
  });

  test('UTF-16 is not UTF-8 (it has NUL bytes)', () => {
    expect(only(check(Buffer.from('\ufeff# Model', 'utf16le')))).toBe('1:4 error card/binary-content');
  });
});

describe('empty files', () => {
  test.each([
    ['an empty string', ''],
    ['zero bytes', new Uint8Array(0)],
    ['whitespace only', ' \n\t\r\n  \n'],
    ['a byte order mark only', Buffer.from([0xef, 0xbb, 0xbf])],
    ['a BOM and blank lines', '\ufeff\n\n'],
  ])('%s', (_name, content) => {
    const report = check(content);
    expect(only(report)).toBe('1:1 error card/empty-file');
    expect(report.format).toBeNull();
  });
});

describe('alias bombs', () => {
  function bomb(levels: number): string {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < levels; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    return lines.join('\n');
  }

  // The finding points at the alias whose expansion passes the limit: here the last `*e` of `f`.
  test('billion laughs in front matter: one finding', () => {
    const report = check(`---\n${bomb(9)}\n---\n# Model\n`);
    expect(only(report)).toBe('7:32 error card/too-many-aliases');
    expect(report.findings[0]!.message).toBe('YAML aliases expand the metadata by more than 10,000 values (an alias bomb).');
  });

  test('in a YAML card', () => {
    expect(only(check(bomb(12), 'models/demo/model_card.yml'))).toBe('6:32 error card/too-many-aliases');
  });

  test('a wide bomb: many aliases to a large node', () => {
    const big = `big: &big [${Array(200).fill('x').join(', ')}]
`;
    expect(only(check(`${big}copies: [${Array(100).fill('*big').join(', ')}]\n`, 'models/demo/model_card.yml'))).toMatch(/^2:\d+ error card\/too-many-aliases$/);
  });

  test('an alias inside the node it names', () => {
    const report = check('a: &a [x, *a]\n', 'models/demo/model_card.yml');
    expect(only(report)).toBe('1:11 error card/too-many-aliases');
    expect(report.findings[0]!.message).toBe('A YAML alias refers to a node that contains it, so it expands forever.');
  });

  test('aliases that nest deeper than 100 levels', () => {
    const lines = ['l0: &l0 [x]'];
    for (let i = 1; i <= 120; i++) lines.push(`l${i}: &l${i} [*l${i - 1}]`);
    expect(only(check(lines.join('\n'), 'models/demo/model_card.yml'))).toMatch(/^\d+:\d+ error card\/nesting-too-deep$/);
  });

  test('30,000 aliases of scalars are fine (and fast)', () => {
    const text = `${Array.from({ length: 15_000 }, (_, i) => `k${i}: &a${i} v`).join('\n')}\n${Array.from({ length: 15_000 }, (_, i) => `r${i}: *a${i}`).join('\n')}\n`;
    expect(check(text, 'models/demo/model_card.yml').findings).toEqual([]);
  });

  test('a few aliases to small values are fine, and are followed by the checks', () => {
    const report = check(card('license: &l mit\nlicense_name: *l\nextra: &e {a: 1}\nmore: *e\ntags: [*l, ok]'));
    expect(brief(report.findings)).toEqual([]);
    const aliased = check(card('x: &t 42\ntags: [a, *t]'));
    expect(brief(aliased.findings)).toEqual(['3:11 error card/non-string-item']);
  });
});

function card(frontMatter: string): string {
  return `---\n${frontMatter}\n---\n# Model\n`;
}

describe('deep nesting', () => {
  // Positions are where the 101st level opens: under `a:` (level 1), the 100th bracket.
  test('5,000 nested [ in front matter', () => {
    expect(only(check(`---\na: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\n`))).toBe('2:103 error card/nesting-too-deep');
  });

  test('5,000 unclosed [', () => {
    expect(only(check(`---\na: ${'['.repeat(5000)}\n---\n`))).toBe('2:103 error card/nesting-too-deep');
  });

  test('a 500,000-deep [ stops early (the YAML parser would take seconds)', () => {
    expect(only(check('['.repeat(500_000), 'models/demo/model_card.yaml'))).toBe('1:101 error card/nesting-too-deep');
  });

  test('5,000 nested {', () => {
    expect(only(check(`---\na: ${'{a: '.repeat(5000)}\n---\n`))).toBe('2:400 error card/nesting-too-deep');
  });

  test('5,000-deep block sequences (- - - …)', () => {
    expect(only(check(`---\na:\n${'- '.repeat(5000)}x\n---\n`))).toBe('3:199 error card/nesting-too-deep');
  });

  test('1,000-deep indented block mappings', () => {
    let yaml = '';
    for (let i = 0; i < 1000; i++) yaml += `${' '.repeat(i)}k${i}:\n`;
    // The 101st mapping opens at the `:` of key k100 (line 101, indented 100).
    expect(only(check(yaml, 'models/demo/model_card.yml'))).toBe('101:105 error card/nesting-too-deep');
  });

  test('5,000 nested [ in a JSON card', () => {
    expect(only(check('['.repeat(5000) + ']'.repeat(5000), 'models/demo/model_card.json'))).toBe('1:101 error card/nesting-too-deep');
  });

  test('100 levels are allowed', () => {
    const deep = `---\ndeep: ${'['.repeat(99)}${']'.repeat(99)}\n---\n# M\n`;
    expect(brief(check(deep).findings)).toEqual([]);
  });
});

const corpusMissing = sharedMissing('corpus/model-cards/');
describeWith('mangled real cards never crash the validator', corpusMissing, () => {
  const cards = (corpusMissing ? [] : readdirSync(CORPUS))
    .filter((f) => /^card-\d+\.(md|json)$/.test(f))
    .map((f) => ({ name: f, text: readFileSync(new URL(f, CORPUS), 'utf8') }));
  const pieces = ['---', '\n', '\t', ':', '- ', '[', ']', '{', '}', '"', "'", '&a ', '*a', '!!', '|', '#', '\r', '\u2028', '\ufeff', '`', '<!--', '```'];

  test('800 random edits', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 800; i++) {
      const { name, text } = cards[i % cards.length]!;
      let mangled = text;
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(random() * mangled.length);
        mangled = random() < 0.5 ? mangled.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + mangled.slice(at) : mangled.slice(0, at) + mangled.slice(at + 1 + Math.floor(random() * 20));
      }
      const report = check(mangled, `models/x/${name}`);
      const internal = report.findings.filter((f) => f.rule === 'card/validator-error');
      expect({ name, i, internal }).toEqual({ name, i, internal: [] });
      for (const f of report.findings) {
        expect(Number.isInteger(f.line) && f.line >= 1 && Number.isInteger(f.column) && f.column >= 1).toBe(true);
        expect(f.message).not.toMatch(/[\r\n\u2028]/);
      }
    }
  });
});

describe('pathological text that would make a backtracking regex or a quadratic scan hang', () => {
  // No timing assertions: a catastrophic case would not finish within the test timeout.
  test('a metric value of 300,000 digits and a letter', () => {
    const value = `${'1'.repeat(300_000)}x`;
    const text = `---\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: d, name: D}\n    metrics:\n    - {type: acc, value: ${value}}\n---\n`;
    expect(brief(check(text).findings)).toEqual(['8:26 warning card/non-numeric-metric']);
  });

  test('500,000 tabs on one line', () => {
    const text = `---\ntags: [a,${'\t'.repeat(500_000)}b]\n---\n`;
    expect(brief(check(text).findings)).toEqual(['2:10 warning card/tab-indentation']);
  });

  test('a 900 KB model name and a 900 KB license', () => {
    const report = check(`---\nmodelgate: {model: "${'A-'.repeat(450_000)}"}\n---\n`);
    expect(brief(report.findings)).toEqual(['2:20 error modelgate/invalid-identity']);
    expect(brief(check(`---\nlicense: ${'x'.repeat(900_000)}\n---\n`).findings)).toEqual(['2:10 error card/invalid-license']);
  });

  test('a 400 KB language code and a 400 KB pipeline tag', () => {
    expect(brief(check(`---\nlanguage: ${'e-'.repeat(200_000)}n\npipeline_tag: ${'t'.repeat(400_000)}\n---\n`).findings)).toEqual([
      '2:11 warning card/invalid-language',
      '3:15 warning card/unknown-pipeline-tag',
    ]);
  });

  test('one-megabyte lines in the body', () => {
    const text = `---\nlicense: mit\n---\n${'='.repeat(300_000)}x\n${'-'.repeat(300_000)}\n${'<!--'.repeat(50_000)}\n`;
    expect(brief(check(text).findings)).toEqual([]);
  });
});
