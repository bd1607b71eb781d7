import { plural, truncate } from '../../core/common/index.js';
import type { ModelResult } from '../../core/evaluation/index.js';
import { escapeMarkdown, inlineCode } from './escape.js';
import { renderMarkdown } from './metrics.js';

/** Below this many characters a model's section is not worth showing; the rest are listed as "more". */
const MIN_SECTION_CHARS = 1500;
const RESERVED_CHARS = 300;

/**
 * The evaluation check's summary: one section per model, each its comment's text. The sections
 * share the budget evenly (a short section leaves its rest to the next); when the rest would get
 * too little to be useful, those models are named and left to their comments.
 */
export function evaluationMarkdown(results: readonly ModelResult[], { maxLength }: { maxLength: number }): string {
  const limit = maxLength - RESERVED_CHARS;
  const sections: string[] = [];
  let used = 0;
  for (const [i, result] of results.entries()) {
    const remaining = limit - used;
    const heading = `### ${inlineCode(truncate(result.model, 100))}${result.source ? ` · ${inlineCode(truncate(result.source, 200))}` : ''}`;
    const share = Math.min(remaining, Math.max(MIN_SECTION_CHARS, Math.floor(remaining / (results.length - i)))) - heading.length - 2;
    if (share < MIN_SECTION_CHARS / 2) {
      const rest = results.slice(i).map((r) => escapeMarkdown(truncate(r.model, 60)));
      sections.push(`_${plural(rest.length, 'more model')} not shown here (each has its own comment on the pull request): ${truncate(rest.join(', '), RESERVED_CHARS - 100)}_`);
      break;
    }
    const section = `${heading}\n\n${renderMarkdown(result.diff, { baseline: result.baseline, runUrl: result.runUrl, maxLength: share })}`;
    sections.push(section);
    used += section.length + 2;
  }
  return sections.join('\n\n');
}

/** Publishing broke after the check run was created: what the failed check says. */
export function crashedEvaluationMarkdown(detail: string): string {
  return [
    '**Publishing the metric diff stopped on an unexpected error**, so the comparison may be missing from the pull request.',
    '',
    `Error: ${escapeMarkdown(truncate(detail, 500))}`,
    '',
    'Push again or re-run this check. If it keeps failing, the App\'s logs have the details.',
  ].join('\n');
}
