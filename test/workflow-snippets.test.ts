import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { collectProblems, markdownSnippets } from '../scripts/check-workflows.mjs';
import { formatProblem } from '../scripts/workflow-checks.mjs';
import { tmpRepo } from './helpers/tmp-repo.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const ZERO = '0'.repeat(40);

describe('YAML snippets in the READMEs are linted like workflows', () => {
  it('a step list is linted inside a job, its problems at their line in the Markdown; an unlintable shape is a problem', async () => {
    const readme = [
      '# Title',
      '',
      '```yaml',
      `      - uses: acme/x@${ZERO}`,
      '        id: x',
      '      - run: echo "${{ steps.x.outputs.valid }}"',
      '```',
      '',
      '```yaml',
      'foo: bar',
      '```',
      '',
      '```yaml',
      '# .pre-commit-config.yaml',
      'repos: []',
      '```',
      '',
      '```yaml',
      '---',
      'license: mit',
      '---',
      '```',
      '',
    ].join('\n');
    const repo = tmpRepo({ 'README.md': readme });
    try {
      expect((await collectProblems(repo.root)).map((p) => `${p.file}:${p.line} [${p.kind}]`)).toEqual([
        'README.md:6 [injection]',
        'README.md:10 [snippet]',
      ]);
    } finally {
      repo.remove();
    }
    expect(markdownSnippets(readme).map((s) => s.kind)).toEqual(['workflow', 'problem', 'yaml', 'yaml']);
  });

  it('a workflow without timeout-minutes in an action README is found', async () => {
    const repo = tmpRepo({
      'actions/x/README.md': '```yaml\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n```\n',
    });
    try {
      expect((await collectProblems(repo.root)).map(formatProblem)).toEqual([
        'actions/x/README.md:5:3: Job `a` has no `timeout-minutes`: a hung step would hold the runner for the default 6 hours. Set one. [timeout]',
      ]);
    } finally {
      repo.remove();
    }
  });

  it('the actions run on node24', () => {
    for (const name of ['evaluate', 'metrics-diff', 'validate-model-card']) {
      expect((parse(read(`actions/${name}/action.yml`)) as { runs: { using: string } }).runs.using).toBe('node24');
    }
  });
});

/** The reusable workflow's pin step, run with bash and a fake `gh` that serves the caller's workflow file. */
describe('one pin: the reusable workflow reads its SHA from the caller', () => {
  const workflow = parse(read('.github/workflows/evaluate.yml')) as { jobs: { evaluate: { steps: { id?: string; run?: string }[] } } };
  const script = workflow.jobs.evaluate.steps.find((s) => s.id === 'pin')!.run!;
  const SHA = 'a'.repeat(40);

  function pin(caller: string, env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-pin-'));
    try {
      writeFileSync(join(dir, 'caller.yml'), caller);
      writeFileSync(join(dir, 'gh'), `#!/bin/sh\necho "$@" > "${dir}/gh-args"\ncat "${dir}/caller.yml"\n`);
      chmodSync(join(dir, 'gh'), 0o755);
      writeFileSync(join(dir, 'out'), '');
      const r = spawnSync('bash', ['-e', '-c', script], {
        encoding: 'utf8',
        env: {
          PATH: `${dir}:${process.env['PATH']}`,
          GITHUB_WORKFLOW_REF: 'acme/ml/.github/workflows/evaluate-models.yml@refs/heads/main',
          GITHUB_WORKFLOW_SHA: 'b'.repeat(40),
          GITHUB_OUTPUT: join(dir, 'out'),
          MODELGATE_REPOSITORY: 'modelgate/modelgate',
          MODELGATE_SHA: '',
          GH_TOKEN: 'x',
          ...env,
        },
      });
      return { status: r.status, stdout: r.stdout, output: readFileSync(join(dir, 'out'), 'utf8'), ghArgs: readFileSync(join(dir, 'gh-args'), 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const caller = (...refs: string[]) => `jobs:\n${refs.map((ref, i) => `  m${i}:\n    uses: modelgate/modelgate/.github/workflows/evaluate.yml@${ref} # v1\n`).join('')}`;

  it('takes the SHA after the @ of the caller’s uses: line, read at the commit the caller ran from', () => {
    const r = pin(caller(SHA, SHA));
    expect(r.status).toBe(0);
    expect(r.output).toBe(`sha=${SHA}\n`);
    expect(r.ghArgs).toBe(`api -H Accept: application/vnd.github.raw repos/acme/ml/contents/.github/workflows/evaluate-models.yml?ref=${'b'.repeat(40)}\n`);
  });

  it('fails with a clear message when modelgate-sha and the pin differ, or the pins disagree, or the pin is a branch', () => {
    const differ = pin(caller(SHA), { MODELGATE_SHA: 'c'.repeat(40) });
    expect(differ.status).toBe(1);
    expect(differ.stdout).toContain(`::error title=modelgate pin::modelgate-sha (${'c'.repeat(40)}) differs from the SHA your workflow calls this workflow at (${SHA}).`);
    expect(pin(caller(SHA), { MODELGATE_SHA: SHA }).output).toBe(`sha=${SHA}\n`);
    expect(pin(caller(SHA, 'd'.repeat(40))).stdout).toContain('at several refs');
    expect(pin(caller('main')).stdout).toContain("The evaluate workflow is called at 'main': pin it to a full 40-character commit SHA");
    expect(pin('jobs: {}\n').stdout).toContain('Could not find the call of modelgate/modelgate/.github/workflows/evaluate.yml@<sha>');
  });
});

/** A small evaluator for the `if:` expressions of the caller example: ==, !=, &&, ||, (), literals, contexts. */
function evaluate(expression: string, context: Record<string, string>): boolean | string {
  const tokens = expression.match(/'[^']*'|==|!=|&&|\|\||\(|\)|[\w.-]+/g)!;
  let i = 0;
  const primary = (): boolean | string => {
    const t = tokens[i++]!;
    if (t === '(') {
      const v = or();
      i++;
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1);
    return context[t] ?? '';
  };
  const comparison = (): boolean | string => {
    const left = primary();
    if (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++];
      const right = primary();
      return op === '==' ? left === right : left !== right;
    }
    return left;
  };
  const and = (): boolean | string => {
    let v = comparison();
    while (tokens[i] === '&&') {
      i++;
      const r = comparison();
      v = Boolean(v) && Boolean(r);
    }
    return v;
  };
  const or = (): boolean | string => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      const r = and();
      v = Boolean(v) || Boolean(r);
    }
    return v;
  };
  return or();
}

describe('the caller example honours its dispatch inputs', () => {
  const example = parse(read('examples/evaluate-caller.yml')) as { on: { workflow_dispatch: { inputs: Record<string, unknown> } }; jobs: Record<string, { if: string }> };
  const condition = example.jobs['sentiment']!.if;
  const runs = (ctx: Record<string, string>) => evaluate(condition, { 'github.sha': 'h1', ...ctx });

  it('declares pr, sha and model, as the App dispatches them', () => {
    expect(Object.keys(example.on.workflow_dispatch.inputs).sort()).toEqual(['model', 'pr', 'sha']);
  });

  it('model: /modelgate evaluate sentiment runs this job; another model does not', () => {
    const dispatch = { 'github.event_name': 'workflow_dispatch' };
    expect(runs({ ...dispatch, 'inputs.model': 'sentiment' })).toBe(true);
    expect(runs({ ...dispatch, 'inputs.model': 'ner' })).toBe(false);
    expect(runs({ ...dispatch })).toBe(true); // no model named: all of them
  });

  it('sha: only while the branch is at the commit the App asked about', () => {
    const dispatch = { 'github.event_name': 'workflow_dispatch' };
    expect(runs({ ...dispatch, 'inputs.sha': 'h1' })).toBe(true);
    expect(runs({ ...dispatch, 'inputs.sha': 'old' })).toBe(false);
  });

  it('pull requests and pushes always run', () => {
    expect(runs({ 'github.event_name': 'pull_request', 'inputs.model': 'x' })).toBe(true);
    expect(runs({ 'github.event_name': 'push' })).toBe(true);
  });

  it('the evaluate action takes pr from the dispatch inputs, for the manifest', () => {
    expect(read('actions/evaluate/src/context.ts')).toMatch(/inputs\?\.\['pr'\]/);
  });
});
