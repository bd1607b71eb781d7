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
    const line = text.slice(pos, text.charCodeAt(nl - 1) === 13 && nl > pos ? nl - 1 : nl);
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
  return { headings, hidden: disjoint(hidden) };
}

/**
 * The ranges in order and merged where they overlap. They come almost in order already; the
 * exception is a comment on the line that opens a fence, which ends up inside the fence's range.
 */
function disjoint(ranges: [number, number][]): [number, number][] {
  let sorted = true;
  for (let i = 1; i < ranges.length && sorted; i++) if (ranges[i]![0] < ranges[i - 1]![1]) sorted = false;
  if (sorted) return ranges;
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const range of ranges) {
    const last = out[out.length - 1];
    if (last && range[0] < last[1]) last[1] = Math.max(last[1], range[1]);
    else out.push([range[0], range[1]]);
  }
  return out;
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
// Words separated by single spaces, without markup characters, whitespace at either end or a final colon.
const PLAIN_HEADING = /^[^\s<>[\]()!*_`:]+(?: [^\s<>[\]()!*_`:]+)*$/;

/**
 * Heading text as compared with a required section: inline markup (emphasis, code, links, HTML
 * tags) dropped, whitespace collapsed, trailing colons ignored, lowercased.
 */
export function normalizeHeading(text: string): string {
  // Most headings are words and single spaces: nothing to drop or collapse.
  if (text.length <= MAX_HEADING && PLAIN_HEADING.test(text)) return text.toLowerCase();
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

/**
 * Whether `offset` is in one of the `hidden` ranges, which `scanBody` returns in order and
 * disjoint: a binary search, as a card can have 60,000 placeholders between 30,000 code blocks.
 */
export function isHidden(hidden: readonly [number, number][], offset: number): boolean {
  let lo = 0;
  let hi = hidden.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = hidden[mid]!;
    if (offset < start) hi = mid - 1;
    else if (offset >= end) lo = mid + 1;
    else return true;
  }
  return false;
}
