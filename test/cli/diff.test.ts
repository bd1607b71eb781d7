import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DIFF_USAGE, runDiff } from '../../src/cli/diff.js';
import { CliError, type CliIO } from '../../src/cli/io.js';

let dir: string;
let out: string;
let err: string;

function io(overrides: Partial<CliIO> = {}): CliIO {
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    cwd: dir,
    isTTY: false,
    env: {},
    ...overrides,
  };
}

function write(name: string, content: string | Uint8Array): void {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

async function run(...args: string[]): Promise<number> {
  return runDiff(args, io());
}

/** Runs a command that must fail with a usage/input error; returns the message. */
async function usageError(...args: string[]): Promise<string> {
  try {
    await runDiff(args, io());
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-diff-'));
  out = '';
  err = '';
  write('base.json', '{"eval": {"accuracy": 0.9, "loss": 0.3}}');
  write('head.json', '{"eval": {"accuracy": 0.85, "loss": 0.25}, "f1": NaN}');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('modelgate diff', () => {
  it('prints usage for --help', async () => {
    expect(await run('--help')).toBe(0);
    expect(out).toBe(DIFF_USAGE);
    expect(out.startsWith('Usage: modelgate diff [BASE] [HEAD] [-- PATHS...] [options]')).toBe(true);
  });

  it('exits 0 and prints exactly one JSON document when every gate passes', async () => {
    write('gates.yml', 'metrics:\n  - match: eval.accuracy\n    max_regression: 0.1\n');
    expect(await run('base.json', 'head.json', '--config', 'gates.yml', '--format', 'json', '--base-label', 'main', '--base-sha', 'abc123', '--base-version', '1.0')).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual(['schema', 'rows', 'gates_passed', 'baseline', 'significance', 'notes']);
    expect(doc.schema).toBe(1);
    expect(doc.gates_passed).toBe(true);
    expect(doc.baseline).toEqual({ label: 'main', sha: 'abc123', version: '1.0' });
    expect(doc.rows).toEqual([
      {
        metric: 'eval.accuracy',
        base: 0.9,
        head: 0.85,
        delta: 0.85 - 0.9,
        relative_delta: (0.85 - 0.9) / 0.9,
        status: 'regressed',
        gate: 'pass',
        reason: 'regressed by 0.05, within the allowed 0.1',
        ci: null,
        significant: null,
        goal: 'maximize',
        rules: [0],
      },
      {
        metric: 'eval.loss',
        base: 0.3,
        head: 0.25,
        delta: 0.25 - 0.3,
        relative_delta: (0.25 - 0.3) / 0.3,
        status: 'improved',
        gate: 'none',
        reason: 'no rule matches',
        ci: null,
        significant: null,
        goal: 'minimize',
        rules: [],
      },
      { metric: 'f1', base: null, head: 'NaN', delta: null, relative_delta: null, status: 'invalid', gate: 'none', reason: 'no rule matches', ci: null, significant: null, goal: 'maximize', rules: [] },
    ]);
  });

  it('exits 1 when a gate fails, with the config found in .github/modelgate.yml', async () => {
    write('.github/modelgate.yml', 'metrics:\n  - match: "eval.*"\n    max_regression: 0.01\n');
    expect(await run('base.json', 'head.json', '-f', 'md', '--model', 'tiny', '--base-label', 'main')).toBe(1);
    expect(out.split('\n').slice(0, 2)).toEqual([
      '<!-- modelgate:metrics-diff model=tiny -->',
      '❌ **1 of 2 metric gates failed** — compared with the baseline **main**.',
    ]);
    expect(out).toContain('- `eval.accuracy`: regressed by 0\\.05, more than the allowed 0\\.01');
  });

  it('prints text by default, for people', async () => {
    expect(await run('base.json', 'head.json')).toBe(0);
    expect(out).toBe(
      [
        'INFO  No metric gates apply — baseline: base.json',
        '      1 regressed, 1 invalid, 1 improved',
        '',
        'Metric         Base  Head      Δ      Δ%  95% CI  Status     Gate',
        'eval.accuracy   0.9  0.85  -0.05   -5.6%  —       regressed',
        'f1                —   NaN      —       —  —       invalid',
        'eval.loss       0.3  0.25  -0.05  -16.7%  —       improved',
        '',
        'Significance not computed: no per-example results were given.',
        'Pass --base-predictions and --head-predictions (per-example results) for confidence intervals.',
        '',
      ].join('\n'),
    );
  });

  it('computes paired bootstrap intervals from per-example results', async () => {
    const lines = (values: number[]) => values.map((v, i) => JSON.stringify({ id: `q${i}`, accuracy: v })).join('\n') + '\n';
    write('base.jsonl', lines(Array.from({ length: 200 }, (_, i) => (i % 10 < 9 ? 1 : 0))));
    write('head.csv', 'id,accuracy\n' + Array.from({ length: 200 }, (_, i) => `q${i},${i % 10 < 7 ? 1 : 0}`).join('\n') + '\n');
    write('.github/modelgate.yml', 'metrics:\n  - match: eval.accuracy\n    max_regression: 0.01\n    fail_only_if_significant: true\n');
    const args = ['base.json', 'head.json', '--base-predictions', 'base.jsonl', '--head-predictions', 'head.csv', '--format', 'json', '--seed', '7', '--resamples', '500'];
    expect(await run(...args)).toBe(1);
    const first = JSON.parse(out);
    const row = first.rows[0];
    expect(row.metric).toBe('eval.accuracy');
    expect(row.significant).toBe(true);
    expect(row.ci[0]).toBeLessThan(row.ci[1]);
    expect(row.ci[1]).toBeLessThan(0);
    expect(row.gate).toBe('fail');
    expect(first.significance).toMatchObject({ computed: true, resamples: 500, seed: 7, paired: 200, base_only: 0, head_only: 0 });
    expect(first.notes).toEqual([
      'The mean of per-example `accuracy` in head.csv is 0.7, but head reports `eval.accuracy` = 0.85; check the units and that the files belong together.',
    ]);
    out = '';
    await run(...args);
    expect(JSON.parse(out).rows[0].ci).toEqual(row.ci);
    // Threads never change an interval (and 200 examples stay on one thread anyway).
    out = '';
    await run(...args, '--threads', '3');
    expect(JSON.parse(out).rows[0].ci).toEqual(row.ci);
  });

  it.each([
    [[], 'Nothing to compare: give two metrics files (modelgate diff BASE HEAD), or run it in a git repository with a commit to compare the working tree with.'],
    [['a', 'b', 'c'], "Too many arguments before '--': give BASE and HEAD (files or revisions), then '--' and the paths to compare (got 3). Run 'modelgate diff --help' for usage."],
    [['base.json'], "Missing HEAD: with a file as BASE, name the HEAD file too (modelgate diff base.json HEAD_FILE), or '-' for standard input."],
    [['-', '-'], "Only one side can be read from standard input ('-')."],
    [['base.json', 'head.json', '--', 'x.json'], "Paths after '--' go with git revisions; two files are compared with each other as they are."],
    [['base.json', 'head.json', '--fromat', 'json'], "Unknown option '--fromat'. Did you mean '--format'? Run 'modelgate diff --help' for the options."],
    [['base.json', 'head.json', '--format', 'markdown'], "--format must be one of text, md, json, github, not 'markdown'."],
    [['base.json', 'head.json', '--format', 'jsn'], "--format must be one of text, md, json, github, not 'jsn'. Did you mean 'json'?"],
    [['base.json', 'head.json', '--format'], "Option '--format' needs a value, e.g. '--format=VALUE'."],
    [['base.json', 'head.json', '--base-predictions', 'p.jsonl'], '--base-predictions and --head-predictions go together: significance needs per-example results for both sides (only --base-predictions was given).'],
    [['base.json', 'head.json', '--seed=-1'], "--seed must be a whole number from 0 to 4,294,967,295, not '-1'."],
    [['base.json', 'head.json', '--seed', '-1'], "Option '--seed' needs a value, e.g. '--seed=VALUE'."],
    [['base.json', 'head.json', '--resamples', '10'], "--resamples must be a whole number from 100 to 100,000, not '10'."],
    [['base.json', 'head.json', '--threads', '0'], "--threads must be a whole number from 1 to 256, not '0'."],
    [['base.json', 'head.json', '--threads', 'all'], "--threads must be a whole number from 1 to 256, not 'all'."],
    [['base.json', 'missing.json'], "'missing.json' is neither a file nor a git revision here. Check the name (a branch, tag or commit, or a metrics file)."],
    [['base.json', 'head.json', '--config', 'nope.yml'], 'Cannot read config file nope.yml: not found.'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    expect(await usageError(...args)).toBe(message);
  });

  it('names the file, line and column of malformed input, without a stack trace', async () => {
    write('bad.json', '{\n  "accuracy": 0.9,\n}\n');
    expect(await usageError('bad.json', 'head.json')).toBe('bad.json:3:1: Invalid JSON: Trailing comma before "}"; JSON does not allow it.');
    write('bad.jsonl', '{"id": 1, "accuracy": 1}\n{"id": 1, "accuracy": 0}\n');
    write('ok.jsonl', '{"id": 1, "accuracy": 1}\n');
    expect(await usageError('base.json', 'head.json', '--base-predictions', 'bad.jsonl', '--head-predictions', 'ok.jsonl')).toBe(
      'bad.jsonl:2:1: The id "1" appears twice (first on line 1). Each example needs a unique id to be paired.',
    );
  });

  it('refuses files over the size cap before parsing them', async () => {
    write('huge.json', new Uint8Array(10 * 1024 * 1024 + 10).fill(0x20));
    expect(await usageError('huge.json', 'head.json')).toBe('huge.json:1:1: The file is 10.0 MiB, over the 10 MiB limit. Write fewer values, or split the file.');
  });

  it('prints config errors with their positions, then exits 2', async () => {
    write('.github/modelgate.yml', 'metrics:\n  - match: accuracy\n    max_regresion: 0.1\n');
    expect(await usageError('base.json', 'head.json')).toBe('.github/modelgate.yml is not a valid modelgate config (1 error).');
    expect(err).toContain('.github/modelgate.yml:3:5');
    expect(err).toContain('Unknown key `max_regresion` in `metrics[0]`.');
  });

  it('reads model cards, including a README without an extension', async () => {
    const card = (wer: number) => `---\nmodel-index:\n- name: asr\n  results:\n  - dataset: {name: cv}\n    metrics: [{type: wer, value: ${wer}}]\n---\n# Card\n`;
    write('base/README', card(10));
    write('head/README.md', card(12));
    write('.github/modelgate.yml', 'metrics:\n  - match: "**/wer"\n    max_regression: "10%"\n');
    expect(await run('base/README', 'head/README.md', '-f', 'md')).toBe(1);
    expect(out.split('\n')[0]).toBe('<!-- modelgate:metrics-diff model=asr -->');
    expect(out).toContain('- `cv/wer`: regressed by 2, more than the allowed 1 \\(10% of 10\\)');
  });
});
