// `modelgate validate` (the lib/ build) over 600 and 6,000 real cards (the shared corpus, copied
// as often as needed), as CPU time of the whole process: per card beyond start-up (the same CLI
// on one card), next to validating the same cards in memory in a fresh process, per card after
// the first (which loads and compiles what validation needs). Targets (issue
// 12): within 1.5× of the in-memory cost, and flat from 600 to 6,000.
//   npm run build && node bench/validate-cli.mjs [--runs 3]
// Figures only (no asserts); medians of the runs. Needs ../shared/corpus/model-cards.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row } from './report.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 3 : Number(process.argv[runsArg + 1]);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = new URL('../../shared/corpus/model-cards/', import.meta.url);
const CLI = join(ROOT, 'bin/modelgate.js');
const CPU_AT_EXIT = join(ROOT, 'bench/cpu-at-exit.mjs');
const IN_MEMORY = join(ROOT, 'bench/validate-in-memory.mjs');

const corpus = readdirSync(CORPUS)
  .filter((f) => /^card-\d+\.md$/.test(f))
  .sort()
  .map((f) => readFileSync(new URL(f, CORPUS)));

function tree(n) {
  const root = mkdtempSync(join(tmpdir(), 'modelgate-validate-cli-'));
  const paths = [];
  for (let i = 0; i < n; i++) {
    const path = `models/m${i}/README.md`;
    mkdirSync(join(root, `models/m${i}`), { recursive: true });
    writeFileSync(join(root, path), corpus[i % corpus.length]);
    paths.push(path);
  }
  writeFileSync(join(root, 'cards.txt'), paths.join('\n'));
  return root;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU ms of `node --import cpu-at-exit.mjs ...args` in `cwd`. */
function cpu(args, cwd) {
  const out = join(cwd, 'cpu.txt');
  const r = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MODELGATE_BENCH_CPU: out }, maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return { ms: Number(readFileSync(out, 'utf8')), stdout: r.stdout.toString() };
}

const one = tree(1);
const results = [];
try {
  console.log(`modelgate validate --format json (lib/), CPU per card beyond start-up; median of ${RUNS} runs, Node ${process.version}`);
  const startup = median(Array.from({ length: RUNS }, () => cpu([CLI, 'validate', '--format', 'json'], one).ms));
  const bare = median(Array.from({ length: RUNS }, () => cpu(['-e', ''], one).ms));
  console.log(`  start-up: validate on 1 card ${startup.toFixed(0)} ms CPU; node -e '' ${bare.toFixed(0)} ms`);
  for (const n of [600, 6000]) {
    const root = tree(n);
    try {
      const cli = median(Array.from({ length: RUNS }, () => cpu([CLI, 'validate', '--format', 'json'], root).ms));
      const memory = median(Array.from({ length: RUNS }, () => JSON.parse(spawnSync(process.execPath, [IN_MEMORY, root, join(root, 'cards.txt')]).stdout.toString()).rest));
      const perCard = ((cli - startup) / (n - 1)) * 1000;
      const perCardMemory = (memory / (n - 1)) * 1000;
      results.push({ n, perCard, perCardMemory });
      console.log(
        `  ${String(n).padStart(5)} cards: CLI ${cli.toFixed(0).padStart(5)} ms CPU, ${perCard.toFixed(0).padStart(4)} µs/card beyond start-up;` +
          ` in memory ${perCardMemory.toFixed(0).padStart(4)} µs/card; ratio ${(perCard / perCardMemory).toFixed(2)}`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const [a, b] = results;
  console.log(`  per card, 6,000 vs 600: ${(b.perCard / a.perCard).toFixed(2)}× (flat is 1)`);
  for (const r of results) {
    row({
      what: `\`modelgate validate\`, ${r.n.toLocaleString('en-US')} real cards: CPU per card beyond start-up`,
      result: `${r.perCard.toFixed(0)} µs, ${(r.perCard / r.perCardMemory).toFixed(2)}× in memory`,
      reference: `the same cards validated in memory ${r.perCardMemory.toFixed(0)} µs/card; start-up (1 card) ${startup.toFixed(0)} ms, \`node -e ''\` ${bare.toFixed(0)} ms`,
      target: '≤ 1.5× in memory',
    });
  }
  row({ what: '`modelgate validate`: per card at 6,000 cards vs 600', result: `${(b.perCard / a.perCard).toFixed(2)}×`, reference: `${a.perCard.toFixed(0)} µs at 600, ${b.perCard.toFixed(0)} µs at 6,000`, target: 'flat (≤ 1×: no growth)' });
} finally {
  rmSync(one, { recursive: true, force: true });
}
