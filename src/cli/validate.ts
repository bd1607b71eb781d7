import { cardPasses, validateCard, type CardReport } from '../core/cards/index.js';
import { ConfigError, InputError } from '../node/errors.js';
import { findCards } from '../node/find-cards.js';
import { loadProjectConfig } from '../node/load-config.js';
import { readCard } from '../node/read-card.js';
import { oneOf, parseCommandArgs } from './args.js';
import { CliError, EXIT, type CliIO } from './io.js';
import { renderJson } from '../render/json/cards.js';
import { renderFindingsText, renderText } from '../render/text/cards.js';
import { cardsWorkflowCommands, findingCommand } from '../render/workflow-commands.js';

/** How `modelgate validate` prints its results. */
export const FORMATS = ['text', 'json', 'github'] as const;
export type OutputFormat = (typeof FORMATS)[number];
type FailOn = 'error' | 'warning';

export const VALIDATE_USAGE = `Usage: modelgate validate [PATHS...] [options]

Validates model cards: Markdown with YAML front matter (Hugging Face), model_card.yml/.json,
and Model Card Toolkit JSON.

PATHS are files, directories or globs, relative to the current directory (default: all of it).
Files you name are always checked (they must be Markdown, YAML or JSON); directories are
searched for files matching the config's \`cards\` globs, and for the repository's root
README.md when its front matter has model-card keys (the Hugging Face Hub layout). A directory
that holds no card is an error.

The config is .github/modelgate.yml in the current directory or the nearest parent up to the
repository root (like git and eslint); paths in the output are relative to the directory that
holds it (else to the repository root).

Options:
  -c, --config FILE     Config file (default: the nearest .github/modelgate.yml, if any)
  -f, --format FORMAT   text (default), json, or github (workflow command annotations)
      --fail-on LEVEL   error or warning (default: fail_on from the config, else error)
      --only-cards      Check only the named files that are cards by the config, skip the
                        rest silently (what the pre-commit hook passes)
  -h, --help            Show this help

Exit status: 0 when every card passes, 1 when a card fails, 2 on usage or input errors.
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f' },
  'fail-on': { type: 'string' },
  'only-cards': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FAIL_ON: readonly FailOn[] = ['error', 'warning'];

interface ValidateOptions {
  paths: string[];
  config: string | undefined;
  format: OutputFormat;
  failOn: FailOn | undefined;
  onlyCards: boolean;
  help: boolean;
}

export async function runValidate(args: string[], io: CliIO): Promise<number> {
  const options = parseOptions(args);
  if (options.help) {
    io.stdout(VALIDATE_USAGE);
    return EXIT.ok;
  }
  const color = io.isTTY && !io.env['NO_COLOR'];
  let loaded;
  try {
    loaded = await loadProjectConfig(io.cwd, options.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      // In CI the config errors become annotations on the config file; elsewhere they go with the error.
      if (options.format === 'github') {
        io.stdout(error.findings.map((f) => findingCommand(error.file, f)).join('\n') + '\n');
      } else {
        io.stderr(renderFindingsText(error.file, error.findings, { color }));
      }
    }
    throw asCliError(error);
  }
  const { config, root } = loaded;
  const failOn = options.failOn ?? config.failOn;

  const reports: CardReport[] = [];
  try {
    for (const card of await findCards({ root, cwd: io.cwd, paths: options.paths, globs: config.cards, onlyCards: options.onlyCards })) {
      reports.push(validateCard(card.path, await readCard(card.absolute, card.path), config));
    }
  } catch (error) {
    throw asCliError(error);
  }

  if (options.format === 'json') io.stdout(renderJson(reports, failOn));
  else if (options.format === 'github') io.stdout(cardsWorkflowCommands(reports, failOn));
  else io.stdout(renderText(reports, failOn, { color }));

  return reports.every((r) => cardPasses(r, failOn)) ? EXIT.ok : EXIT.failed;
}

function parseOptions(args: string[]): ValidateOptions {
  const parsed = parseCommandArgs('validate', args, OPTIONS);
  const { values, positionals } = parsed;
  return {
    paths: positionals,
    config: values.config,
    format: oneOf('--format', values.format ?? 'text', FORMATS),
    failOn: values['fail-on'] === undefined ? undefined : oneOf('--fail-on', values['fail-on'], FAIL_ON),
    onlyCards: values['only-cards'] ?? false,
    help: values.help ?? false,
  };
}


function asCliError(error: unknown): unknown {
  return error instanceof InputError ? new CliError(error.message, EXIT.usage) : error;
}
