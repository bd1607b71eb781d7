import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { fakeIO } from '../helpers/fake-io.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';

/** `modelgate diff` against git revisions, several files, stdin, and the github and json formats. */
let repo: TmpRepo;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo.root, encoding: 'utf8' }).trim();

const CARD = (acc: number) =>
  `---\nlicense: mit\nmodel-index:\n- name: sentiment\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: ${acc}}]\n---\n# Sentiment\n`;

beforeEach(() => {
  repo = tmpRepo({
    '.github/modelgate.yml': 'metrics:\n  - match: "eval.accuracy"\n    max_regression: 0.01\n  - match: "**/accuracy"\n    max_regression: 0.05\n',
    'eval/metrics.json': '{"eval": {"accuracy": 0.9, "loss": 0.3}}',
    'eval/latency.csv': 'metric,value\nlatency_ms,120\n',
    'models/sentiment/README.md': CARD(0.91),
  });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'baseline');
});
afterEach(() => repo.remove());

async function run(args: string[], cwd = repo.root, options: Parameters<typeof fakeIO>[1] & { stdin?: string } = {}) {
  const io = fakeIO(cwd, options);
  if (options.stdin !== undefined) io.readStdin = async () => new TextEncoder().encode(options.stdin);
  const code = await main(['diff', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('modelgate diff with git revisions', () => {
  it('diff main -- FILE: the working tree against main, as dvc metrics diff main does', async () => {
    writeFileSync(join(repo.root, 'eval/metrics.json'), '{"eval": {"accuracy": 0.85, "loss": 0.3}}');
    const r = await run(['main', '--format', 'json', '--', 'eval/metrics.json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.baseline).toEqual({ label: 'main', ref: 'main', sha: git('rev-parse', 'main') });
    expect(doc.rows.map((row: { metric: string; gate: string }) => [row.metric, row.gate])).toEqual([
      ['eval.accuracy', 'fail'],
      ['eval.loss', 'none'],
    ]);
  });

  it('no PATHS: every model card the globs find; no revision: HEAD against the working tree', async () => {
    writeFileSync(join(repo.root, 'models/sentiment/README.md'), CARD(0.8));
    const r = await run(['--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.baseline.label).toBe('HEAD');
    expect(doc.rows).toEqual([expect.objectContaining({ metric: 'IMDB/accuracy', base: 0.91, head: 0.8, gate: 'fail', rules: [1] })]);
  });

  it('two revisions, a directory: keys prefixed by file, each file with its own rules', async () => {
    writeFileSync(join(repo.root, 'eval/metrics.json'), '{"eval": {"accuracy": 0.95, "loss": 0.3}}');
    writeFileSync(join(repo.root, 'eval/new.yaml'), 'recall: 0.5\n');
    git('add', '-A');
    git('commit', '-qm', 'better');
    const r = await run(['main~1', 'main', '--format', 'json', '--', 'eval']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out).rows.map((row: { metric: string; status: string }) => `${row.metric} ${row.status}`);
    expect(rows).toEqual(['eval/latency.csv:latency_ms unchanged', 'eval/metrics.json:eval.accuracy improved', 'eval/metrics.json:eval.loss unchanged', 'eval/new.yaml:recall added']);
  });

  it('from a subdirectory: PATHS relative to it, the config from the repository root', async () => {
    writeFileSync(join(repo.root, 'eval/metrics.json'), '{"eval": {"accuracy": 0.85}}');
    const r = await run(['main', '--', 'metrics.json'], join(repo.root, 'eval'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}/);
  });

  it('a file that is also a revision is ambiguous; a name that is neither is an error', async () => {
    git('branch', 'metrics.json');
    writeFileSync(join(repo.root, 'metrics.json'), '{}');
    expect(await run(['metrics.json', 'eval/metrics.json'])).toMatchObject({ code: 2, err: "modelgate: 'metrics.json' is both a file and a git revision: write ./metrics.json for the file, or metrics.json^{commit} for the revision.\n" });
    expect((await run(['./metrics.json', 'eval/metrics.json'])).code).toBe(0);
    expect((await run(['mian'])).err).toBe("modelgate: 'mian' is neither a file nor a git revision here. Check the name (a branch, tag or commit, or a metrics file).\n");
    expect((await run(['main', 'eval/metrics.json'])).err).toBe("modelgate: Give two files, or git revisions: main eval/metrics.json mixes them. Run 'modelgate diff --help' for the forms.\n");
    expect((await run(['main', '--', 'nothing-here'])).err).toMatch(/^modelgate: nothing-here has no metrics file in main or the working tree/);
  });
});

describe('modelgate diff: stdin, --format github, JSON errors', () => {
  it("'-' reads one side from standard input", async () => {
    const r = await run(['eval/metrics.json', '-', '--format', 'json'], repo.root, { stdin: '{"eval": {"accuracy": 0.5}}' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).rows[0]).toMatchObject({ metric: 'eval.accuracy', head: 0.5, gate: 'fail' });
  });

  it('--format github: an error annotation on the failing metric line, and the table in the job summary', async () => {
    writeFileSync(join(repo.root, 'eval/metrics.json'), '{\n  "eval": {\n    "accuracy": 0.85, "loss": 0.3}}');
    const summary = join(repo.root, 'summary.md');
    writeFileSync(summary, '');
    const r = await run(['main', '--format', 'github', '--', 'eval/metrics.json'], repo.root, { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toBe(
      '::error file=eval/metrics.json,line=3,title=modelgate%3A eval.accuracy::eval.accuracy fails its gate against main: regressed by 0.05, more than the allowed 0.01',
    );
    expect(r.out).toMatch(/\nFAIL: .*\(baseline: main\)\n$/);
    expect(readFileSync(summary, 'utf8')).toContain('| Metric | Base | Head |');
  });

  it('--format json: a usage error is a JSON document on stdout too, with schema 1', async () => {
    for (const args of [['--format', 'json', 'nope'], ['--format=json', '--bogus'], ['-f', 'json', 'a', 'b', 'c']]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      const doc = JSON.parse(r.out);
      expect(doc).toEqual({ schema: 1, error: { message: expect.any(String), exit_code: 2 } });
      expect(r.err).toBe(`modelgate: ${doc.error.message}\n`);
    }
  });

  it('--explain: which rules applied to each metric', async () => {
    const r = await run(['main', '--explain', '--', 'eval/metrics.json']);
    expect(r.out).toContain('\neval.accuracy\n  matching rules, highest precedence first:\n    #1 "eval.accuracy"  exact name\n  max_regression: 0.01  from #1 "eval.accuracy"\n');
  });
});
