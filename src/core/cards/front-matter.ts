/**
 * Finds YAML front matter the way the Hugging Face Hub and GitHub do: a `---` line first in the
 * file (after a byte order mark, which the reader already dropped), and the next `---` line.
 * Trailing spaces on either delimiter are tolerated; CRLF line ends work throughout.
 */
export type FrontMatter =
  | { kind: 'none' }
  | { kind: 'unclosed' }
  | {
      kind: 'present';
      /** The YAML between the delimiters (with its final line break). */
      yaml: string;
      /** Lines before the YAML in the file: the opening `---`. */
      yamlLineOffset: number;
      /** 1-based line of the closing `---`. */
      closeLine: number;
      /** Offset in the text where the Markdown body starts. */
      bodyStart: number;
    };

export function extractFrontMatter(text: string): FrontMatter {
  const open = delimiterEnd(text, 0);
  if (open === -1) return { kind: 'none' };
  let closeLine = 2;
  let lineStart = open;
  while (lineStart < text.length) {
    const end = delimiterEnd(text, lineStart);
    if (end !== -1) {
      return { kind: 'present', yaml: text.slice(open, lineStart), yamlLineOffset: 1, closeLine, bodyStart: end };
    }
    const next = text.indexOf('\n', lineStart);
    if (next === -1) break;
    lineStart = next + 1;
    closeLine++;
  }
  return { kind: 'unclosed' };
}

/**
 * When a `---` delimiter line starts at `start`, the offset just past its line break (or the
 * end of the text); otherwise -1.
 */
function delimiterEnd(text: string, start: number): number {
  if (!text.startsWith('---', start)) return -1;
  let i = start + 3;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i === text.length) return i;
  if (text[i] === '\n') return i + 1;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  return -1;
}
