import { describe, expect, it } from '@jest/globals';
import { truncate } from '../../../src/core/common/index.js';
import { escapeMarkdown, inlineCode } from '../../../src/render/markdown/escape.js';
import { didYouMean, editDistance } from '../../../src/core/common/suggest.js';

describe('escapeMarkdown', () => {
  it('stops mentions from pinging', () => {
    expect(escapeMarkdown('ping @org/team')).toBe('ping @\u200dorg/team');
  });
  it('neutralises raw HTML', () => {
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).toBe('&lt;img src\\=x onerror\\=alert\\(1\\)&gt;');
  });
  it('cannot break out of a table row or start a block', () => {
    expect(escapeMarkdown('a | b\n# heading\r\n```')).toBe('a \\| b \\# heading \\`\\`\\`');
  });
  it('escapes link syntax', () => {
    expect(escapeMarkdown('[x](javascript:alert)')).toBe('\\[x\\]\\(javascript\\:alert\\)');
  });
});

describe('inlineCode', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(inlineCode('a``b')).toBe('```a``b```');
    expect(inlineCode('`x')).toBe('`` `x ``');
  });
  it('escapes pipes only inside tables', () => {
    expect(inlineCode('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(inlineCode('a|b')).toBe('`a|b`');
  });
  it('keeps code on one line', () => {
    expect(inlineCode('a\nb')).toBe('`a b`');
  });
});

describe('truncate', () => {
  it('leaves short text alone and cuts long text with an ellipsis', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
  });
  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});

describe('didYouMean', () => {
  it('finds close candidates and ignores far ones', () => {
    expect(didYouMean('licence', ['license', 'language'])).toBe('license');
    expect(didYouMean('pipline_tag', ['pipeline_tag', 'tags'])).toBe('pipeline_tag');
    expect(didYouMean('zzz', ['license'])).toBeUndefined();
  });
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
