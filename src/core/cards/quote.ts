import { truncate } from '../common/text.js';

/** Longest stretch of a card's text that a message quotes. */
export const MAX_QUOTED = 200;

// Control characters, and invisible characters that reorder or hide text (bidi overrides,
// zero-width joiners, line/paragraph separators): card text is untrusted and messages end up in
// terminals, logs and PR comments, so they are shown as \uXXXX escapes instead.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** Text from a card, quoted for a one-line message: escaped, and cut at 200 characters. */
export function quote(text: string): string {
  const cut = truncate(text, MAX_QUOTED);
  return `"${cut.replace(/[\\"]/g, '\\$&').replace(UNSAFE, escapeChar)}"`;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** Any metadata value, shown for a message: strings quoted, others named by type. */
export function show(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

/**
 * An integer with thousands separators, as `toLocaleString('en-US')` writes it, without its cost:
 * the first call of that sets up Intl, some 50 ms.
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
