import { describe, expect, test } from '@jest/globals';
import { extractFrontMatter } from '../../../src/core/cards/front-matter.js';
import { brief, check } from './helpers.js';

/** Positions are exact in the file as committed: front matter offset, CRLF line ends, a BOM. */
describe('positions in the original file', () => {
  const lf = '---\nlanguage: en\nlicense: MIT\n---\n# Model\n\nMore information needed\n';

  test('LF', () => {
    expect(brief(check(lf).findings)).toEqual(['3:10 error card/invalid-license', '7:1 warning card/unfilled-template']);
  });

  test('CRLF line ends give the same lines and columns', () => {
    expect(brief(check(lf.replace(/\n/g, '\r\n')).findings)).toEqual(['3:10 error card/invalid-license', '7:1 warning card/unfilled-template']);
  });

  test('a UTF-8 BOM (as bytes or as text) does not shift anything', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lf.replace(/\n/g, '\r\n'))]);
    expect(brief(check(bom).findings)).toEqual(['3:10 error card/invalid-license', '7:1 warning card/unfilled-template']);
    expect(brief(check(`\ufeff${lf}`).findings)).toEqual(['3:10 error card/invalid-license', '7:1 warning card/unfilled-template']);
  });

  test('a BOM before a YAML card: columns on line 1 do not count it', () => {
    expect(brief(check(Buffer.from('\ufefflicense: MIT\n'), 'models/demo/model_card.yml').findings)).toEqual(['1:10 error card/invalid-license']);
  });

  test('the slow YAML path (tabs, aliases, multi-line values) gives the same positions', () => {
    const slow = '---\r\nnote: "two\r\n  lines"\r\nlicense: MIT\r\n---\r\n# Model\r\n';
    expect(brief(check(slow).findings)).toEqual(['4:10 error card/invalid-license']);
  });

  test('columns count UTF-16 code units, as editors and the LSP do (an emoji is two)', () => {
    expect(brief(check('---\ntags: [ünïcödé, 😀, 3]\n---\n').findings)).toEqual(['2:21 error card/non-string-item']);
  });

  test('delimiters may carry trailing spaces', () => {
    expect(brief(check('---  \nlicense: MIT\n--- \t\n# M\n').findings)).toEqual(['2:10 error card/invalid-license']);
  });

  test('a --- line in the body (a rule or setext heading) is not front matter', () => {
    expect(brief(check('---\nlicense: mit\n---\nTitle\n---\nMore information needed\n').findings)).toEqual(['6:1 warning card/unfilled-template']);
  });

  test('front matter must start on line 1', () => {
    expect(brief(check('\n---\nlicense: MIT\n---\n').findings)).toEqual(['1:1 warning card/no-metadata']);
  });
});

describe('extractFrontMatter', () => {
  test('splits YAML and body', () => {
    expect(extractFrontMatter('---\na: 1\n---\nbody\n')).toEqual({ kind: 'present', yaml: 'a: 1\n', yamlLineOffset: 1, closeLine: 3, bodyStart: 13 });
  });

  test('an empty front matter, and one at the end of the file', () => {
    expect(extractFrontMatter('---\n---\n')).toEqual({ kind: 'present', yaml: '', yamlLineOffset: 1, closeLine: 2, bodyStart: 8 });
    expect(extractFrontMatter('---\r\na: 1\r\n---')).toEqual({ kind: 'present', yaml: 'a: 1\r\n', yamlLineOffset: 1, closeLine: 3, bodyStart: 14 });
  });

  test('none, and unclosed', () => {
    expect(extractFrontMatter('# Title\n---\n')).toEqual({ kind: 'none' });
    expect(extractFrontMatter('----\na\n---\n')).toEqual({ kind: 'none' });
    expect(extractFrontMatter('---\na: 1\n')).toEqual({ kind: 'unclosed' });
    expect(extractFrontMatter('---')).toEqual({ kind: 'unclosed' });
  });
});
