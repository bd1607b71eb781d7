import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Dependencies } from '../../actions/evaluate/src/main.js';
import { formatDuration, MAX_SUMMARY_ROWS, renderSummary } from '../../actions/evaluate/src/summary.js';
import { buildManifest, parseManifest } from '../../src/core/evaluation/manifest.js';
import { readMetrics } from '../../src/core/metrics/index.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';
import { FakeRunner } from '../helpers/fake-runner.js';

// The action talks to the runner through env vars, files and stdout; the test plays the runner.
// The evaluation commands are real child processes (node and bash); only the upload is faked.
const runner = new FakeRunner();
let repo: TmpRepo;

const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const PUSH_SHA = '0123456789abcdef0123456789abcdef01234567';
const MERGE_SHA = 'ffffffffffffffffffffffffffffffffffffffff';
const STARTED = new Date('2024-05-01T12:00:00.000Z');
const FINISHED = new Date('2024-05-01T12:03:05.500Z');

const CARD = [
  '---',
  'license: mit',
  'pipeline_tag: text-classification',
  'modelgate:',
  '  model: sentiment',
  '  version: v3',
  '---',
  '# Sentiment',
  '',
].join('\n');

/** A node script the command runs; `"$NODE"` is this test's node binary. */
const node = (script: string) => `"$NODE" -e '${script}'`;
const WRITE_METRICS = node(
  'const fs = require("fs"); console.log("evaluating", process.env.MODELGATE_MODEL);' +
    'fs.writeFileSync(process.env.MODELGATE_METRICS, JSON.stringify({ eval: { accuracy: 0.91, f1: 0.875 }, latency_ms: 12 }));',
);
const WRITE_METRICS_AND_PREDICTIONS = node(
  'const fs = require("fs"); fs.mkdirSync("out", { recursive: true });' +
    'fs.writeFileSync(process.env.MODELGATE_METRICS, JSON.stringify({ accuracy: 0.5 }));' +
    'fs.writeFileSync(process.env.MODELGATE_PREDICTIONS, "{\\"id\\": \\"a\\", \\"accuracy\\": 1}\\n{\\"id\\": \\"b\\", \\"accuracy\\": 0}\\n");',
);

interface Upload {
  name: string;
  files: string[];
  rootDirectory: string;
  /** The files' contents at upload time, by base name. */
  contents: Record<string, string>;
}

let uploads: Upload[];
let commandOutput: string;

afterAll(() => runner.dispose());

beforeEach(() => {
  uploads = [];
  commandOutput = '';
  runner.start();
});

afterEach(() => {
  runner.reset();
  repo?.remove();
});

interface Scenario {
  files?: Record<string, string>;
  inputs: Record<string, string>;
  event?: unknown;
  env?: Record<string, string>;
  upload?: Dependencies['upload'];
}

async function runAction({ files = {}, inputs, event = {}, env = {}, upload }: Scenario) {
  repo = tmpRepo(files);
  runner.prepare({
    inputs,
    event,
    env: {
    GITHUB_WORKSPACE: repo.root,
    GITHUB_SHA: MERGE_SHA,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 7',
    RUNNER_TEMP: runner.dir,
    NODE: process.execPath,
    ...env,
    },
  });
  const clock = [STARTED, FINISHED];
  const deps: Dependencies = {
    env: process.env,
    now: () => clock.shift() ?? FINISHED,
    upload: upload ?? (async (name, uploaded, rootDirectory) => {
      const contents: Record<string, string> = {};
      for (const file of uploaded) contents[file.slice(rootDirectory.length + 1)] = readFileSync(file, 'utf8');
      uploads.push({ name, files: uploaded, rootDirectory, contents });
      return { id: 1, size: 123 };
    }),
    output: (chunk) => {
      commandOutput += chunk.toString();
    },
    killGraceMs: 300,
  };
  await run(deps);
  return runner.result();
}


const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const prEvent = { pull_request: { number: 12, head: { sha: HEAD_SHA.toUpperCase() } } };

/** The failure message: the last `::error::` line. */
function failure(commands: string[]): string {
  const errors = commands.filter((c) => c.startsWith('::error::'));
  return errors[errors.length - 1]!.slice('::error::'.length);
}

describe('evaluate action: a successful evaluation', () => {
  test('runs the command, writes the manifest, uploads one flat artifact, and sets outputs and summary', async () => {
    const result = await runAction({
      files: { 'models/sentiment/README.md': CARD },
      inputs: { model: 'models/sentiment/README.md', command: WRITE_METRICS, metrics: 'metrics.json' },
      event: prEvent,
    });
    expect(result.commands.filter((c) => c.startsWith('::error'))).toEqual([]);
    expect(result.failed).toBe(false);
    expect(commandOutput).toBe('evaluating sentiment\n');

    expect(uploads).toHaveLength(1);
    const upload = uploads[0]!;
    expect(upload.name).toBe('modelgate-eval-sentiment');
    expect(upload.rootDirectory.startsWith(join(runner.dir, 'modelgate-eval-'))).toBe(true);
    expect(upload.files).toEqual([join(upload.rootDirectory, 'modelgate-eval.json'), join(upload.rootDirectory, 'metrics.json')]);
    const metricsText = JSON.stringify({ eval: { accuracy: 0.91, f1: 0.875 }, latency_ms: 12 });
    expect(upload.contents['metrics.json']).toBe(metricsText);
    expect(JSON.parse(upload.contents['modelgate-eval.json']!)).toEqual({
      schema_version: 1,
      model: { name: 'sentiment', version: 'v3', source: 'card' },
      card: { path: 'models/sentiment/README.md', sha256: sha256(CARD) },
      commit: HEAD_SHA,
      pull_request: 12,
      metrics: { 'eval.accuracy': 0.91, 'eval.f1': 0.875, latency_ms: 12 },
      files: { metrics: { name: 'metrics.json', sha256: sha256(metricsText) }, predictions: null },
      started_at: '2024-05-01T12:00:00.000Z',
      finished_at: '2024-05-01T12:03:05.500Z',
      exit_code: 0,
      runner: { os: 'Linux', arch: 'X64', name: 'GitHub Actions 7' },
    });
    // The App reads it back with the same schema.
    expect(parseManifest(upload.contents['modelgate-eval.json']!).ok).toBe(true);

    expect(result.outputs).toEqual({
      metrics: '{"eval.accuracy":0.91,"eval.f1":0.875,"latency_ms":12}',
      'artifact-name': 'modelgate-eval-sentiment',
      model: 'sentiment',
    });
    expect(result.summary).toBe(
      [
        '## Evaluation of `sentiment` `v3`',
        '',
        '| Metric | Value |',
        '| :-- | --: |',
        '| `eval.accuracy` | 0.91 |',
        '| `eval.f1` | 0.875 |',
        '| `latency_ms` | 12 |',
        '',
        'Commit `a1b2c3d4e5f6` · pull request #12 · card `models/sentiment/README.md` · ran 3 min 6 s on Linux X64 (GitHub Actions 7) · artifact `modelgate-eval-sentiment`',
        '',
      ].join('\n'),
    );
  });

  test('dispatched by the App for a pull request: the PR comes from the `pr` input, the commit from GITHUB_SHA', async () => {
    const result = await runAction({
      inputs: { model: 'fraud', command: WRITE_METRICS, metrics: 'metrics.json' },
      event: { inputs: { pr: '42', sha: 'f'.repeat(40), model: 'fraud' }, ref: 'refs/heads/feature' },
      env: { GITHUB_SHA: PUSH_SHA },
    });
    expect(result.failed).toBe(false);
    expect(JSON.parse(uploads[0]!.contents['modelgate-eval.json']!)).toMatchObject({ commit: PUSH_SHA, pull_request: 42 });
  });

  test('a malformed `pr` input is ignored, not trusted', async () => {
    const result = await runAction({
      inputs: { model: 'fraud', command: WRITE_METRICS, metrics: 'metrics.json' },
      event: { inputs: { pr: '42; rm -rf /' } },
      env: { GITHUB_SHA: PUSH_SHA },
    });
    expect(result.failed).toBe(false);
    expect(JSON.parse(uploads[0]!.contents['modelgate-eval.json']!)).toMatchObject({ pull_request: null });
  });

  test('a model name instead of a card; on push the commit is GITHUB_SHA; predictions are validated and uploaded', async () => {
    const result = await runAction({
      inputs: { model: 'fraud.v2', command: WRITE_METRICS_AND_PREDICTIONS, metrics: 'out/m.JSON', predictions: 'out/per-example.jsonl' },
      event: { ref: 'refs/heads/main' },
      env: { GITHUB_SHA: PUSH_SHA, RUNNER_NAME: '' },
    });
    expect(result.failed).toBe(false);
    const upload = uploads[0]!;
    expect(upload.name).toBe('modelgate-eval-fraud.v2');
    expect(upload.files.map((f) => f.slice(upload.rootDirectory.length + 1))).toEqual(['modelgate-eval.json', 'metrics.json', 'predictions.jsonl']);
    const predictions = '{"id": "a", "accuracy": 1}\n{"id": "b", "accuracy": 0}\n';
    expect(upload.contents['predictions.jsonl']).toBe(predictions);
    const manifest = JSON.parse(upload.contents['modelgate-eval.json']!);
    expect(manifest).toMatchObject({
      model: { name: 'fraud.v2', version: null, source: 'input' },
      card: null,
      commit: PUSH_SHA,
      pull_request: null,
      metrics: { accuracy: 0.5 },
      files: {
        metrics: { name: 'metrics.json', sha256: sha256('{"accuracy":0.5}') },
        predictions: { name: 'predictions.jsonl', sha256: sha256(predictions) },
      },
      runner: { os: 'Linux', arch: 'X64', name: null },
    });
    expect(result.summary).toContain('Commit `0123456789ab` · ran 3 min 6 s on Linux X64 · artifact `modelgate-eval-fraud.v2`');
  });

  test('NaN, null and text values are kept as markers and text, shown in the summary, and warned about', async () => {
    const yaml = 'accuracy: .nan\nloss: null\nnote: "best <b>@team</b> | run"\nlatency: "12"\n';
    const result = await runAction({
      inputs: { model: 'sentiment', command: `printf '%s' '${yaml}' > metrics.yaml`, metrics: 'metrics.yaml' },
    });
    expect(result.failed).toBe(false);
    const manifest = JSON.parse(uploads[0]!.contents['modelgate-eval.json']!);
    expect(manifest.metrics).toEqual({ accuracy: { invalid: 'NaN' }, loss: { invalid: 'null' }, note: 'best <b>@team</b> | run', latency: '12' });
    expect(uploads[0]!.files.map((f) => f.slice(uploads[0]!.rootDirectory.length + 1))).toEqual(['modelgate-eval.json', 'metrics.yaml']);
    expect(result.summary).toBe(
      [
        '## Evaluation of `sentiment`',
        '',
        '| Metric | Value |',
        '| :-- | --: |',
        '| `accuracy` | ⚠️ NaN |',
        '| `loss` | ⚠️ null |',
        // Text from the file is escaped: no HTML, no @-mention, no table break.
        '| `note` | &quot;best &lt;b&gt;@\u200dteam&lt;/b&gt; \\| run&quot; |',
        '| `latency` | &quot;12&quot; |',
        '',
        'Commit `ffffffffffff` · ran 3 min 6 s on Linux X64 (GitHub Actions 7) · artifact `modelgate-eval-sentiment`',
        '',
      ].join('\n'),
    );
    expect(result.commands).toContain(
      '::warning title=metrics/numeric-string,file=metrics.yaml,line=4,col=10::`latency`: "12" is a string, so it is shown but not compared. Write it as a number, without quotes.',
    );
  });

  test('working-directory: the command runs there and the paths are relative to it', async () => {
    const result = await runAction({
      files: { 'models/sentiment/README.md': CARD, 'models/sentiment/eval.sh': 'pwd > where.txt\necho \'{"acc": 1}\' > "$MODELGATE_METRICS"\n' },
      inputs: { model: 'README.md', command: 'bash eval.sh', metrics: 'results.json', 'working-directory': 'models/sentiment' },
    });
    expect(result.failed).toBe(false);
    expect(readFileSync(join(repo.root, 'models/sentiment/where.txt'), 'utf8').trim()).toBe(join(repo.root, 'models/sentiment'));
    expect(JSON.parse(uploads[0]!.contents['modelgate-eval.json']!).card).toEqual({ path: 'models/sentiment/README.md', sha256: sha256(CARD) });
  });
});

describe('evaluate action: inputs are never code', () => {
  test('quotes and $(…) in the paths and the model are data; the command string reaches bash unchanged', async () => {
    // The metrics path would run `touch pwned` if anything pasted it into a shell string.
    const metrics = `out/$(touch pwned)'";\`touch pwned2\`.json`;
    const command = [
      'mkdir -p out',
      `printf '%s\\n' "single ' and double \\" quotes, \\$HOME and \\$(not run)"`,
      'echo \'{"accuracy": 1}\' > "$MODELGATE_METRICS"',
    ].join('\n');
    const result = await runAction({ inputs: { model: 'sentiment', command, metrics } });
    expect(result.commands.filter((c) => c.startsWith('::error'))).toEqual([]);
    expect(commandOutput).toBe('single \' and double " quotes, $HOME and $(not run)\n');
    expect(readdirSync(join(repo.root, 'out'))).toEqual([`$(touch pwned)'";\`touch pwned2\`.json`]);
    expect(existsSync(join(repo.root, 'pwned'))).toBe(false);
    expect(existsSync(join(repo.root, 'out', 'pwned'))).toBe(false);
    expect(existsSync(join(repo.root, 'pwned2'))).toBe(false);
  });

  test("the command sees the MODELGATE_ variables, but not the runner's tokens, our inputs or our outputs file", async () => {
    const result = await runAction({
      inputs: { model: 'sentiment', command: 'env | sort > env.txt; echo "{\\"a\\": 1}" > m.json', metrics: 'm.json' },
      env: { ACTIONS_RUNTIME_TOKEN: 'secret-runtime', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret-oidc', ACTIONS_RESULTS_URL: 'https://results', ACTIONS_STEP_DEBUG: 'true' },
    });
    expect(result.failed).toBe(false);
    const env = readFileSync(join(repo.root, 'env.txt'), 'utf8');
    const names = env.split('\n').map((l) => l.split('=')[0]);
    expect(env).toContain(`MODELGATE_METRICS=${join(repo.root, 'm.json')}\n`);
    expect(env).toContain('MODELGATE_MODEL=sentiment\n');
    expect(names).toContain('MODELGATE_PREDICTIONS');
    expect(names).toContain('ACTIONS_STEP_DEBUG');
    expect(names).toContain('GITHUB_STEP_SUMMARY');
    for (const hidden of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_RESULTS_URL', 'GITHUB_OUTPUT', 'INPUT_COMMAND', 'INPUT_MODEL']) {
      expect(names).not.toContain(hidden);
    }
    expect(env).not.toContain('secret-');
  });
});

describe('evaluate action: failures', () => {
  test('a failing command fails the step with its exit code, and nothing is uploaded', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: 'echo starting; exit 3', metrics: 'm.json' } });
    expect(result.failed).toBe(true);
    expect(failure(result.commands)).toBe('The evaluation command failed (exit code 3); its output is above.');
    expect(commandOutput).toBe('starting\n');
    expect(uploads).toEqual([]);
    expect(result.outputs).toEqual({});
  });

  test('pipefail: a failure inside a pipeline fails the command, as in a run: step', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: 'false | cat\necho \'{"a": 1}\' > m.json', metrics: 'm.json' } });
    expect(failure(result.commands)).toBe('The evaluation command failed (exit code 1); its output is above.');
  });

  test('a timeout kills the whole process group, even processes that ignore SIGTERM', async () => {
    // bash ignores TERM and so does the background sleep (ignored signals are inherited): only
    // the SIGKILL after the grace period ends them.
    const result = await runAction({
      inputs: { model: 'sentiment', command: "trap '' TERM\nsleep 30 &\necho $! > sleep.pid\nwait", metrics: 'm.json', 'timeout-minutes': '0.005' },
    });
    expect(result.failed).toBe(true);
    expect(failure(result.commands)).toBe(
      'The evaluation command timed out after 0.005 minutes and was stopped. Raise timeout-minutes, or make the evaluation faster.',
    );
    const pid = Number(readFileSync(join(repo.root, 'sleep.pid'), 'utf8'));
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    expect(await exits(pid)).toBe(true);
    expect(uploads).toEqual([]);
  });

  test('a command killed by a signal says so', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: 'kill -KILL $$', metrics: 'm.json' } });
    expect(failure(result.commands)).toBe('The evaluation command was killed by SIGKILL (out of memory, or cancelled?); its output is above.');
  });

  test('what the command leaves running in the background is stopped when it exits', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: 'sleep 30 &\necho $! > bg.pid\necho \'{"a": 1}\' > m.json', metrics: 'm.json' } });
    expect(result.failed).toBe(false);
    expect(await exits(Number(readFileSync(join(repo.root, 'bg.pid'), 'utf8')))).toBe(true);
  });

  test('an upload that fails says which artifact, and why', async () => {
    const result = await runAction({
      inputs: { model: 'sentiment', command: "echo '{\"a\": 1}' > m.json", metrics: 'm.json' },
      upload: async () => {
        throw new Error('Failed request: (409) Conflict: an artifact with this name already exists on the workflow run');
      },
    });
    expect(failure(result.commands)).toBe(
      'Could not upload the artifact modelgate-eval-sentiment: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run ' +
        'An artifact of that name already exists in this workflow run: evaluate each model in one job only.',
    );
    expect(result.outputs).toEqual({});
  });

  test('a command that exits 0 without writing the metrics file', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: 'echo done', metrics: 'out/metrics.json' } });
    expect(failure(result.commands)).toBe('The command exited 0 but wrote no metrics file at out/metrics.json.');
    expect(uploads).toEqual([]);
  });

  test("a metrics file left over from before the command (e.g. committed) is not this run's result", async () => {
    const result = await runAction({
      files: { 'metrics.json': '{"accuracy": 0.99}' },
      inputs: { model: 'sentiment', command: 'echo "forgot to evaluate"', metrics: 'metrics.json' },
    });
    expect(failure(result.commands)).toBe(
      "The command exited 0 but did not write the metrics file at metrics.json: it is unchanged since before the command ran, so it is not this run's result.",
    );
  });

  test('garbage metrics fail with the file, line and column, and an annotation there', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: `printf '{"accuracy": 0.9,\\n  oops}' > metrics.json`, metrics: 'metrics.json' } });
    expect(result.failed).toBe(true);
    expect(failure(result.commands)).toBe('metrics.json:2:3: Invalid JSON: Unexpected character "o"; expected a key in double quotes.');
    expect(result.commands).toContain('::error file=metrics.json,line=2,col=3::Invalid JSON: Unexpected character "o"; expected a key in double quotes.');
    expect(uploads).toEqual([]);
  });

  test('metrics that are not metrics (a list) are refused by the same reader as modelgate diff', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: "echo '[0.9, 0.8]' > m.json", metrics: 'm.json' } });
    expect(failure(result.commands)).toBe(
      'm.json:1:1: Expected an object of metrics (name: value) at the top level, found a list. Write e.g. {"accuracy": 0.91, "loss": 0.23}.',
    );
  });

  test('a missing or invalid per-example results file fails the step', async () => {
    const missing = await runAction({ inputs: { model: 'sentiment', command: "echo '{\"a\": 1}' > m.json", metrics: 'm.json', predictions: 'p.jsonl' } });
    expect(failure(missing.commands)).toBe('The command exited 0 but wrote no per-example results file at p.jsonl.');
    const empty = await runAction({ inputs: { model: 'sentiment', command: "echo '{\"a\": 1}' > m.json; : > p.jsonl", metrics: 'm.json', predictions: 'p.jsonl' } });
    expect(failure(empty.commands)).toBe('p.jsonl:1:1: The per-example results file is empty.');
    expect(uploads).toEqual([]);
  });
});

describe('evaluate action: bad inputs fail before the command runs', () => {
  const ran = () => existsSync(join(repo.root, 'ran'));

  test.each([
    [{ model: 'Sentiment Model' }, "The model input 'Sentiment Model' is neither a model card (there is no file at Sentiment Model) nor a model name (lowercase letters, digits, `.`, `_` and `-`, at most 64 characters, starting with a letter or digit)."],
    [{ model: 'models/missing/README.md' }, "The model input 'models/missing/README.md' is neither a model card (there is no file at models/missing/README.md) nor a model name (lowercase letters, digits, `.`, `_` and `-`, at most 64 characters, starting with a letter or digit)."],
    [{ model: 'models' }, "The model input 'models' is a directory. Name the model card in it (e.g. models/README.md), or give the model's name."],
    [{ 'timeout-minutes': '10m' }, "The timeout-minutes input must be a positive number of minutes (e.g. 30 or 0.5), not '10m'."],
    [{ 'timeout-minutes': '0' }, "The timeout-minutes input must be a positive number of minutes (e.g. 30 or 0.5), not '0'."],
    [{ 'working-directory': 'nowhere' }, 'The working-directory nowhere does not exist (not found).'],
    [{ command: '  ' }, 'Input required and not supplied: command'],
  ])('%j', async (override, message) => {
    const result = await runAction({
      files: { 'models/sentiment/README.md': CARD },
      inputs: { model: 'sentiment', command: 'touch ran', metrics: 'm.json', ...override },
    });
    expect(failure(result.commands)).toBe(message);
    expect(ran()).toBe(false);
  });

  test('a card that names no model says how to name it', async () => {
    const result = await runAction({
      files: { 'MODEL_CARD.md': '---\nlicense: mit\nmodelgate:\n  model: Not Safe!\n---\n# Card\n' },
      inputs: { model: 'MODEL_CARD.md', command: 'touch ran', metrics: 'm.json' },
    });
    expect(failure(result.commands)).toBe(
      'Cannot tell which model MODEL_CARD.md describes. MODEL_CARD.md:4:10: Model name "Not Safe!" cannot be used: names become file paths and git refs. ' +
        'Use lowercase letters, digits, `.`, `_` and `-` (at most 64, starting with a letter or digit), e.g. `not-safe`. ' +
        "Fix the card, or give the model's name as the model input.",
    );
    expect(ran()).toBe(false);
  });

  test('a card at the repository root without `modelgate:` has no folder to name it', async () => {
    const result = await runAction({
      files: { 'model_card.yml': 'license: mit\n' },
      inputs: { model: 'model_card.yml', command: 'touch ran', metrics: 'm.json' },
    });
    expect(failure(result.commands)).toBe(
      'Cannot tell which model model_card.yml describes. ' +
        "Name it in the card's metadata (modelgate: {model: <name>, version: <version>}), keep the card in a folder named after the model, or give the model's name as the model input.",
    );
    expect(ran()).toBe(false);
  });

  test('outside a workflow run (no GITHUB_SHA) the commit is unknown', async () => {
    const result = await runAction({ inputs: { model: 'sentiment', command: 'touch ran', metrics: 'm.json' }, env: { GITHUB_SHA: '' } });
    expect(failure(result.commands)).toBe(
      'GITHUB_SHA is not set: this action runs in a GitHub Actions job, where the runner sets it to the commit being evaluated.',
    );
    expect(ran()).toBe(false);
  });
});

describe('evaluate action: the job summary', () => {
  test(`shows at most ${MAX_SUMMARY_ROWS} metrics and says where the rest are`, () => {
    const lines = Array.from({ length: MAX_SUMMARY_ROWS + 2 }, (_, i) => `m${i}: ${i}`);
    const read = readMetrics('metrics.yaml', lines.join('\n'));
    if (!read.ok) throw new Error(read.error.message);
    const manifest = buildManifest({
      model: { name: 'big', version: null, source: 'input' },
      card: null,
      commit: PUSH_SHA,
      pullRequest: null,
      metrics: read.value,
      files: { metrics: { name: 'metrics.yaml', sha256: '0'.repeat(64) }, predictions: null },
      startedAt: STARTED,
      finishedAt: new Date(STARTED.getTime() + 4_200),
      exitCode: 0,
      runner: { os: null, arch: null, name: null },
    });
    const summary = renderSummary(manifest, read.value, 'modelgate-eval-big').split('\n');
    expect(summary.filter((l) => l.startsWith('| `m'))).toHaveLength(MAX_SUMMARY_ROWS);
    expect(summary.slice(-4)).toEqual([
      '_…and 2 more metrics: every metric is in `modelgate-eval.json` in the artifact._',
      '',
      'Commit `0123456789ab` · ran 4.2 s · artifact `modelgate-eval-big`',
      '',
    ]);
  });

  test.each([
    [0.25, '0.3 s'],
    [42.4, '42 s'],
    [185.5, '3 min 6 s'],
    [7260, '2 h 1 min'],
  ])('formatDuration(%d) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

/**
 * Whether the process is gone within a few seconds. A SIGKILLed process closes its pipes (which
 * ends the action's wait) a moment before it leaves the process table, so poll briefly.
 */
async function exits(pid: number): Promise<boolean> {
  for (let i = 0; i < 250; i++) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Whether a process exists and is not a zombie (a container's PID 1 may never reap it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
