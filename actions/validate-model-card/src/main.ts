import * as core from '@actions/core';
import { CONFIG_PATH } from '../../../src/core/config/parse.js';
import { escapeMarkdown } from '../../../src/render/markdown/escape.js';
import { findingsToAnnotations, summarizeCards, summarizeConfigErrors, type CheckAnnotation, type CardsVerdict } from '../../../src/render/markdown/cards.js';
import { cardPasses, type CardReport } from '../../../src/core/cards/types.js';
import { validateCard } from '../../../src/core/cards/validate.js';
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
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
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
      await report(findingsToAnnotations(error.file, error.findings), summarizeConfigErrors(error.file, error.findings), false);
      core.setFailed(error.message);
      return;
    }
    const failOn = failOnInput ?? config.failOn;

    const reports: CardReport[] = [];
    for (const card of await findCards({ root, paths, globs: config.cards })) {
      reports.push(validateCard(card.path, await readCard(card.absolute, card.path), config));
    }
    const valid = reports.every((r) => cardPasses(r, failOn));
    const verdict = summarizeCards(reports, failOn, 'repository');
    await report(
      reports.flatMap((r) => findingsToAnnotations(r.path, r.findings)),
      verdict,
      valid,
    );
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

async function report(annotations: readonly CheckAnnotation[], verdict: CardsVerdict, valid: boolean): Promise<void> {
  for (const a of annotations) {
    const properties: core.AnnotationProperties = { file: a.path, startLine: a.start_line, title: a.title };
    if (a.end_line !== a.start_line) properties.endLine = a.end_line;
    if (a.start_column !== undefined) properties.startColumn = a.start_column;
    if (a.annotation_level === 'failure') core.error(a.message, properties);
    else core.warning(a.message, properties);
  }
  core.setOutput('valid', String(valid));
  core.setOutput('errors', String(verdict.errors));
  core.setOutput('warnings', String(verdict.warnings));
  // Outside a job (e.g. `act` without summaries) there is nowhere to write the summary.
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(`## Model cards: ${escapeMarkdown(verdict.title)}\n\n${verdict.summary}\n`).write();
  }
}
