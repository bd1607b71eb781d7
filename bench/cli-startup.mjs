// Start-up of the `modelgate` CLI as users install it (the bundle in packages/cli/dist), next to
// bare `node -e ''` in the same run, and the install footprint of the packed package.
//   node bench/cli-startup.mjs [--runs 15]
// Figures only (no asserts): wall time medians, and each as a ratio to bare node measured
// alternately with it, so a busy machine moves both.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 15 : Number(process.argv[runsArg + 1]);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'packages/cli/dist/modelgate.js');
const LIB = join(ROOT, 'bin/modelgate.js');
const CARD = '---\nlicense: apache-2.0\nlanguage: en\npipeline_tag: text-classification\nlibrary_name: transformers\ndatasets: [imdb]\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: 0.91}]\n---\n# Model\n\n## Intended use\n\nText.\n';

function repoWith(n) {
  const root = mkdtempSync(join(tmpdir(), 'modelgate-startup-'));
  execFileSync('git', ['init', '-q'], { cwd: root });
  for (let i = 0; i < n; i++) {
    mkdirSync(join(root, `models/m${i}`), { recursive: true });
    writeFileSync(join(root, `models/m${i}/README.md`), CARD);
  }
  return root;
}

function wall(args, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label, args, cwd) {
  const bare = [];
  const cmd = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(wall(['-e', ''], cwd));
    cmd.push(wall(args, cwd));
  }
  const b = median(bare);
  const c = median(cmd);
  console.log(`${label.padEnd(44)} ${c.toFixed(0).padStart(5)} ms   node -e '' ${b.toFixed(0).padStart(4)} ms   ratio ${(c / b).toFixed(2)}   beyond node ${(c - b).toFixed(0)} ms`);
}

function du(dir) {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) bytes += statSync(join(e.parentPath, e.name)).size;
  return bytes;
}

const one = repoWith(1);
const many = repoWith(600);
try {
  console.log(`modelgate CLI start-up, median of ${RUNS} runs (wall), Node ${process.version}`);
  measure('bundle: validate, 1 card', [BUNDLE, 'validate'], one);
  measure('bundle: validate, 600 cards', [BUNDLE, 'validate'], many);
  measure('bundle: --version', [BUNDLE, '--version'], one);
  measure('lib/ (tsc build, repository): validate, 1 card', [LIB, 'validate'], one);

  const work = mkdtempSync(join(tmpdir(), 'modelgate-footprint-'));
  try {
    const [{ filename, size, unpackedSize }] = JSON.parse(execFileSync('npm', ['pack', join(ROOT, 'packages/cli'), '--pack-destination', work, '--json'], { encoding: 'utf8' }));
    writeFileSync(join(work, 'package.json'), '{"private": true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, filename)], { cwd: work, stdio: 'ignore' });
    const packages = readdirSync(join(work, 'node_modules')).filter((n) => !n.startsWith('.'));
    console.log(`install footprint: ${packages.length} package (${packages.join(', ')}), ${(du(join(work, 'node_modules')) / 1e6).toFixed(2)} MB installed; tarball ${(size / 1e6).toFixed(2)} MB (${(unpackedSize / 1e6).toFixed(2)} MB unpacked)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
} finally {
  rmSync(one, { recursive: true, force: true });
  rmSync(many, { recursive: true, force: true });
}
