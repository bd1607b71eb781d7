import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { copyFile, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { artifactName, buildManifest, ManifestSchema, MANIFEST_FILE, serializeManifest, type ArtifactFile } from '../../../src/core/evaluation/index.js';
import { formatNumber } from '../../../src/core/metrics/index.js';
import { formatInputError, MAX_METRICS_BYTES, MAX_PREDICTIONS_BYTES, readMetrics, readPredictions } from '../../../src/core/metrics/index.js';
import type { MetricSet, ReadResult } from '../../../src/core/metrics/index.js';
import { describeFsError, InputError } from '../../../src/node/errors.js';
import { displayPath } from '../../../src/node/paths.js';
import { readUpTo } from '../../../src/node/read-limited.js';
import { readRunContext } from './context.js';
import { resolveModel } from './model.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { renderSummary } from './summary.js';

export interface Dependencies {
  env: NodeJS.ProcessEnv;
  /** The clock for start and end times; tests pass a fixed one. */
  now(): Date;
  /** Uploads files (absolute paths under rootDirectory) as one artifact; tests record the call. */
  upload(name: string, files: string[], rootDirectory: string): Promise<{ id?: number; size?: number }>;
  /** Where the evaluation command's output goes as it comes. */
  output(chunk: Buffer): void;
  /** After SIGTERM on timeout, how long the command gets before SIGKILL. */
  killGraceMs: number;
}

const defaults: Dependencies = {
  env: process.env,
  now: () => new Date(),
  upload: (name, files, rootDirectory) => new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory),
  output: (chunk) => process.stdout.write(chunk),
  killGraceMs: 10_000,
};

/** GitHub's limit for one output; larger metrics are only in the artifact. */
const MAX_OUTPUT_CHARS = 1_000_000;

/**
 * Runner variables the command does not get: the artifact, cache and OIDC tokens (a `run:`
 * step never sees them either) and this step's outputs and state, so the command cannot
 * upload artifacts in our name or forge our outputs. Debug flags stay.
 */
const HIDDEN_ENV = /^(?:INPUT_.*|ACTIONS_(?!STEP_DEBUG$|RUNNER_DEBUG$).*|GITHUB_OUTPUT|GITHUB_STATE)$/;

interface Inputs {
  model: string;
  command: string;
  metrics: string;
  predictions: string;
  workingDirectory: string;
  timeoutMinutes: number | null;
}

/**
 * The evaluate action: runs the repository's evaluation command, checks the metrics (and
 * per-example results) it wrote with the readers `modelgate diff` uses, writes the manifest
 * `modelgate-eval.json`, uploads the three as the artifact `modelgate-eval-<model>`, and puts
 * the metrics in the job summary and the outputs.
 */
export async function run(deps: Dependencies = defaults): Promise<void> {
  try {
    const inputs = readInputs();
    const workspace = resolve(deps.env['GITHUB_WORKSPACE'] || process.cwd());
    const workingDirectory = await resolveWorkingDirectory(workspace, inputs.workingDirectory);
    // Everything that can be checked before the (possibly hours long) evaluation, is.
    const model = await resolveModel(inputs.model, workingDirectory, workspace);
    const context = await readRunContext(deps.env);
    const metricsPath = resolve(workingDirectory, inputs.metrics);
    const predictionsPath = inputs.predictions ? resolve(workingDirectory, inputs.predictions) : null;
    const before = { metrics: await statOrNull(metricsPath), predictions: predictionsPath ? await statOrNull(predictionsPath) : null };

    core.info(`Evaluating ${model.identity.name}${model.identity.version ? ` ${model.identity.version}` : ''} in ${displayPath(workspace, workingDirectory)}: ${inputs.command}`);
    const startedAt = deps.now();
    const outcome = await runCommand({
      command: inputs.command,
      cwd: workingDirectory,
      env: commandEnv(deps.env, {
        MODELGATE_MODEL: model.identity.name,
        MODELGATE_CARD: model.card ? resolve(workspace, model.card.path) : '',
        MODELGATE_METRICS: metricsPath,
        MODELGATE_PREDICTIONS: predictionsPath ?? '',
      }),
      timeoutMs: inputs.timeoutMinutes === null ? null : inputs.timeoutMinutes * 60_000,
      killGraceMs: deps.killGraceMs,
      output: deps.output,
    });
    const finishedAt = deps.now();
    const exitCode = checkOutcome(outcome, inputs.timeoutMinutes);

    // Copied first, then read: the bytes checked are the bytes uploaded and digested.
    // The artifact is flat: the manifest plus the files under fixed names, so readers need no search.
    const staging = await mkdtemp(join(deps.env['RUNNER_TEMP'] || tmpdir(), 'modelgate-eval-'));
    const metricsFile = displayPath(workspace, metricsPath);
    await checkWritten(metricsPath, metricsFile, before.metrics, 'metrics');
    const stagedMetrics = await stage(metricsPath, staging, 'metrics', stagedExtension(metricsPath, true));
    const metrics = await readChecked(stagedMetrics.path, metricsFile, MAX_METRICS_BYTES, (file, bytes) =>
      // A card named README without an extension is still Markdown, as `modelgate diff` reads it.
      readMetrics(file, bytes, /(^|[/\\])README$/i.test(file) ? { format: 'markdown' } : {}),
    );
    annotateNotes(metrics.file, metrics.notes);
    let stagedPredictions: Staged | null = null;
    if (predictionsPath) {
      const predictionsFile = displayPath(workspace, predictionsPath);
      await checkWritten(predictionsPath, predictionsFile, before.predictions, 'per-example results');
      stagedPredictions = await stage(predictionsPath, staging, 'predictions', stagedExtension(predictionsPath, false));
      const predictions = await readChecked(stagedPredictions.path, predictionsFile, MAX_PREDICTIONS_BYTES, readPredictions);
      annotateNotes(predictions.file, predictions.notes);
    }

    const manifest = buildManifest({
      model: model.identity,
      card: model.card,
      commit: context.commit,
      pullRequest: context.pullRequest,
      metrics,
      files: { metrics: stagedMetrics.file, predictions: stagedPredictions?.file ?? null },
      startedAt,
      finishedAt,
      exitCode,
      runner: context.runner,
    });
    // The App reads this file with the same schema; a manifest it would refuse is our bug.
    const valid = ManifestSchema.safeParse(manifest);
    if (!valid.success) throw new Error(`modelgate built an invalid manifest: ${valid.error.message}`);
    const manifestPath = join(staging, MANIFEST_FILE);
    await writeFile(manifestPath, serializeManifest(manifest));

    const name = artifactName(model.identity.name);
    const files = [manifestPath, stagedMetrics.path, ...(stagedPredictions ? [stagedPredictions.path] : [])];
    const uploaded = await upload(deps, name, files, staging);
    core.info(`Uploaded the artifact ${name}${uploaded.size !== undefined ? ` (${uploaded.size} bytes)` : ''}: ${files.map((f) => basename(f)).join(', ')}.`);

    const metricsJson = JSON.stringify(manifest.metrics);
    if (metricsJson.length <= MAX_OUTPUT_CHARS) core.setOutput('metrics', metricsJson);
    else core.warning(`The metrics output is left empty: ${metrics.metrics.size} metrics are too many for an output. They are all in ${MANIFEST_FILE} in the artifact ${name}.`);
    core.setOutput('artifact-name', name);
    core.setOutput('model', model.identity.name);
    if (deps.env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(renderSummary(manifest, metrics, name)).write();
  } catch (error) {
    // Input errors are complete sentences for people; anything else is a bug, so keep its stack in the log.
    if (!(error instanceof InputError) && error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function upload(deps: Dependencies, name: string, files: string[], root: string): Promise<{ size?: number }> {
  try {
    return await deps.upload(name, files, root);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.stack) core.debug(error.stack);
    const hint = /409|conflict|already exists/i.test(message)
      ? ' An artifact of that name already exists in this workflow run: evaluate each model in one job only.'
      : '';
    throw new Error(`Could not upload the artifact ${name}: ${message}${hint}`, { cause: error });
  }
}

function readInputs(): Inputs {
  return {
    model: core.getInput('model', { required: true }),
    // Kept exactly as written (no trimming): it is a script.
    command: requiredRaw('command'),
    metrics: core.getInput('metrics', { required: true }),
    predictions: core.getInput('predictions'),
    workingDirectory: core.getInput('working-directory'),
    timeoutMinutes: parseTimeout(core.getInput('timeout-minutes')),
  };
}

function requiredRaw(name: string): string {
  const value = core.getInput(name, { trimWhitespace: false });
  if (value.trim() === '') throw new InputError(`Input required and not supplied: ${name}`);
  return value;
}

function parseTimeout(value: string): number | null {
  if (value === '') return null;
  const minutes = /^\d+(?:\.\d+)?$|^\.\d+$/.test(value) ? Number(value) : NaN;
  if (!(minutes > 0)) throw new InputError(`The timeout-minutes input must be a positive number of minutes (e.g. 30 or 0.5), not '${value}'.`);
  return minutes;
}

async function resolveWorkingDirectory(workspace: string, input: string): Promise<string> {
  const absolute = resolve(workspace, input);
  let stats: Stats;
  try {
    stats = await stat(absolute);
  } catch (error) {
    throw new InputError(`The working-directory ${input} does not exist (${describeFsError(error)}).`);
  }
  if (!stats.isDirectory()) throw new InputError(`The working-directory ${input} is not a directory.`);
  return absolute;
}

function commandEnv(env: NodeJS.ProcessEnv, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && !HIDDEN_ENV.test(key)) out[key] = value;
  return { ...out, ...extra };
}

/** The exit code of a command that succeeded; any other outcome is the step's failure. */
function checkOutcome(outcome: CommandOutcome, timeoutMinutes: number | null): number {
  switch (outcome.kind) {
    case 'exited':
      if (outcome.code === 0) return 0;
      throw new InputError(`The evaluation command failed (exit code ${outcome.code}); its output is above.`);
    case 'timed-out': {
      const minutes = timeoutMinutes ?? 0;
      throw new InputError(
        `The evaluation command timed out after ${formatNumber(minutes)} ${minutes === 1 ? 'minute' : 'minutes'} and was stopped. Raise timeout-minutes, or make the evaluation faster.`,
      );
    }
    case 'signaled':
      throw new InputError(`The evaluation command was killed by ${outcome.signal} (out of memory, or cancelled?); its output is above.`);
    case 'not-started':
      throw new InputError(outcome.message);
  }
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * The command must write the file: a missing one, or one left exactly as it was before the
 * command ran (say, committed to the repository), would pass off old numbers as this run's.
 */
async function checkWritten(path: string, file: string, before: Stats | null, what: string): Promise<void> {
  const after = await statOrNull(path);
  if (after === null) throw new InputError(`The command exited 0 but wrote no ${what} file at ${file}.`);
  if (!after.isFile()) throw new InputError(`The ${what} path ${file} is not a file.`);
  if (before !== null && before.isFile() && before.mtimeMs === after.mtimeMs && before.size === after.size && before.ino === after.ino) {
    throw new InputError(
      `The command exited 0 but did not write the ${what} file at ${file}: it is unchanged since before the command ran, so it is not this run's result.`,
    );
  }
}

/** Reads and validates a file; an invalid one fails the step with an annotation at the position. */
async function readChecked<T>(path: string, file: string, limit: number, read: (file: string, bytes: Uint8Array) => ReadResult<T>): Promise<T> {
  let bytes: Uint8Array;
  try {
    // One byte over the cap, so the reader can tell the file is too large rather than cut it.
    bytes = await readUpTo(path, limit + 1);
  } catch (error) {
    throw new InputError(`Cannot read ${file}: ${describeFsError(error)}.`);
  }
  const result = read(file, bytes);
  if (!result.ok) {
    const { error } = result;
    core.error(error.hint ? `${error.message} ${error.hint}` : error.message, { file: error.file, startLine: error.line, startColumn: error.column });
    throw new InputError(formatInputError(error));
  }
  return result.value;
}

function annotateNotes(file: string, notes: MetricSet['notes']): void {
  for (const note of notes) {
    core.warning(note.hint ? `${note.message} ${note.hint}` : note.message, { file, startLine: note.line, startColumn: note.column, title: note.rule });
  }
}

/**
 * The file's extension in the artifact: the reader detects formats by it. A README without one
 * is a Markdown card; other names without a usable extension are detected by content.
 */
function stagedExtension(path: string, metrics: boolean): string {
  const ext = extname(path).toLowerCase();
  if (/^\.[a-z0-9]{1,10}$/.test(ext)) return ext;
  return metrics && /^README$/i.test(basename(path)) ? '.md' : '';
}

interface Staged {
  path: string;
  file: ArtifactFile;
}

async function stage(source: string, staging: string, stem: string, ext: string): Promise<Staged> {
  const name = `${stem}${ext}`;
  const path = join(staging, name);
  await copyFile(source, path);
  // The digest of the copy: the bytes that are uploaded, even if the command's file changes later.
  return { path, file: { name, sha256: await sha256File(path) } };
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

