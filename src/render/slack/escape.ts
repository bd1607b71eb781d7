/**
 * Text for Slack's mrkdwn. Slack reads `<…>` as links and mentions (`<!channel>`, `<@U123>`) and
 * `&` as an entity, so everything that did not come from us is escaped: a metric name or a
 * reason can never ping a channel or forge a link. Backticks are swapped for a look-alike inside
 * code, which Slack cannot escape.
 */
import { truncate } from '../../core/common/index.js';

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code: escaped, bounded, one line. */
export function code(text: string, max = 80): string {
  return `\`${escapeSlack(truncate(text.replace(/[\r\n]+/g, ' ').replace(/`/g, 'ʼ'), max))}\``;
}

/** Inside a ``` block: escaped, and no backticks that could end it. */
export function preformatted(text: string): string {
  return escapeSlack(text.replace(/`/g, 'ʼ'));
}

/** A link, when the URL is a plain http(s) one (else the label alone). */
export function link(url: string | null | undefined, label: string): string {
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeSlack(label);
  return `<${url}|${escapeSlack(label).replace(/\|/g, '¦')}>`;
}

/** A Slack user we know by id (from a signed request): a mention. */
export function slackUser(id: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(id) ? `<@${id}>` : code(id);
}

/** Slack's limit on one section's text (3,000) minus room for what surrounds it. */
export const SECTION_MAX = 2900;

export function bounded(text: string, max = SECTION_MAX): string {
  return truncate(text, max);
}
