/**
 * A light Markdown scan of a card's body: its headings, and the stretches that are not rendered
 * as prose (fenced code, HTML comments). Follows CommonMark where it matters here: ATX headings
 * need a space after the `#`s, setext headings are underlined with `===` or `---`, fenced code
 * runs to a matching fence (or the end), and nothing in code or comments is a heading.
 */
export interface Heading {
  /** The heading text, normalised with `normalizeHeading`. */
  key: string;
  offset: number;
}

export interface BodyScan {
  headings: Heading[];
  /** Offset ranges [start, end) of fenced code and HTML comments. */
  hidden: [number, number][];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX_START = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;
const NOT_PARAGRAPH = /^ {0,3}(?:[>|]|[-*+][ \t]|\d{1,9}[.)][ \t]|#{1,6}(?:[ \t]|$)|<)/;

export function scanBody(text: string, start: number): BodyScan {
  const headings: Heading[] = [];
  const hidden: [number, number][] = [];
  let fence: { char: string; length: number; start: number } | null = null;
  let comment: number | null = null;
  // The previous line, when it could be the text of a setext heading.
  let paragraph: { text: string; offset: number } | null = null;

  let pos = start;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const line = text.slice(pos, nl).replace(/\r$/, '');
    const lineStart = pos;
    pos = nl + 1;

    if (fence) {
      const m = FENCE.exec(line);
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.length && m[2]!.trim() === '') {
        hidden.push([fence.start, Math.min(nl, text.length)]);
        fence = null;
      }
      continue;
    }
    if (comment !== null) {
      const close = line.indexOf('-->');
      if (close === -1) continue;
      hidden.push([comment, lineStart + close + 3]);
      comment = null;
      paragraph = null;
      continue;
    }

    const open = line.indexOf('<!--');
    if (open !== -1) {
      const close = line.indexOf('-->', open + 4);
      if (close === -1) {
        comment = lineStart + open;
        if (line.slice(0, open).trim() === '') {
          paragraph = null;
          continue;
        }
      } else {
        hidden.push([lineStart + open, lineStart + close + 3]);
      }
    }

    const f = FENCE.exec(line);
    if (f && !(f[1]![0] === '`' && f[2]!.includes('`'))) {
      fence = { char: f[1]![0]!, length: f[1]!.length, start: lineStart };
      paragraph = null;
      continue;
    }
    if (ATX_START.test(line)) {
      headings.push({ key: normalizeHeading(atxText(line)), offset: lineStart });
      paragraph = null;
      continue;
    }
    if (paragraph && SETEXT.test(line)) {
      headings.push({ key: normalizeHeading(paragraph.text), offset: paragraph.offset });
      paragraph = null;
      continue;
    }
    paragraph = line.trim() === '' || NOT_PARAGRAPH.test(line) || /^ {4}/.test(line) ? null : { text: line, offset: lineStart };
  }
  if (fence) hidden.push([fence.start, text.length]);
  if (comment !== null) hidden.push([comment, text.length]);
  return { headings, hidden };
}

/** The text of an ATX heading line: without the opening `#`s and an optional closing sequence. */
function atxText(line: string): string {
  let text = line.trimStart().replace(/^#+/, '').trim();
  let j = text.length;
  while (j > 0 && text[j - 1] === '#') j--;
  if (j === 0) return '';
  if (j < text.length && (text[j - 1] === ' ' || text[j - 1] === '\t')) text = text.slice(0, j);
  return text;
}

/** Longer heading text is cut before normalising: no required section is that long. */
const MAX_HEADING = 500;

/**
 * Heading text as compared with a required section: inline markup (emphasis, code, links, HTML
 * tags) dropped, whitespace collapsed, trailing colons ignored, lowercased.
 */
export function normalizeHeading(text: string): string {
  let s = text
    .slice(0, MAX_HEADING)
    .replace(/<[^>]*>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  while (s.endsWith(':')) s = s.slice(0, -1).trimEnd();
  return s.toLowerCase();
}

export function isHidden(hidden: readonly [number, number][], offset: number): boolean {
  for (const [start, end] of hidden) if (offset >= start && offset < end) return true;
  return false;
}
