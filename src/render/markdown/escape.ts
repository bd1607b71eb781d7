/**
 * Escaping for text we did not write (card contents, metric names, file paths) before it
 * reaches Markdown that many people see: no @-mentions that ping teams, no raw HTML, no
 * breaking out of tables, links or code fences.
 */

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>&~"'=:$]/g;

const HTML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes inline text: the result renders as the literal characters, on one line. */
export function escapeMarkdown(text: string): string {
  return (
    text
      // Collapse line breaks: inline text must not start new blocks (headings, fences, tables).
      .replace(/\r\n?|\n/g, ' ')
      .replace(MARKDOWN_SPECIAL, (ch) => HTML_ENTITIES[ch] ?? `\\${ch}`)
      // A zero-width joiner after @ stops GitHub from turning @org/team into a mention.
      .replace(/@/g, '@\u200d')
  );
}

/** Escapes text for a table cell: like escapeMarkdown (which already escapes `|`). */
export function escapeTableCell(text: string): string {
  return escapeMarkdown(text);
}

/** Renders text as inline code that cannot be broken out of, whatever backticks it holds. */
export function inlineCode(text: string, { inTable = false } = {}): string {
  let oneLine = text.replace(/\r\n?|\n/g, ' ');
  // GFM splits table cells on `|` even inside code spans, unless it is escaped.
  if (inTable) oneLine = oneLine.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...Array.from(oneLine.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  // @-mentions are not expanded inside code spans, and HTML is shown literally there.
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** An absolute http(s) URL for a Markdown link, percent-encoded so it cannot end the link early; null for anything else. */
export function safeLinkUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.href.replace(/[()<>\s"'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Plain text in which `backticks` mark code, as modelgate's own messages write names: the code
 * spans become inline code (which nothing can break out of) and the rest is escaped.
 */
export function textWithCode(text: string): string {
  return text
    .split(/`([^`\n]*)`/)
    .map((part, i) => (i % 2 === 1 ? inlineCode(part) : escapeMarkdown(part)))
    .join('');
}
