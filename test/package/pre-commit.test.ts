import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describeWith } from '../helpers/prerequisite.js';

/**
 * The pre-commit hook: its entry command exactly as pre-commit runs it (language: script: the
 * entry path in the hook repository, then the staged files), and, where pre-commit is installed
 * (CI installs Debian's), `pre-commit try-repo` on a sample repository.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
const hook = hooks.find((h) => h.id === 'modelgate-validate')!;

let sample: string;
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(sample, path)), { recursive: true });
  writeFileSync(join(sample, path), text);
};
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: sample, encoding: 'utf8' });

beforeEach(() => {
  sample = mkdtempSync(join(tmpdir(), 'modelgate-hook-'));
  git('init', '-q');
  write('models/sentiment/README.md', '---\nlicense: mit\npipeline_tag: text-classification\n---\n# Sentiment\n');
  write('package.json', '{"name": "not-a-card"}\n');
  write('docs/guide.md', '# Not a card either\n');
  git('add', '-A');
});
afterEach(() => rmSync(sample, { recursive: true, force: true }));

/** The staged files pre-commit would pass: those its `files` pattern matches. */
const staged = () => git('ls-files').split('\n').filter((f) => f && new RegExp(hook.files).test(f));

describe('the modelgate-validate hook, called as pre-commit calls it', () => {
  test('language: script, so installing it installs nothing', () => {
    expect(hook.language).toBe('script');
  });

  test('passes on valid cards and skips files that are not cards', () => {
    expect(staged()).toEqual(['docs/guide.md', 'models/sentiment/README.md', 'package.json']);
    const r = spawnSync(join(repoRoot, hook.entry), staged(), { cwd: sample, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '✔ 1 model card valid\n', stderr: '' });
  });

  test("fails on a bad card, and follows the repository's own card globs", () => {
    write('.github/modelgate.yml', 'cards: ["ml/**/card.md"]\n');
    write('ml/a/card.md', '---\nlicense: not-a-license\n---\n# A\n');
    git('add', '-A');
    const r = spawnSync(join(repoRoot, hook.entry), staged(), { cwd: sample, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ml/a/card.md:2:10  error    License "not-a-license" is not a Hugging Face Hub license id.');
    expect(r.stdout).not.toContain('models/sentiment');
  });
});

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
describeWith('pre-commit try-repo', preCommit.status === 0 ? null : 'pre-commit is not installed (apt-get install pre-commit)', () => {
  const tryRepo = () =>
    spawnSync('pre-commit', ['try-repo', repoRoot, 'modelgate-validate', '--all-files'], {
      cwd: sample,
      encoding: 'utf8',
      env: { ...process.env, PRE_COMMIT_HOME: join(sample, '.pre-commit-cache'), PRE_COMMIT_COLOR: 'never' },
    });

  test('passes on a sample repository with valid cards', () => {
    const r = tryRepo();
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 0, out: expect.stringMatching(/modelgate validate\.+Passed/) });
  }, 120_000);

  test('fails on a bad card, naming its line', () => {
    write('models/bad/README.md', '---\nlicense: not-a-license\n---\n# Bad\n');
    git('add', '-A');
    const r = tryRepo();
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/modelgate validate\.+Failed/);
    expect(r.stdout).toContain('models/bad/README.md:2:10  error');
  }, 120_000);
});
