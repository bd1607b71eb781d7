import { describe, expect, test } from '@jest/globals';
import { normalizeHeading, scanBody } from '../../../src/core/cards/body.js';

const headings = (text: string) => scanBody(text, 0).headings.map((h) => h.key);

describe('scanBody', () => {
  test('ATX headings of every level, with closing #s', () => {
    expect(headings('# One\n## Two ##\n   ### Three\n###### Six\n####### Seven\n#NoSpace\n    # indented code\n')).toEqual(['one', 'two', 'three', 'six']);
  });

  test('setext headings', () => {
    expect(headings('Title\n=====\n\nSub title\n---\n\n- list item\n---\n')).toEqual(['title', 'sub title']);
  });

  test('not inside fenced code (``` or ~~~, unclosed to the end) or HTML comments', () => {
    expect(headings('```\n# a\n```\n# b\n~~~~\n# c\n~~~\n# d\n~~~~\n<!-- # e -->\n<!--\n# f\n-->\n# g\n````\n# h\n')).toEqual(['b', 'g']);
  });

  test('offsets and hidden ranges', () => {
    const scan = scanBody('x\n# H\n```\ncode\n```\n<!-- c -->\n', 0);
    expect(scan.headings).toEqual([{ key: 'h', offset: 2 }]);
    expect(scan.hidden).toEqual([
      [6, 18],
      [19, 29],
    ]);
  });

  test('normalizeHeading', () => {
    expect(normalizeHeading('  **Intended  Use**: ')).toBe('intended use');
    expect(normalizeHeading('`Limitations`::')).toBe('limitations');
    expect(normalizeHeading('<a name="x"></a>[Usage](#usage)')).toBe('usage');
  });

  test('long lines of spaces and hashes stay linear', () => {
    const hostile = `# a${' '.repeat(200_000)}b\n${'#'.repeat(6)} ${'['.repeat(100_000)}\n`;
    expect(headings(hostile)).toHaveLength(2);
  });
});
