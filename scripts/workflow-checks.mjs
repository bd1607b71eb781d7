// Hardening checks for GitHub Actions workflows and action metadata, on YAML text (pure: no
// I/O). scripts/check-workflows.mjs runs them, with actionlint, over the repository; the
// tests import them to prove each one fires. Every problem has a file, a 1-based line and
// column, and a message that says what to do.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/** @typedef {{ file: string; line: number; column: number; message: string; kind: string }} Problem */

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * Contexts whose values an outsider can choose (a pull request's title, a branch name, an input
 * of a called workflow, an output computed from either). Inside `${{ }}` in a script they become
 * code; passed through `env:` they stay data.
 */
const UNTRUSTED = [
  { pattern: /\bgithub\s*\.\s*event\b(?!_)/, name: 'github.event' },
  { pattern: /\bgithub\s*\.\s*head_ref\b/, name: 'github.head_ref' },
  { pattern: /\binputs\s*(?:\.|\[)/, name: 'inputs' },
  { pattern: /\bneeds\s*\.\s*[\w-]+\s*\.\s*outputs\b/, name: 'needs.*.outputs' },
  { pattern: /\bsteps\s*\.\s*[\w-]+\s*\.\s*outputs\b/, name: 'steps.*.outputs' },
];

/** A checkout of the pull request's (or triggering run's) head: attacker-controlled code. */
const HEAD_REF = /github\s*\.\s*event\s*\.\s*(?:pull_request\s*\.\s*head|workflow_run\s*\.\s*head_(?:sha|branch|commit)|workflow_run\s*\.\s*head_repository)|github\s*\.\s*head_ref|refs\/pull\//;
const FETCHES_PR_CODE = /\bgh\s+pr\s+checkout\b|refs\/pull\/|\bpull\/\$\{\{/;

/**
 * Checks a workflow: YAML syntax, top-level permissions, pinned third-party actions,
 * `persist-credentials: false` and `timeout-minutes` on jobs, no pull request code checked out
 * under pull_request_target / workflow_run, no untrusted `${{ }}` inside scripts, and a call of
 * modelgate's evaluate workflow passing the SHA it is pinned to.
 * @param {string} text
 * @param {string} file
 * @returns {Problem[]}
 */
export function checkWorkflow(text, file) {
  const parsed = parse(text, file);
  if (!parsed.ok) return parsed.problems;
  const { root, at } = parsed;
  /** @type {Problem[]} */
  const problems = [];
  const add = (node, kind, message) => problems.push({ file, ...at(node), message, kind });

  if (!isMap(root)) {
    add(root, 'syntax', 'A workflow is a mapping with `on:` and `jobs:`.');
    return problems;
  }

  const permissions = pairOf(root, 'permissions');
  if (!permissions) {
    add(
      root,
      'permissions',
      'The workflow declares no top-level `permissions:`, so every job gets the repository\'s default token permissions (possibly write-all). Add `permissions: {}` (or `contents: read`) and grant more per job.',
    );
  } else if (isScalar(permissions.value) && permissions.value.value === 'write-all') {
    add(permissions.value, 'permissions', '`permissions: write-all` gives every job every write permission. Grant only what each job needs.');
  }

  const triggers = triggerNames(pairOf(root, 'on')?.value);
  const runsHeadUntrusted = triggers.includes('pull_request_target') || triggers.includes('workflow_run');
  const trigger = triggers.includes('pull_request_target') ? 'pull_request_target' : 'workflow_run';

  const jobs = pairOf(root, 'jobs')?.value;
  for (const jobPair of isMap(jobs) ? jobs.items : []) {
    const job = jobPair.value;
    const jobName = scalarText(jobPair.key) ?? '?';
    if (!isMap(job)) continue;
    const calls = pairOf(job, 'uses');
    if (calls) {
      // A job that calls a reusable workflow: the workflow is third-party code too.
      checkUses(calls.value, add);
      checkModelgatePin(calls.value, pairOf(job, 'with')?.value, add);
      continue;
    }
    if (!pairOf(job, 'timeout-minutes')) {
      add(jobPair.key, 'timeout', `Job \`${jobName}\` has no \`timeout-minutes\`: a hung step would hold the runner for the default 6 hours. Set one.`);
    }
    const steps = pairOf(job, 'steps')?.value;
    for (const step of isSeq(steps) ? steps.items : []) {
      if (!isMap(step)) continue;
      checkStep(step, add, { runsHeadUntrusted, trigger });
    }
  }
  return problems;
}

/**
 * Checks an action's metadata (action.yml): what GitHub needs to run it, documented inputs and
 * outputs, every input the code reads declared, and for composite actions the step checks.
 * @param {string} text
 * @param {string} file
 * @param {{ usedInputs?: readonly string[]; exists?: (path: string) => boolean }} [options]
 *   usedInputs: input names the action's code reads; exists: whether a path relative to the
 *   action's directory exists.
 * @returns {Problem[]}
 */
export function checkAction(text, file, options = {}) {
  const parsed = parse(text, file);
  if (!parsed.ok) return parsed.problems;
  const { root, at } = parsed;
  /** @type {Problem[]} */
  const problems = [];
  const add = (node, kind, message) => problems.push({ file, ...at(node), message, kind });
  if (!isMap(root)) {
    add(root, 'action', 'An action.yml is a mapping with `name`, `description` and `runs`.');
    return problems;
  }

  for (const key of ['name', 'description']) {
    const pair = pairOf(root, key);
    if (!pair || !nonEmptyString(pair.value)) add(pair?.value ?? root, 'action', `The action needs a non-empty \`${key}\`.`);
  }

  /** @type {Set<string>} */
  const declared = new Set();
  const inputs = pairOf(root, 'inputs')?.value;
  for (const pair of isMap(inputs) ? inputs.items : []) {
    const name = scalarText(pair.key) ?? '?';
    declared.add(name);
    if (!isMap(pair.value) || !nonEmptyString(pairOf(pair.value, 'description')?.value)) {
      add(pair.key, 'action', `Input \`${name}\` needs a \`description\`: it is the only documentation most users read.`);
      continue;
    }
    const required = pairOf(pair.value, 'required');
    if (required && !(isScalar(required.value) && typeof required.value.value === 'boolean')) {
      add(required.value, 'action', `\`required\` of input \`${name}\` must be true or false.`);
    }
    const fallback = pairOf(pair.value, 'default');
    if (fallback && !isScalar(fallback.value)) add(fallback.value, 'action', `The default of input \`${name}\` must be a single value (inputs are strings).`);
  }
  const outputs = pairOf(root, 'outputs')?.value;
  for (const pair of isMap(outputs) ? outputs.items : []) {
    if (!isMap(pair.value) || !nonEmptyString(pairOf(pair.value, 'description')?.value)) {
      add(pair.key, 'action', `Output \`${scalarText(pair.key) ?? '?'}\` needs a \`description\`.`);
    }
  }
  for (const name of new Set(options.usedInputs ?? [])) {
    if (!declared.has(name)) {
      add(
        isMap(inputs) ? pairOf(root, 'inputs').key : root,
        'action',
        `The action's code reads input \`${name}\`, which action.yml does not declare: it is always empty. Declare it under \`inputs:\`.`,
      );
    }
  }

  const runs = pairOf(root, 'runs')?.value;
  if (!isMap(runs)) {
    add(pairOf(root, 'runs')?.value ?? root, 'action', 'The action needs `runs:` with `using:`.');
    return problems;
  }
  const using = scalarText(pairOf(runs, 'using')?.value);
  if (using === 'node20' || using === 'node24') {
    const main = pairOf(runs, 'main');
    const path = scalarText(main?.value);
    if (!path) add(main?.value ?? runs, 'action', `A ${using} action needs \`runs.main\`, the script GitHub runs.`);
    else if (options.exists && !options.exists(path)) {
      add(main.value, 'action', `\`runs.main\` is ${path}, which does not exist. Build it (\`npm run bundle\`) and commit it: GitHub runs the file as committed.`);
    }
  } else if (using === 'composite') {
    const steps = pairOf(runs, 'steps')?.value;
    for (const step of isSeq(steps) ? steps.items : []) if (isMap(step)) checkStep(step, add, { runsHeadUntrusted: false, trigger: '' });
  } else if (using !== 'docker') {
    add(pairOf(runs, 'using')?.value ?? runs, 'action', `\`runs.using\` is ${using ? `'${using}'` : 'missing'}: use node20, node24, composite or docker.`);
  }
  return problems;
}

/**
 * The scripts of a workflow's or composite action's `run:` steps, with the line their first
 * line is on and their shell (the step's `shell`, else the job's or workflow's
 * `defaults.run.shell`, else null: the runner's default).
 * @param {string} text
 * @returns {{ script: string; line: number; shell: string | null }[]}
 */
export function runScripts(text) {
  const parsed = parse(text, '');
  if (!parsed.ok || !isMap(parsed.root)) return [];
  const { root, lineCounter } = parsed;
  const defaultShell = (node) => scalarText(isMap(node) ? node.getIn(['defaults', 'run', 'shell'], true) : null);
  const out = [];
  const collect = (steps, inherited) => {
    for (const step of isSeq(steps) ? steps.items : []) {
      if (!isMap(step)) continue;
      const run = pairOf(step, 'run')?.value;
      if (!isScalar(run) || typeof run.value !== 'string') continue;
      const block = run.type === 'BLOCK_LITERAL' || run.type === 'BLOCK_FOLDED';
      const line = lineCounter.linePos(run.range[0]).line + (block ? 1 : 0);
      out.push({ script: run.value, line, shell: scalarText(pairOf(step, 'shell')?.value) ?? inherited });
    }
  };
  const jobs = pairOf(root, 'jobs')?.value;
  for (const job of isMap(jobs) ? jobs.items : []) {
    if (isMap(job.value)) collect(pairOf(job.value, 'steps')?.value, defaultShell(job.value) ?? defaultShell(root));
  }
  const runs = pairOf(root, 'runs')?.value;
  if (isMap(runs)) collect(pairOf(runs, 'steps')?.value, null);
  return out;
}

/** `file:line:column: message [kind]`, the format editors and CI logs link. */
export function formatProblem(problem) {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`;
}

function checkStep(step, add, { runsHeadUntrusted, trigger }) {
  const uses = pairOf(step, 'uses')?.value;
  const action = scalarText(uses);
  if (uses) checkUses(uses, add);
  const withMap = pairOf(step, 'with')?.value;

  if (action !== null && /^actions\/checkout@/.test(action)) {
    const persist = isMap(withMap) ? pairOf(withMap, 'persist-credentials')?.value : undefined;
    if (!(isScalar(persist) && (persist.value === false || persist.value === 'false'))) {
      add(
        uses,
        'checkout',
        'actions/checkout without `persist-credentials: false` leaves the token in .git/config for every later step (and any code they run). Set it to false.',
      );
    }
    if (runsHeadUntrusted && isMap(withMap)) {
      for (const key of ['ref', 'repository']) {
        const value = pairOf(withMap, key)?.value;
        if (HEAD_REF.test(scalarText(value) ?? '')) {
          add(
            value,
            'untrusted-checkout',
            `This ${trigger} workflow checks out the pull request's code, then runs with the base repository's secrets and write token. Use a pull_request workflow to build or run PR code.`,
          );
        }
      }
    }
  }

  const run = pairOf(step, 'run')?.value;
  if (isScalar(run) && typeof run.value === 'string') {
    checkExpressions(run, 'run:', add);
    if (runsHeadUntrusted && FETCHES_PR_CODE.test(run.value)) {
      add(run, 'untrusted-checkout', `This ${trigger} workflow fetches the pull request's code in a script, where it runs with secrets and a write token. Use a pull_request workflow for PR code.`);
    }
  }
  if (action !== null && /^actions\/github-script@/.test(action) && isMap(withMap)) {
    const script = pairOf(withMap, 'script')?.value;
    if (isScalar(script) && typeof script.value === 'string') checkExpressions(script, 'github-script `script:`', add);
  }
}

/** Third-party actions and reusable workflows must be pinned to a full commit SHA. */
function checkUses(node, add) {
  const uses = scalarText(node);
  if (uses === null || uses.startsWith('./') || uses.startsWith('docker://')) return;
  const at = uses.lastIndexOf('@');
  const ref = at === -1 ? '' : uses.slice(at + 1);
  if (FULL_SHA.test(ref)) return;
  const name = at === -1 ? uses : uses.slice(0, at);
  add(
    node,
    'pinning',
    `${uses} is not pinned to a full commit SHA: a tag or branch can be moved to other code. Use ${name}@<40-character commit SHA>${ref ? ` # ${ref}` : ''}.`,
  );
}

/** A call of a modelgate evaluate workflow must pass the SHA it is pinned to as modelgate-sha. */
function checkModelgatePin(usesNode, withMap, add) {
  const uses = scalarText(usesNode);
  const match = uses === null ? null : /^[^/]+\/[^/]+\/\.github\/workflows\/evaluate\.ya?ml@(.+)$/.exec(uses);
  if (!match || !isMap(withMap)) return;
  const passed = pairOf(withMap, 'modelgate-sha');
  if (!passed) return;
  const sha = scalarText(passed.value);
  if (sha !== match[1]) {
    add(passed.value, 'pinning', `modelgate-sha is ${sha === null ? 'not a single value' : `'${sha}'`} but the workflow is pinned to '${match[1]}': pass the same SHA, so the actions run the code you pinned.`);
  }
}

/** Flags every `${{ }}` in a script that reads an untrusted context, at its own line. */
function checkExpressions(scalar, where, add) {
  const value = String(scalar.value);
  for (const m of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    const hit = UNTRUSTED.find((u) => u.pattern.test(m[1]));
    if (!hit) continue;
    add(
      { range: expressionRange(scalar, m[0]) },
      'injection',
      `\`${m[0].replace(/\s+/g, ' ')}\` in ${where} puts ${hit.name} into the code itself: a value with quotes or $(…) runs as a command. Pass it through \`env:\` and use the variable ("$NAME").`,
    );
  }
}

/** Where an expression is in the source (block scalars hold it verbatim); else the scalar. */
function expressionRange(scalar, expression) {
  const source = scalar.srcText ?? '';
  const i = source.indexOf(expression);
  return i === -1 ? scalar.range : [scalar.range[0] + i, scalar.range[0] + i + expression.length];
}

function parse(text, file) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: true });
  const at = (node) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? 1,
        column: e.linePos?.[0]?.col ?? 1,
        message: `Invalid YAML: ${e.message.split('\n')[0]}`,
        kind: 'syntax',
      })),
    };
  }
  // Keep each scalar's source text, so expressions can be placed on their own line.
  const visit = (node) => {
    if (isScalar(node) && node.range) {
      node.srcText = text.slice(node.range[0], node.range[1]);
    } else if (isMap(node)) {
      for (const pair of node.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      node.items.forEach(visit);
    }
  };
  visit(doc.contents);
  return { ok: true, root: doc.contents, at, lineCounter };
}

function pairOf(map, key) {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => scalarText(pair.key) === key);
}

function scalarText(node) {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean') ? String(node.value) : null;
}

function nonEmptyString(node) {
  return isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '';
}

/** `on: push`, `on: [push, pull_request]`, or `on: {push: …}`. */
function triggerNames(on) {
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.map((item) => scalarText(item)).filter((t) => t !== null);
  if (isMap(on)) return on.items.map((pair) => scalarText(pair.key)).filter((t) => t !== null);
  return [];
}
