/** Plain-text helpers every output format shares. */

/** Truncates to at most `max` characters without splitting a surrogate pair. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let cut = max - ellipsis.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, Math.max(0, cut)) + ellipsis;
}

/** "1 card", "3 cards", "1,204 metrics". */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${groupThousands(n)} ${n === 1 ? word : words}`;
}

/** 1204 → "1,204", as toLocaleString('en-US') writes whole numbers — without loading ICU (~15 ms at start-up). */
export function groupThousands(n: number): string {
  return Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : n.toLocaleString('en-US');
}
