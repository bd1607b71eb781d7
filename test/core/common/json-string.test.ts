import { describe, expect, it } from '@jest/globals';
import { decodeJsonString } from '../../../src/core/common/json-string.js';

describe('decodeJsonString', () => {
  it('decodes plain text and every escape, and reports where the literal ends', () => {
    const text = 'x"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9"y';
    expect(decodeJsonString(text, 1)).toEqual({ ok: true, value: 'a"b\\c/d\b\f\n\r\té', end: text.length - 1 });
    expect(decodeJsonString('""', 0)).toEqual({ ok: true, value: '', end: 2 });
  });

  it('keeps surrogate pairs written as two escapes', () => {
    expect(decodeJsonString('"\\ud83d\\ude00"', 0)).toMatchObject({ ok: true, value: '😀' });
  });

  it('names each problem and its offset', () => {
    expect(decodeJsonString('"abc', 0)).toEqual({ ok: false, kind: 'unterminated', offset: 0 });
    expect(decodeJsonString('"a\nb"', 0)).toEqual({ ok: false, kind: 'control-character', offset: 2 });
    expect(decodeJsonString('"a\\u12g4"', 0)).toEqual({ ok: false, kind: 'bad-unicode-escape', offset: 2 });
    expect(decodeJsonString('"a\\x"', 0)).toEqual({ ok: false, kind: 'bad-escape', offset: 2, escape: '\\x' });
    expect(decodeJsonString('"a\\', 0)).toEqual({ ok: false, kind: 'bad-escape', offset: 2, escape: '\\' });
  });
});
