import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The published CLI as a user gets it: `npm pack` of packages/cli, installed into an empty
 * directory outside the repository, then `modelgate validate` and `modelgate diff` run there.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPackage = join(repoRoot, 'packages/cli');
const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const cliPkg = JSON.parse(readFileSync(join(cliPackage, 'package.json'), 'utf8')) as { version: string; dependencies?: object; private?: boolean };

let work: string;
let bin: string;
let project: string;

function du(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  return bytes;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'modelgate-pack-'));
  const packed = execFileSync('npm', ['pack', cliPackage, '--pack-destination', work, '--json'], { cwd: work, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
  const install = join(work, 'install');
  mkdirSync(install);
  writeFileSync(join(install, 'package.json'), '{"name": "user-project", "private": true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, filename)], { cwd: install, encoding: 'utf8' });
  bin = join(install, 'node_modules/.bin/modelgate');
  project = join(install, 'ml-repo');
  mkdirSync(join(project, 'models/sentiment'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: project });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[], cwd = project) => spawnSync(bin, args, { cwd, encoding: 'utf8' });

describe('the modelgate package, installed from its tarball', () => {
  test('is publishable, has the repository version and no dependencies: one package in node_modules', () => {
    expect(cliPkg.private).toBeUndefined();
    expect(cliPkg.version).toBe(rootPkg.version);
    expect(cliPkg.dependencies).toBeUndefined();
    const installed = readdirSync(join(work, 'install/node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed).toEqual(['modelgate']);
    // The footprint the README states (about 1 MB).
    expect(du(join(work, 'install/node_modules/modelgate'))).toBeLessThan(3 * 1024 * 1024);
  });

  test('--version prints the package version', () => {
    expect(run(['--version']).stdout).toBe(`${cliPkg.version}\n`);
  });

  test('validate: a Hub-layout card at the root, with findings and exit codes', () => {
    writeFileSync(join(project, 'README.md'), '---\nlicense: MIT-ish\npipeline_tag: text-classification\n---\n# Model\n');
    const bad = run(['validate']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('README.md:2:10  error    License "MIT-ish" is not a Hugging Face Hub license id.');
    writeFileSync(join(project, 'README.md'), '---\nlicense: mit\npipeline_tag: text-classification\n---\n# Model\n');
    expect(run(['validate'])).toMatchObject({ status: 0, stdout: '✔ 1 model card valid\n' });
    expect(run(['validate', 'nope.md']).stderr).toBe('modelgate: Cannot read nope.md: not found.\n');
  });

  test('diff: two files, and --format json with schema 1', () => {
    writeFileSync(join(project, 'base.json'), '{"eval": {"accuracy": 0.9}}');
    writeFileSync(join(project, 'head.json'), '{"eval": {"accuracy": 0.8}}');
    writeFileSync(join(project, 'strict.yml'), 'metrics:\n  - match: eval.accuracy\n    max_regression: 0.01\n');
    const r = run(['diff', 'base.json', 'head.json', '--config', 'strict.yml', '--format', 'json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 1, gates_passed: false, rows: [{ metric: 'eval.accuracy', gate: 'fail' }] });
    expect(run(['diff', 'base.json', 'base.json']).status).toBe(0);
  });

  test("the App's operator command is one clear line in a CLI-only install", () => {
    const r = run(['deliveries', 'list']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^modelgate: 'modelgate deliveries' is an App operator command: it needs the modelgate App and its store/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});
