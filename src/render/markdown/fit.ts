/**
 * Shortens Markdown to `max` characters by cutting at a line boundary (so no table row or code
 * span is left half-open) and appending `note`. Text within the budget is returned as it is.
 */
export function fitMarkdown(text: string, max: number, note: string): string {
  if (text.length <= max) return text;
  const suffix = `\n\n${note}`;
  const cut = text.lastIndexOf('\n', max - suffix.length);
  return text.slice(0, cut > 0 ? cut : Math.max(0, max - suffix.length)) + suffix;
}
