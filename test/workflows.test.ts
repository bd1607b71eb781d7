import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { collectProblems } from '../scripts/check-workflows.mjs';
import { checkAction, checkWorkflow, formatProblem, runScripts, type Problem } from '../scripts/workflow-checks.mjs';
import { tmpRepo } from './helpers/tmp-repo.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

/** A hardened workflow that passes every check; each test breaks one thing. */
const GOOD = `name: good
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - env:
          TITLE: \${{ github.event.pull_request.title }}
        run: echo "$TITLE" "\${{ github.event_name }}" "\${{ runner.temp }}"
      - uses: ./local-action
      - uses: docker://alpine:3.20
`;

const kinds = (problems: Problem[]) => problems.map((p) => `${p.line}:${p.column} ${p.kind}`);

describe('the repository', () => {
  it('has no problem in any workflow, example or action (actionlint and our checks)', async () => {
    const problems = await collectProblems(ROOT);
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it('reports problems the way check-workflows.mjs prints them, and exits 1', () => {
    const repo = tmpRepo({
      '.github/workflows/bad.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n',
      'examples/fine.yml': GOOD,
    });
    try {
      const result = spawnSync(process.execPath, [join(ROOT, 'scripts/check-workflows.mjs'), repo.root], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stdout.split('\n').filter(Boolean)).toEqual([
        ".github/workflows/bad.yml:1:1: The workflow declares no top-level `permissions:`, so every job gets the repository's default token permissions (possibly write-all). Add `permissions: {}` (or `contents: read`) and grant more per job. [permissions]",
        '.github/workflows/bad.yml:7:20: `${{ github.event.head_commit.message }}` in run: puts github.event into the code itself: a value with quotes or $(…) runs as a command. Pass it through `env:` and use the variable ("$NAME"). [injection]',
        '.github/workflows/bad.yml:7:24: "github.event.head_commit.message" is potentially untrusted. avoid using it directly in inline scripts. instead, pass it through an environment variable. see https://docs.github.com/en/actions/security-guides/security-hardening-for-github-actions for more details [actionlint/expression]',
      ]);
      expect(result.stderr).toBe(`check-workflows: 3 problems in ${relative(process.cwd(), repo.root)}\n`);
    } finally {
      repo.remove();
    }
  });

  it('finds bash syntax errors in run scripts, at their line', async () => {
    const repo = tmpRepo({ '.github/workflows/w.yml': GOOD.replace('      - uses: ./local-action\n', '      - run: |\n          echo one\n          if true; then\n            echo two\n') });
    try {
      expect((await collectProblems(repo.root)).map(formatProblem)).toEqual([
        ".github/workflows/w.yml:21:1: bash: syntax error: unexpected end of file [bash-syntax]",
      ]);
    } finally {
      repo.remove();
    }
  });
});

describe('the documentation', () => {
  const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
  const keys = (text: string, path: string[]): string[] => Object.keys(path.reduce<any>((node, key) => node?.[key], parse(text)) ?? {});

  it('documents every input and output of the evaluate action', () => {
    const action = read('actions/evaluate/action.yml');
    const readme = read('actions/evaluate/README.md');
    const names = [...keys(action, ['inputs']), ...keys(action, ['outputs'])];
    expect(names).toEqual(['model', 'command', 'metrics', 'predictions', 'working-directory', 'timeout-minutes', 'metrics', 'artifact-name', 'model']);
    for (const name of names) expect(readme).toContain(`| \`${name}\` |`);
  });

  it('documents every input of the reusable workflow, and the example passes only declared ones', () => {
    const workflow = read('.github/workflows/evaluate.yml');
    const declared = keys(workflow, ['on', 'workflow_call', 'inputs']);
    const readme = read('examples/README.md');
    for (const name of declared) expect(readme).toContain(`| \`${name}\` |`);
    const example = parse(read('examples/evaluate-caller.yml')) as { jobs: Record<string, { with: Record<string, unknown> }> };
    for (const job of Object.values(example.jobs)) for (const name of Object.keys(job.with)) expect(declared).toContain(name);
    const required = declared.filter((name) => (parse(workflow) as any).on.workflow_call.inputs[name].required);
    for (const job of Object.values(example.jobs)) expect(Object.keys(job.with)).toEqual(expect.arrayContaining(required));
  });
});

describe('checkWorkflow', () => {
  it('passes a hardened workflow: env-passed values, trusted expressions, local and docker actions', () => {
    expect(checkWorkflow(GOOD, 'w.yml')).toEqual([]);
  });

  it('requires top-level permissions, and refuses write-all', () => {
    const missing = GOOD.replace('permissions:\n  contents: read\n', '');
    expect(kinds(checkWorkflow(missing, 'w.yml'))).toEqual(['1:1 permissions']);
    const writeAll = GOOD.replace('permissions:\n  contents: read\n', 'permissions: write-all\n');
    expect(checkWorkflow(writeAll, 'w.yml')).toEqual([
      { file: 'w.yml', line: 4, column: 14, kind: 'permissions', message: '`permissions: write-all` gives every job every write permission. Grant only what each job needs.' },
    ]);
  });

  it('requires third-party actions and reusable workflows pinned to a full commit SHA', () => {
    const text = GOOD.replace(CHECKOUT, 'actions/checkout@v4').replace(
      'jobs:\n',
      'jobs:\n  call:\n    uses: acme/workflows/.github/workflows/x.yml@main\n  local:\n    uses: ./.github/workflows/y.yml\n',
    );
    expect(checkWorkflow(text, 'w.yml')).toEqual([
      {
        file: 'w.yml',
        line: 8,
        column: 11,
        kind: 'pinning',
        message:
          'acme/workflows/.github/workflows/x.yml@main is not pinned to a full commit SHA: a tag or branch can be moved to other code. Use acme/workflows/.github/workflows/x.yml@<40-character commit SHA> # main.',
      },
      {
        file: 'w.yml',
        line: 15,
        column: 15,
        kind: 'pinning',
        message: 'actions/checkout@v4 is not pinned to a full commit SHA: a tag or branch can be moved to other code. Use actions/checkout@<40-character commit SHA> # v4.',
      },
    ]);
    // An abbreviated SHA is not a pin either.
    expect(kinds(checkWorkflow(GOOD.replace(CHECKOUT, 'actions/checkout@11bd719'), 'w.yml'))).toEqual(['11:15 pinning']);
  });

  it('flags untrusted expressions inside run scripts and github-script, each at its own line', () => {
    const text = GOOD.replace(
      '      - uses: ./local-action\n',
      [
        '      - run: |',
        '          echo start',
        '          echo "${{ inputs.model }}"',
        '          gh pr view ${{ github.head_ref }} --json title',
        '      - run: echo ${{ needs.build.outputs.name }} ${{ steps.x.outputs.y }}',
        '      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1',
        '        with:',
        "          script: console.log('${{ github.event.issue.title }}')",
        '',
      ].join('\n'),
    );
    expect(kinds(checkWorkflow(text, 'w.yml'))).toEqual(['19:17 injection', '20:22 injection', '21:19 injection', '21:51 injection', '24:32 injection']);
    expect(checkWorkflow(text, 'w.yml')[0]!.message).toBe(
      '`${{ inputs.model }}` in run: puts inputs into the code itself: a value with quotes or $(…) runs as a command. Pass it through `env:` and use the variable ("$NAME").',
    );
  });

  it('requires persist-credentials: false on checkout and timeout-minutes on jobs', () => {
    const text = GOOD.replace('        with:\n          persist-credentials: false\n', '').replace('    timeout-minutes: 10\n', '');
    expect(checkWorkflow(text, 'w.yml')).toEqual([
      {
        file: 'w.yml',
        line: 7,
        column: 3,
        kind: 'timeout',
        message: 'Job `test` has no `timeout-minutes`: a hung step would hold the runner for the default 6 hours. Set one.',
      },
      {
        file: 'w.yml',
        line: 10,
        column: 15,
        kind: 'checkout',
        message:
          'actions/checkout without `persist-credentials: false` leaves the token in .git/config for every later step (and any code they run). Set it to false.',
      },
    ]);
  });

  it('refuses a pull_request_target (or workflow_run) workflow that checks out or fetches the PR head', () => {
    const checkout = GOOD.replace('  pull_request:\n', '  pull_request_target:\n').replace(
      '          persist-credentials: false\n',
      '          persist-credentials: false\n          ref: ${{ github.event.pull_request.head.sha }}\n',
    );
    expect(checkWorkflow(checkout, 'w.yml')).toEqual([
      {
        file: 'w.yml',
        line: 14,
        column: 16,
        kind: 'untrusted-checkout',
        message:
          "This pull_request_target workflow checks out the pull request's code, then runs with the base repository's secrets and write token. Use a pull_request workflow to build or run PR code.",
      },
    ]);
    // The same checkout under pull_request is fine: that token is read-only and has no secrets.
    expect(checkWorkflow(checkout.replace('pull_request_target:', 'pull_request:'), 'w.yml')).toEqual([]);

    const fetch = GOOD.replace('on:\n  pull_request:\n', 'on: [workflow_run]\n').replace('      - uses: ./local-action\n', '      - run: gh pr checkout "$PR"\n');
    expect(kinds(checkWorkflow(fetch, 'w.yml'))).toEqual(['16:14 untrusted-checkout']);
    const repository = GOOD.replace('  pull_request:\n', '  pull_request_target:\n').replace(
      '          persist-credentials: false\n',
      '          persist-credentials: false\n          repository: ${{ github.event.pull_request.head.repo.full_name }}\n',
    );
    expect(kinds(checkWorkflow(repository, 'w.yml'))).toEqual(['14:23 untrusted-checkout']);
  });

  it("a call of modelgate's evaluate workflow must pass the SHA it is pinned to", () => {
    const sha = 'a'.repeat(40);
    const call = (passed: string) =>
      GOOD.replace('jobs:\n', `jobs:\n  evaluate:\n    uses: modelgate/modelgate/.github/workflows/evaluate.yml@${sha}\n    with:\n      modelgate-sha: '${passed}'\n`);
    expect(checkWorkflow(call(sha), 'w.yml')).toEqual([]);
    expect(checkWorkflow(call('b'.repeat(40)), 'w.yml')).toEqual([
      {
        file: 'w.yml',
        line: 10,
        column: 22,
        kind: 'pinning',
        message: `modelgate-sha is '${'b'.repeat(40)}' but the workflow is pinned to '${sha}': pass the same SHA, so the actions run the code you pinned.`,
      },
    ]);
  });

  it('reports invalid YAML at its position', () => {
    expect(checkWorkflow('on: push\njobs: [a,\n', 'w.yml')).toEqual([
      { file: 'w.yml', line: 3, column: 1, kind: 'syntax', message: 'Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1:' },
    ]);
  });
});

describe('checkAction', () => {
  const ACTION = `name: x
description: Does x.
inputs:
  paths:
    description: What to check.
    required: false
    default: ''
outputs:
  valid:
    description: Whether it passed.
runs:
  using: node20
  main: dist/index.js
`;

  it('passes a complete node action whose code reads only declared inputs', () => {
    expect(checkAction(ACTION, 'action.yml', { usedInputs: ['paths'], exists: (p) => p === 'dist/index.js' })).toEqual([]);
  });

  it('finds a missing bundle, undocumented inputs and outputs, and inputs the code reads but action.yml lacks', () => {
    const text = ACTION.replace('    description: What to check.\n', '').replace('    description: Whether it passed.\n', '    value: x\n').replace('description: Does x.\n', '');
    expect(checkAction(text, 'action.yml', { usedInputs: ['paths', 'fail-on'], exists: () => false })).toEqual([
      { file: 'action.yml', line: 1, column: 1, kind: 'action', message: 'The action needs a non-empty `description`.' },
      { file: 'action.yml', line: 3, column: 3, kind: 'action', message: 'Input `paths` needs a `description`: it is the only documentation most users read.' },
      { file: 'action.yml', line: 7, column: 3, kind: 'action', message: 'Output `valid` needs a `description`.' },
      {
        file: 'action.yml',
        line: 2,
        column: 1,
        kind: 'action',
        message: "The action's code reads input `fail-on`, which action.yml does not declare: it is always empty. Declare it under `inputs:`.",
      },
      {
        file: 'action.yml',
        line: 11,
        column: 9,
        kind: 'action',
        message: '`runs.main` is dist/index.js, which does not exist. Build it (`npm run bundle`) and commit it: GitHub runs the file as committed.',
      },
    ]);
  });

  it('checks a composite action’s steps like a workflow’s, and knows the runtimes', () => {
    const composite = ACTION.replace(
      '  using: node20\n  main: dist/index.js\n',
      '  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n    - shell: bash\n      run: echo "${{ inputs.paths }}"\n',
    );
    expect(kinds(checkAction(composite, 'action.yml'))).toEqual(['14:13 pinning', '16:18 injection']);
    expect(checkAction(ACTION.replace('node20', 'node12'), 'action.yml')).toEqual([
      { file: 'action.yml', line: 12, column: 10, kind: 'action', message: "`runs.using` is 'node12': use node20, node24, composite or docker." },
    ]);
  });
});

describe('runScripts', () => {
  it('gives each script with the line its text starts on and its shell', () => {
    const text = 'defaults:\n  run:\n    shell: sh\njobs:\n  a:\n    steps:\n      - run: |\n          echo 1\n      - shell: pwsh\n        run: Write-Output 2\n';
    expect(runScripts(text)).toEqual([
      { script: 'echo 1\n', line: 8, shell: 'sh' },
      { script: 'Write-Output 2', line: 10, shell: 'pwsh' },
    ]);
  });
});
