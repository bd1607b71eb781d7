import { describe, expect, test } from '@jest/globals';
import { displayPath } from '../../src/node/paths.js';

describe('displayPath', () => {
  test('inside the root: relative, forward slashes', () => {
    expect(displayPath('/repo', '/repo/models/a/README.md')).toBe('models/a/README.md');
  });
  test('the root itself is "."', () => {
    expect(displayPath('/repo', '/repo')).toBe('.');
  });
  test('outside the root: a ../ path', () => {
    expect(displayPath('/repo', '/other/card.md')).toBe('../other/card.md');
  });
});
