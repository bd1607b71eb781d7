import { cardsVerdict, configVerdict, type CardReport } from '../../core/cards/index.js';
import { truncate, type Finding } from '../../core/common/index.js';
import { CONFIG_PATH } from '../../core/config/index.js';
import { findingsToAnnotations } from '../../github/annotations.js';
import type { CheckOutput } from '../../github/check-runs.js';
import { CHECK_SUMMARY_MAX_CHARS } from '../../github/limits.js';
import { MAX_LISTED_FILES } from '../../github/list-pr-files.js';
import { cardsMarkdown, configMarkdown } from '../../render/markdown/cards.js';
import { escapeMarkdown, inlineCode } from '../../render/markdown/escape.js';

/**
 * The check run's output for the cards a pull request changed; notes (skipped cards, files
 * GitHub did not list) go first so they are seen.
 */
export function cardsOutput(
  reports: readonly CardReport[],
  failOn: 'error' | 'warning',
  notes: readonly string[],
  skipped = 0,
): CheckOutput {
  const verdict = cardsVerdict(reports, failOn);
  const nothingRead = reports.length === 0 && skipped > 0;
  const noted = notes.join('\n\n');
  const budget = CHECK_SUMMARY_MAX_CHARS - (noted ? noted.length + 2 : 0);
  return {
    conclusion: verdict.conclusion,
    title: nothingRead ? 'No model cards checked' : verdict.title,
    summary: [...notes, cardsMarkdown(verdict, reports, { maxLength: budget })].join('\n\n'),
    annotations: reports.flatMap((r) => findingsToAnnotations(r.path, r.findings)),
  };
}

/** A bad config fails the check, with the errors annotated on the config file itself. */
export function invalidConfigOutput(errors: readonly Finding[]): CheckOutput {
  const verdict = configVerdict(CONFIG_PATH, errors);
  return {
    conclusion: 'failure',
    title: verdict.title,
    summary: configMarkdown(verdict, { maxLength: CHECK_SUMMARY_MAX_CHARS }),
    annotations: findingsToAnnotations(CONFIG_PATH, errors),
  };
}

/**
 * When the check itself broke (GitHub unreachable, a token problem): fail rather than let
 * a required check pass unchecked, and say that a re-run is the fix.
 */
export function crashedOutput(error: unknown): CheckOutput {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    conclusion: 'failure',
    title: 'modelgate could not check the model cards',
    summary: [
      '**The check stopped on an unexpected error**, so no verdict on the model cards was reached.',
      '',
      `Error: ${escapeMarkdown(truncate(detail, 500))}`,
      '',
      'Re-run this check. If it keeps failing, the App\'s logs have the details.',
    ].join('\n'),
    annotations: [],
  };
}

/** GitHub lists at most 3,000 files of a pull request; say so when cards may have been missed. */
export function unlistedFilesNote(changedFiles: number | null, listed: number): string | null {
  if (changedFiles !== null && changedFiles > MAX_LISTED_FILES) {
    return `> [!WARNING]\n> This pull request changes ${changedFiles.toLocaleString('en-US')} files, but GitHub lists only the first ${listed.toLocaleString('en-US')}. Model cards among the rest were not checked; split the pull request to check them all.`;
  }
  if (changedFiles === null && listed >= MAX_LISTED_FILES) {
    return `> [!WARNING]\n> GitHub lists at most ${MAX_LISTED_FILES.toLocaleString('en-US')} files of a pull request, and this one has at least that many. Model cards beyond them were not checked; split the pull request to check them all.`;
  }
  return null;
}

/** A changed card that could not be read as a file (a symlink, a submodule, gone at the head commit). */
export function skippedCardNote(path: string, reason: string): string {
  return `Skipped ${inlineCode(path)}: ${escapeMarkdown(reason)}.`;
}
