import { appendFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  compareMetrics,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  explainMetric,
  FILE_KEY_SEPARATOR,
  MAX_METRICS_BYTES,
  MAX_RESAMPLES,
  mergeDiffs,
  type Baseline,
  type DiffPart,
  type MetricSet,
  type MetricsDiff,
  type BootstrapOptions,
  type PredictionSet,
} from '../core/metrics/index.js';
import type { Config } from '../core/config/index.js';
import { metricsCommentBody } from '../github/metrics-comment.js';
import { ConfigError, InputError } from '../node/errors.js';
import { resolveRevision } from '../node/git.js';
import { loadProjectConfig } from '../node/load-config.js';
import { emptyMetrics, metricsFilesOn, readMetricsBytes, readMetricsOn, type Tree } from '../node/metrics-sources.js';
import { MAX_THREADS, MAX_THREADS_ASKED, parallelBlocks, type ParallelBlocks } from '../node/parallel-bootstrap.js';
import { readMetricsFile, readPredictionsFile } from '../node/read-metrics.js';
import { oneOf, parseCommandArgs } from './args.js';
import { CliError, EXIT, type CliIO } from './io.js';
import { DIFF_SCHEMA_VERSION, jsonError, toJson } from '../render/json/metrics.js';
import { renderFindingsText } from '../render/text/cards.js';
import { renderExplanation } from '../render/text/explain.js';
import { renderText } from '../render/text/metrics.js';
import { metricsWorkflowCommands, type MetricLocation } from '../render/workflow-commands.js';
import { renderMarkdown } from '../render/markdown/metrics.js';

export const DIFF_USAGE = `Usage: modelgate diff [BASE] [HEAD] [-- PATHS...] [options]

Compares the metrics in BASE (the baseline) with those in HEAD, under the metric rules of the
config, and says whether every gate passes.

  modelgate diff base.json head.json     two files ('-' reads one of them from standard input)
  modelgate diff main                    the working tree against the branch main
  modelgate diff v1.2 HEAD -- eval/      two revisions, the metrics files under eval/
  modelgate diff                         the working tree against HEAD

BASE and HEAD: an argument that is an existing file is a file, else it must be a git revision
(a branch, tag or commit); one that is both is refused as ambiguous (write ./NAME for the file,
or NAME^{commit} for the revision). Two files are compared with each other. With revisions,
HEAD defaults to the working tree and BASE to HEAD, and the files compared are the PATHS after
--: files or directories (their JSON, YAML, CSV/TSV files and model cards), default: every
model card the config's globs find. With several files, metric names are prefixed by the file
(models/a/README.md:imdb/accuracy); each file's rules match its own metric names.

Files are JSON or YAML (nested keys become dotted names: eval.accuracy), CSV/TSV (rows of
metric,value under a header, or a header of names over one row of values), or model cards
(Markdown front matter, YAML or JSON) whose model-index results are read as <dataset>/<metric>.

Options:
  -c, --config FILE            Config file (default: the nearest .github/modelgate.yml, if any)
  -f, --format FORMAT          text (default), md (the PR comment's Markdown), json, or github
                               (annotations, and the table in $GITHUB_STEP_SUMMARY)
      --explain                After the table, which metric rules applied to each metric
      --base-predictions FILE  Per-example results of BASE (JSONL or CSV with an id column);
      --head-predictions FILE  with both, each metric gets a paired bootstrap 95 % CI
      --base-label TEXT        What the baseline is, for the verdict (default: BASE)
      --base-ref REF           The baseline's branch or tag
      --base-sha SHA           The baseline's commit
      --base-version VERSION   The baseline model's version
      --run-url URL            A link to the evaluation run
      --model NAME             The model, for the comment marker (default: from the card)
      --seed N                 Bootstrap seed (default ${DEFAULT_SEED})
      --resamples N            Bootstrap resamples (default ${DEFAULT_RESAMPLES}, at most ${MAX_RESAMPLES})
      --threads N              Threads for a large bootstrap (default: the cores, at most ${MAX_THREADS}; 1 for one)
  -h, --help                   Show this help

Exit status: 0 when every gate passes, 1 when a gate fails, 2 on usage or input errors (with
--format json, also a JSON document {"schema": ${DIFF_SCHEMA_VERSION}, "error": {...}} on stdout).
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f' },
  explain: { type: 'boolean' },
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
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS = ['text', 'md', 'json', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface DiffOptions {
  sides: string[];
  paths: string[];
  config: string | undefined;
  format: Format;
  explain: boolean;
  basePredictions: string | undefined;
  headPredictions: string | undefined;
  baseline: { label: string | undefined; ref: string | undefined; sha: string | undefined; version: string | undefined };
  runUrl: string | undefined;
  model: string | undefined;
  seed: number;
  resamples: number;
  /** Undefined: threadCount()'s default. */
  threads: number | undefined;
}

/** What was compared: the diff, where each row's metric is (for annotations), and the baseline's name. */
interface Compared {
  diff: MetricsDiff;
  locations: Map<string, MetricLocation>;
  baseline: Baseline;
}

export async function runDiff(args: string[], io: CliIO): Promise<number> {
  try {
    return await diffCommand(args, io);
  } catch (error) {
    // With --format json a script reads stdout: a usage or input error is a JSON document there too.
    if (formatRequested(args) === 'json') {
      const usage = error instanceof CliError || error instanceof InputError;
      const message = error instanceof Error ? error.message : String(error);
      io.stdout(jsonError(usage ? message : `unexpected error: ${message.split('\n')[0]}`, error instanceof CliError ? error.exitCode : EXIT.usage));
    }
    throw error instanceof InputError ? new CliError(error.message, EXIT.usage) : error;
  } finally {
    await closePools();
  }
}

async function diffCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOptions(args);
  if (parsed === 'help') {
    io.stdout(DIFF_USAGE);
    return EXIT.ok;
  }
  const options = parsed;
  const color = io.isTTY && !io.env['NO_COLOR'];

  let loaded;
  try {
    loaded = await loadProjectConfig(io.cwd, options.config);
  } catch (error) {
    if (error instanceof ConfigError) io.stderr(renderFindingsText(error.file, error.findings, { color }));
    throw error;
  }
  const { config, root } = loaded;

  const compared = await compare(options, config, root, io);
  const { diff, baseline } = compared;
  switch (options.format) {
    case 'json':
      io.stdout(JSON.stringify(toJson(diff, baseline), null, 2) + '\n');
      break;
    case 'md':
      io.stdout(metricsCommentBody(diff, { baseline, model: options.model ?? diff.model, runUrl: options.runUrl ?? null }));
      break;
    case 'github': {
      io.stdout(metricsWorkflowCommands(diff, compared.locations, baseline));
      const summary = io.env['GITHUB_STEP_SUMMARY'];
      // GitHub shows at most 1 MiB of a step's summary.
      if (summary) await appendFile(summary, renderMarkdown(diff, { baseline, runUrl: options.runUrl ?? null, maxLength: 1024 * 1024 - 1024 }) + '\n');
      break;
    }
    default:
      io.stdout(renderText(diff, { baseline, color, runUrl: options.runUrl ?? null }));
      if (!options.basePredictions) io.stdout('Pass --base-predictions and --head-predictions (per-example results) for confidence intervals.\n');
  }
  if (options.explain && options.format !== 'json') {
    const names = diff.rows.map((r) => compared.locations.get(r.metric)?.key ?? r.metric);
    io.stdout('\n' + [...new Set(names)].map((name) => renderExplanation(explainMetric(name, config.metrics), config.metrics)).join('\n'));
  }
  return diff.gatesPassed ? EXIT.ok : EXIT.failed;
}

/** Decides what BASE and HEAD are (files, or revisions with PATHS), reads them and compares. */
async function compare(options: DiffOptions, config: Config, root: string, io: CliIO): Promise<Compared> {
  const sides = await Promise.all(options.sides.map((s) => classify(s, io)));
  const files = sides.filter((s) => s.kind === 'file' || s.kind === 'stdin');
  const revisions = sides.filter((s): s is Extract<Side, { kind: 'commit' }> => s.kind === 'commit');

  if (files.length > 0) {
    if (revisions.length > 0) throw new CliError(`Give two files, or git revisions: ${options.sides.join(' ')} mixes them. Run 'modelgate diff --help' for the forms.`);
    if (files.length === 1) throw new CliError(`Missing HEAD: with a file as BASE, name the HEAD file too (modelgate diff ${options.sides[0]} HEAD_FILE), or '-' for standard input.`);
    if (options.paths.length > 0) throw new CliError("Paths after '--' go with git revisions; two files are compared with each other as they are.");
    if (files.every((f) => f.kind === 'stdin')) throw new CliError("Only one side can be read from standard input ('-').");
    const [base, head] = await Promise.all(files.map((f) => readSide(f, io)));
    const predictions = await readPredictions(options, io.cwd);
    const diff = compareMetrics(base!, head!, { rules: config.metrics, ...predictions, bootstrap: bootstrapOptions(options) });
    return { diff, locations: locationsOf([{ prefix: null, base: base!, head: head! }]), baseline: baselineFor(options, { label: base!.file }) };
  }

  // Revisions: BASE defaults to HEAD, HEAD to the working tree.
  let baseTree: Tree;
  let headTree: Tree = { kind: 'worktree' };
  if (revisions.length === 0) {
    const sha = await resolveRevision(io.cwd, 'HEAD');
    if (sha === null) throw new CliError('Nothing to compare: give two metrics files (modelgate diff BASE HEAD), or run it in a git repository with a commit to compare the working tree with.');
    baseTree = { kind: 'commit', sha, name: 'HEAD' };
  } else {
    baseTree = revisions[0]!;
    if (revisions[1]) headTree = revisions[1];
  }
  const sourceOptions = { root, cwd: io.cwd, globs: config.cards };
  const [baseFiles, headFiles] = await Promise.all([metricsFilesOn(baseTree, options.paths, sourceOptions), metricsFilesOn(headTree, options.paths, sourceOptions)]);
  const all = new Set<string>();
  for (const [target, list] of baseFiles) {
    const other = headFiles.get(target) ?? [];
    if (list.length === 0 && other.length === 0) {
      throw new CliError(
        options.paths.length > 0
          ? `${target} has no metrics file in ${treeName(baseTree)} or ${treeName(headTree)}: name JSON, YAML, CSV/TSV files or model cards, or directories that hold them.`
          : `No model card in ${treeName(baseTree)} or ${treeName(headTree)} to compare (card globs: ${config.cards.join(', ')}). Name the metrics files after '--'.`,
      );
    }
    for (const f of [...list, ...other]) all.add(f);
  }
  const names = [...all].sort();
  const pairs: Pair[] = [];
  for (const file of names) {
    const [base, head] = await Promise.all([readMetricsOn(baseTree, root, file), readMetricsOn(headTree, root, file)]);
    pairs.push({ prefix: names.length > 1 ? file : null, base: base ?? emptyMetrics(file), head: head ?? emptyMetrics(file) });
  }
  const predictions = await readPredictions(options, io.cwd);
  if (pairs.length > 1 && predictions.basePredictions) throw new CliError('--base-predictions and --head-predictions go with one metrics file per side; name that one file after --.');
  const parts: DiffPart[] = pairs.map((p) => ({
    prefix: p.prefix,
    diff: compareMetrics(p.base, p.head, { rules: config.metrics, ...predictions, bootstrap: bootstrapOptions(options) }),
  }));
  const label = baseTree.kind === 'commit' ? baseTree.name : 'the working tree';
  const implied: Baseline = { label };
  if (baseTree.kind === 'commit') {
    implied.ref = baseTree.name;
    implied.sha = baseTree.sha;
  }
  return { diff: mergeDiffs(parts), locations: locationsOf(pairs), baseline: baselineFor(options, implied) };
}

type Side = { kind: 'file'; path: string } | { kind: 'stdin' } | { kind: 'commit'; sha: string; name: string };

interface Pair {
  prefix: string | null;
  base: MetricSet;
  head: MetricSet;
}

/** The documented disambiguation: an existing file is a file, else a git revision; both is ambiguous. */
async function classify(arg: string, io: CliIO): Promise<Side> {
  if (arg === '-') return { kind: 'stdin' };
  let kind: 'file' | 'directory' | null;
  try {
    kind = (await stat(resolve(io.cwd, arg))).isDirectory() ? 'directory' : 'file';
  } catch {
    kind = null;
  }
  const sha = arg.startsWith('./') || arg.startsWith('../') ? null : await resolveRevision(io.cwd, arg).catch(() => null);
  if (kind !== null && sha !== null) {
    throw new CliError(`'${arg}' is both a ${kind} and a git revision: write ./${arg} for the ${kind}, or ${arg}^{commit} for the revision.`);
  }
  if (sha !== null) return { kind: 'commit', sha, name: arg };
  if (kind === 'file') return { kind: 'file', path: arg };
  if (kind === 'directory') throw new CliError(`${arg} is a directory: name a revision first and the directory after '--' (modelgate diff main -- ${arg}), or two files.`);
  throw new CliError(`'${arg}' is neither a file nor a git revision here. Check the name (a branch, tag or commit, or a metrics file).`);
}

async function readSide(side: Side, io: CliIO): Promise<MetricSet> {
  if (side.kind === 'stdin') {
    if (!io.readStdin) throw new CliError("Standard input ('-') is not available here.");
    return readMetricsBytes('-', await io.readStdin(MAX_METRICS_BYTES + 1));
  }
  if (side.kind !== 'file') throw new Error('readSide: not a file');
  return readMetricsFile(io.cwd, side.path, 'metrics');
}

async function readPredictions(options: DiffOptions, cwd: string): Promise<{ basePredictions: PredictionSet | null; headPredictions: PredictionSet | null }> {
  return {
    basePredictions: options.basePredictions ? await readPredictionsFile(cwd, options.basePredictions, 'base per-example results') : null,
    headPredictions: options.headPredictions ? await readPredictionsFile(cwd, options.headPredictions, 'head per-example results') : null,
  };
}

function baselineFor(options: DiffOptions, implied: Baseline): Baseline {
  const baseline: Baseline = { ...implied, label: options.baseline.label ?? implied.label };
  if (options.baseline.ref) baseline.ref = options.baseline.ref;
  if (options.baseline.sha) baseline.sha = options.baseline.sha;
  if (options.baseline.version) baseline.version = options.baseline.version;
  return baseline;
}

function treeName(tree: Tree): string {
  return tree.kind === 'commit' ? tree.name : 'the working tree';
}

/** Where each row's metric is written (head's position, else base's), for annotations and --explain. */
function locationsOf(pairs: readonly Pair[]): Map<string, MetricLocation> {
  const out = new Map<string, MetricLocation>();
  for (const { prefix, base, head } of pairs) {
    for (const set of [base, head]) {
      for (const [key, entry] of set.metrics) {
        out.set(prefix === null ? key : `${prefix}${FILE_KEY_SEPARATOR}${key}`, { file: set.file, line: entry.line, key });
      }
    }
  }
  return out;
}

/** The --format value as given, even when the arguments do not parse (so errors can be JSON too). */
function formatRequested(args: readonly string[]): string | undefined {
  let format: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--format' || a === '-f') format = args[i + 1];
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-f') && a.length > 2) format = a.slice(2).replace(/^=/, '');
  }
  return format;
}

function parseOptions(args: string[]): DiffOptions | 'help' {
  const dashes = args.indexOf('--');
  const before = dashes === -1 ? args : args.slice(0, dashes);
  const paths = dashes === -1 ? [] : args.slice(dashes + 1);
  const { values, positionals } = parseCommandArgs('diff', before, OPTIONS);
  if (values.help) return 'help';
  const format = oneOf('--format', values.format ?? 'text', FORMATS);
  if (positionals.length > 2) {
    throw new CliError(`Too many arguments before '--': give BASE and HEAD (files or revisions), then '--' and the paths to compare (got ${positionals.length}). Run 'modelgate diff --help' for usage.`);
  }
  if (Boolean(values['base-predictions']) !== Boolean(values['head-predictions'])) {
    throw new CliError(
      `--base-predictions and --head-predictions go together: significance needs per-example results for both sides (only --${values['base-predictions'] ? 'base' : 'head'}-predictions was given).`,
    );
  }
  return {
    sides: positionals,
    paths,
    config: values.config,
    format,
    explain: values.explain ?? false,
    basePredictions: values['base-predictions'],
    headPredictions: values['head-predictions'],
    baseline: { label: values['base-label'], ref: values['base-ref'], sha: values['base-sha'], version: values['base-version'] },
    runUrl: values['run-url'],
    model: values.model,
    seed: integer('--seed', values.seed, DEFAULT_SEED, 0, 0xffffffff),
    resamples: integer('--resamples', values.resamples, DEFAULT_RESAMPLES, 100, MAX_RESAMPLES),
    threads: values.threads === undefined ? undefined : integer('--threads', values.threads, 1, 1, MAX_THREADS_ASKED),
  };
}

/**
 * The bootstrap's options: seed, resamples, and worker threads for large Poisson bootstraps (the
 * same interval as one thread; small inputs stay on this one). The workers are unref'd, so they
 * do not keep the process alive; the closing function stops them for in-process callers.
 */
function bootstrapOptions(options: DiffOptions): BootstrapOptions {
  const parallel = parallelBlocks({ threads: options.threads });
  openPools.push(parallel);
  return { seed: options.seed, resamples: options.resamples, runBlocks: parallel.runBlocks };
}

/** This run's worker pools (started only for a large bootstrap), stopped when the command ends. */
const openPools: ParallelBlocks[] = [];

async function closePools(): Promise<void> {
  await Promise.all(openPools.splice(0).map((p) => p.close()));
}

function integer(option: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`${option} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, not '${value}'.`);
  }
  return n;
}
