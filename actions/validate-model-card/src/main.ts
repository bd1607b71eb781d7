import * as core from '@actions/core';
import { cardPasses, cardsVerdict, configVerdict, validateCard, type CardReport } from '../../../src/core/cards/index.js';
import { findingSpan, findingText, type Finding } from '../../../src/core/common/index.js';
import { CONFIG_PATH } from '../../../src/core/config/index.js';
import { cardsMarkdown, configMarkdown } from '../../../src/render/markdown/cards.js';
import { escapeMarkdown } from '../../../src/render/markdown/escape.js';
import { ConfigError, InputError } from '../../../src/node/errors.js';
import { findCards } from '../../../src/node/find-cards.js';
import { loadConfig } from '../../../src/node/load-config.js';
import { readCard } from '../../../src/node/read-card.js';

/**
 * The validate-model-card action: validates the repository's model cards, annotates every
 * finding on its line, writes a job summary, and fails the step when a card fails.
 */
export async function run(): Promise<void> {
  try {
    const root = process.env['GITHUB_WORKSPACE'] || process.cwd();
    const paths = core.getInput('paths').split(/\s+/).filter(Boolean);
    const failOnInput = parseFailOn(core.getInput('fail-on'));
    const configInput = core.getInput('config');

    let config;
    try {
      // The default path may be absent (defaults apply); a path the workflow names must exist.
      const file = configInput === '' || configInput === CONFIG_PATH ? undefined : configInput;
      ({ config } = await loadConfig({ root, file }));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const verdict = configVerdict(error.file, error.findings);
      await report([{ path: error.file, findings: error.findings }], { title: verdict.title, errors: error.findings.length, warnings: 0 }, configMarkdown(verdict, { maxLength: SUMMARY_MAX_CHARS }), false);
      core.setFailed(error.message);
      return;
    }
    const failOn = failOnInput ?? config.failOn;

    const reports: CardReport[] = [];
    for (const card of await findCards({ root, paths, globs: config.cards })) {
      reports.push(validateCard(card.path, await readCard(card.absolute, card.path), config));
    }
    const valid = reports.every((r) => cardPasses(r, failOn));
    const verdict = cardsVerdict(reports, failOn, 'repository');
    await report(reports, verdict, cardsMarkdown(verdict, reports, { maxLength: SUMMARY_MAX_CHARS }), valid);
    if (reports.length === 0) core.info(`No model cards found (card globs: ${config.cards.join(', ')}).`);
    else core.info(verdict.title);
    if (!valid) core.setFailed(verdict.title);
  } catch (error) {
    core.setOutput('valid', 'false');
    // Input errors are complete sentences for people; anything else is a bug, so keep its stack in the log.
    const { message, stack } = (error ?? {}) as { message?: unknown; stack?: unknown };
    if (!(error instanceof InputError) && typeof stack === 'string') core.debug(stack);
    core.setFailed(typeof message === 'string' ? message : String(error));
  }
}

function parseFailOn(value: string): 'error' | 'warning' | undefined {
  if (value === '') return undefined;
  if (value === 'error' || value === 'warning') return value;
  throw new InputError(`The fail-on input must be 'error' or 'warning', not '${value}'.`);
}

/** A job summary may hold 1 MiB; the cards table is readable long before that. */
const SUMMARY_MAX_CHARS = 65_535;

/** Every finding becomes an annotation on its line (columns only on one-line findings, as GitHub takes them). */
async function report(
  files: ReadonlyArray<{ path: string; findings: readonly Finding[] }>,
  counts: { title: string; errors: number; warnings: number },
  summary: string,
  valid: boolean,
): Promise<void> {
  for (const { path, findings } of files) {
    for (const f of findings) {
      const span = findingSpan(f);
      const properties: core.AnnotationProperties = { file: path, startLine: span.line, title: f.rule };
      if (span.endLine !== span.line) properties.endLine = span.endLine;
      if (span.column !== null) properties.startColumn = span.column;
      if (f.severity === 'error') core.error(findingText(f), properties);
      else core.warning(findingText(f), properties);
    }
  }
  core.setOutput('valid', String(valid));
  core.setOutput('errors', String(counts.errors));
  core.setOutput('warnings', String(counts.warnings));
  // Outside a job (e.g. `act` without summaries) there is nowhere to write the summary.
  if (process.env['GITHUB_STEP_SUMMARY']) {
    await core.summary.addRaw(`## Model cards: ${escapeMarkdown(counts.title)}\n\n${summary}\n`).write();
  }
}
