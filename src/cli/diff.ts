import { compareMetrics, DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_RESAMPLES, type Baseline } from '../core/metrics/index.js';
import { metricsCommentBody } from '../github/metrics-comment.js';
import { ConfigError, InputError } from '../node/errors.js';
import { loadConfig } from '../node/load-config.js';
import { readMetricsFile, readPredictionsFile } from '../node/read-metrics.js';
import { oneOf, parseCommandArgs } from './args.js';
import { CliError, EXIT, type CliIO } from './io.js';
import { toJson } from '../render/json/metrics.js';
import { renderFindingsText } from '../render/text/cards.js';
import { renderText } from '../render/text/metrics.js';

export const DIFF_USAGE = `Usage: modelgate diff BASE HEAD [options]

Compares the metrics in BASE (the baseline) with those in HEAD, under the metric rules of the
config, and says whether every gate passes.

BASE and HEAD are JSON or YAML (nested keys become dotted names: eval.accuracy), CSV/TSV
(rows of metric,value under a header, or a header of names over one row of values), or model
cards (Markdown front matter, YAML or JSON) whose model-index results are read as
<dataset>/<metric>.

Options:
  -c, --config FILE            Config file (default: .github/modelgate.yml, if it exists)
  -f, --format FORMAT          text (default), md (the PR comment's Markdown), or json
      --base-predictions FILE  Per-example results of BASE (JSONL or CSV with an id column);
      --head-predictions FILE  with both, each metric gets a paired bootstrap 95 % CI
      --base-label TEXT        What the baseline is, for the verdict (default: the BASE path)
      --base-ref REF           The baseline's branch or tag
      --base-sha SHA           The baseline's commit
      --base-version VERSION   The baseline model's version
      --run-url URL            A link to the evaluation run
      --model NAME             The model, for the comment marker (default: from the card)
      --seed N                 Bootstrap seed (default ${DEFAULT_SEED})
      --resamples N            Bootstrap resamples (default ${DEFAULT_RESAMPLES}, at most ${MAX_RESAMPLES})
  -h, --help                   Show this help

Exit status: 0 when every gate passes, 1 when a gate fails, 2 on usage or input errors.
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f' },
  'base-predictions': { type: 'string' },
  'head-predictions': { type: 'string' },
  'base-label': { type: 'string' },
  'base-ref': { type: 'string' },
  'base-sha': { type: 'string' },
  'base-version': { type: 'string' },
  'run-url': { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string' },
  resamples: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS = ['text', 'md', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface DiffOptions {
  base: string;
  head: string;
  config: string | undefined;
  format: Format;
  basePredictions: string | undefined;
  headPredictions: string | undefined;
  baseline: { label: string | undefined; ref: string | undefined; sha: string | undefined; version: string | undefined };
  runUrl: string | undefined;
  model: string | undefined;
  seed: number;
  resamples: number;
}

export async function runDiff(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOptions(args);
  if (parsed === 'help') {
    io.stdout(DIFF_USAGE);
    return EXIT.ok;
  }
  const options = parsed;
  const root = io.cwd;
  const color = io.isTTY && !io.env['NO_COLOR'];

  let config;
  try {
    config = (await loadConfig({ root, file: options.config })).config;
  } catch (error) {
    if (error instanceof ConfigError) io.stderr(renderFindingsText(error.file, error.findings, { color }));
    throw error instanceof InputError ? new CliError(error.message, EXIT.usage) : error;
  }

  let base, head, basePredictions, headPredictions;
  try {
    base = await readMetricsFile(root, options.base, 'base metrics');
    head = await readMetricsFile(root, options.head, 'head metrics');
    basePredictions = options.basePredictions ? await readPredictionsFile(root, options.basePredictions, 'base per-example results') : null;
    headPredictions = options.headPredictions ? await readPredictionsFile(root, options.headPredictions, 'head per-example results') : null;
  } catch (error) {
    throw error instanceof InputError ? new CliError(error.message, EXIT.usage) : error;
  }

  const diff = compareMetrics(base, head, {
    rules: config.metrics,
    basePredictions,
    headPredictions,
    bootstrap: { seed: options.seed, resamples: options.resamples },
  });
  const baseline: Baseline = { label: options.baseline.label ?? base.file };
  if (options.baseline.ref) baseline.ref = options.baseline.ref;
  if (options.baseline.sha) baseline.sha = options.baseline.sha;
  if (options.baseline.version) baseline.version = options.baseline.version;

  switch (options.format) {
    case 'json':
      io.stdout(JSON.stringify(toJson(diff, baseline), null, 2) + '\n');
      break;
    case 'md':
      io.stdout(metricsCommentBody(diff, { baseline, model: options.model ?? diff.model, runUrl: options.runUrl ?? null }));
      break;
    default:
      io.stdout(renderText(diff, { baseline, color, runUrl: options.runUrl ?? null }));
      if (!basePredictions) io.stdout('Pass --base-predictions and --head-predictions (per-example results) for confidence intervals.\n');
  }
  return diff.gatesPassed ? EXIT.ok : EXIT.failed;
}

function parseOptions(args: string[]): DiffOptions | 'help' {
  const parsed = parseCommandArgs('diff', args, OPTIONS);
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 2) {
    throw new CliError(
      `${positionals.length < 2 ? 'Missing' : 'Too many'} arguments: give exactly two metric files, BASE and HEAD (got ${positionals.length}). Run 'modelgate diff --help' for usage.`,
    );
  }
  if (Boolean(values['base-predictions']) !== Boolean(values['head-predictions'])) {
    throw new CliError(
      `--base-predictions and --head-predictions go together: significance needs per-example results for both sides (only --${values['base-predictions'] ? 'base' : 'head'}-predictions was given).`,
    );
  }
  return {
    base: positionals[0]!,
    head: positionals[1]!,
    config: values.config,
    format: oneOf('--format', values.format ?? 'text', FORMATS),
    basePredictions: values['base-predictions'],
    headPredictions: values['head-predictions'],
    baseline: { label: values['base-label'], ref: values['base-ref'], sha: values['base-sha'], version: values['base-version'] },
    runUrl: values['run-url'],
    model: values.model,
    seed: integer('--seed', values.seed, DEFAULT_SEED, 0, 0xffffffff),
    resamples: integer('--resamples', values.resamples, DEFAULT_RESAMPLES, 100, MAX_RESAMPLES),
  };
}

function integer(option: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`${option} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, not '${value}'.`);
  }
  return n;
}

