import { explainMetric } from '../core/metrics/index.js';
import { ConfigError, InputError } from '../node/errors.js';
import { loadProjectConfig } from '../node/load-config.js';
import { oneOf, parseCommandArgs } from './args.js';
import { CliError, EXIT, type CliIO } from './io.js';
import { renderFindingsText } from '../render/text/cards.js';
import { renderExplanation } from '../render/text/explain.js';

export const EXPLAIN_USAGE = `Usage: modelgate explain-metric NAME... [options]

Says which metric rules of the config apply to each metric NAME (a flattened key such as
eval.accuracy, or <dataset>/<metric> for model cards), and where each setting comes from.

Every rule whose glob matches applies. When two set the same property, the most specific wins:
an exact name over any glob, then the glob with more literal characters (eval.acc* over eval.*
over **), then the rule listed first.

Options:
  -c, --config FILE     Config file (default: the nearest .github/modelgate.yml, if any)
  -f, --format FORMAT   text (default) or json
  -h, --help            Show this help
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runExplainMetric(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('explain-metric', args, OPTIONS);
  if (values.help) {
    io.stdout(EXPLAIN_USAGE);
    return EXIT.ok;
  }
  const format = oneOf('--format', values.format ?? 'text', ['text', 'json'] as const);
  if (positionals.length === 0) throw new CliError("Name a metric, e.g. 'modelgate explain-metric eval.accuracy'.");
  let loaded;
  try {
    loaded = await loadProjectConfig(io.cwd, values.config);
  } catch (error) {
    if (error instanceof ConfigError) io.stderr(renderFindingsText(error.file, error.findings, { color: io.isTTY && !io.env['NO_COLOR'] }));
    throw error instanceof InputError ? new CliError(error.message) : error;
  }
  const rules = loaded.config.metrics;
  const explanations = positionals.map((name) => explainMetric(name, rules));
  if (format === 'json') {
    io.stdout(JSON.stringify({ schema: 1, config: loaded.file, metrics: explanations.map((e) => ({ ...e, matches: e.matches.map((m) => ({ ...m, rule: rules[m.index] })) })) }, null, 2) + '\n');
  } else {
    io.stdout(`Rules from ${loaded.file ?? 'the defaults (no .github/modelgate.yml found)'}:\n\n` + explanations.map((e) => renderExplanation(e, rules)).join('\n'));
  }
  return EXIT.ok;
}
