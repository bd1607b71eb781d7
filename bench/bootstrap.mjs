// The paired bootstrap at a million examples, on the built code (`npm run build` first):
//   node bench/bootstrap.mjs
// Reading 1,000,000 JSONL lines per side (next to splitting the text and JSON.parse of every
// line, in the same run), pairing them and bootstrapping a 0/1 metric, a score rounded to 4
// decimals and a truly continuous one (every difference a distinct double) with 2,000 resamples
// on one core; the continuous one again on worker threads (wall time, one thread vs N); and the
// peak memory (max RSS) of a child process that reads the two files from disk, pairs and
// bootstraps them, next to a bare `node`'s. Figures only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapMeanDifference, createRandom, pairedSignificance, readPredictions } from '../lib/core/metrics/index.js';
import { parallelBlocks } from '../lib/node/parallel-bootstrap.js';
import { cpu, row } from './report.mjs';

const n = 1_000_000;
const draw = createRandom(11);
const random = () => draw() / 4294967296;
const lines = (p) => {
  const out = [];
  for (let i = 0; i < n; i++) out.push(`{"id":"ex-${i}","accuracy":${random() < p ? 1 : 0},"f1":${Math.round(random() * 1e4) / 1e4}}`);
  return out.join('\n') + '\n';
};
const baseText = lines(0.78);
const headText = lines(0.8);
console.log(`Bootstrap and per-example results: ${n.toLocaleString('en-US')} paired examples × 2,000 resamples, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);

const parseOnly = cpu(() => {
  let fields = 0;
  for (const line of baseText.split('\n')) if (line) fields += Object.keys(JSON.parse(line)).length;
  return fields;
});
// As the CLI and the actions read a file: its bytes (encoded outside the timing).
const baseBytes = Buffer.from(baseText);
const headBytes = Buffer.from(headText);
const base = cpu(() => readPredictions('base.jsonl', baseBytes).value);
const head = cpu(() => readPredictions('head.jsonl', headBytes).value);
const fromText = cpu(() => readPredictions('base.jsonl', baseText).value);
console.log(`  split + JSON.parse of 1M lines ${parseOnly.ms.toFixed(0)} ms; readPredictions (bytes) base ${base.ms.toFixed(0)} ms, head ${head.ms.toFixed(0)} ms; from a string ${fromText.ms.toFixed(0)} ms`);
row({ what: 'Read 1,000,000 JSONL lines (per-example results, one side)', result: `${(base.ms / 1000).toFixed(2)} s CPU`, reference: `split + \`JSON.parse\` of every line alone ${(parseOnly.ms / 1000).toFixed(2)} s, ratio ${(base.ms / parseOnly.ms).toFixed(1)}`, target: '< 1.5 s' });

const accuracy = Float64Array.from(head.result.columns.get('accuracy'), (h, i) => h - base.result.columns.get('accuracy')[i]);
const f1 = Float64Array.from(head.result.columns.get('f1'), (h, i) => h - base.result.columns.get('f1')[i]);
// Every difference a distinct double: no counts to resample by, a weight per example and resample.
const continuous = Float64Array.from({ length: n }, () => random() - 0.5 + 0.001);
const sum = cpu(() => {
  let s = 0;
  for (let r = 0; r < 20; r++) for (let i = 0; i < n; i++) s += continuous[i];
  return s;
});
const perPass = sum.ms / 20;
const passes = `2,000 plain summing passes over the data ${((perPass * 2000) / 1000).toFixed(1)} s`;
const a = cpu(() => bootstrapMeanDifference(accuracy, { resamples: 2000, seed: 42 }));
const f = cpu(() => bootstrapMeanDifference(f1, { resamples: 2000, seed: 42 }));
const c = cpu(() => bootstrapMeanDifference(continuous, { resamples: 2000, seed: 42 }));
const interval = (r) => `[${r.lo.toFixed(5)}, ${r.hi.toFixed(5)}]`;
console.log(`  one summing pass over 1M doubles ${perPass.toFixed(2)} ms (2,000 of them: ${((perPass * 2000) / 1000).toFixed(1)} s)`);
console.log(`  accuracy (0/1): ${a.ms.toFixed(0)} ms, ${interval(a.result)}; f1 (4 decimals): ${f.ms.toFixed(0)} ms, ${interval(f.result)}; distinct doubles: ${c.ms.toFixed(0)} ms, ${interval(c.result)}`);
row({ what: 'Bootstrap, 1,000,000 paired examples × 2,000 resamples, a 0/1 metric (one core)', result: `${(a.ms / 1000).toFixed(2)} s CPU`, reference: passes, target: '< 5 s' });
row({ what: 'Bootstrap, 1,000,000 paired examples × 2,000 resamples, a score to 4 decimals (one core)', result: `${(f.ms / 1000).toFixed(2)} s CPU`, reference: passes, target: '< 5 s' });
row({ what: 'Bootstrap, 1,000,000 paired examples × 2,000 resamples, a continuous metric, all values distinct (one core)', result: `${(c.ms / 1000).toFixed(2)} s CPU`, reference: passes, target: '< 5 s' });

// Worker threads: wall time, as that is what they buy; the interval must be the one-thread one.
const parallel = parallelBlocks();
const wall = (fn) => {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
};
const one = wall(() => bootstrapMeanDifference(continuous, { resamples: 2000, seed: 42 }));
const many = wall(() => bootstrapMeanDifference(continuous, { resamples: 2000, seed: 42, runBlocks: parallel.runBlocks }));
const same = one.result.lo === many.result.lo && one.result.hi === many.result.hi;
const job = parallel.lastJob;
console.log(`  distinct doubles on ${parallel.threads} threads: ${many.ms.toFixed(0)} ms wall (one thread ${one.ms.toFixed(0)} ms), ${job ? `${job.blocks - job.here} of ${job.blocks} blocks on workers` : 'no workers'}; same interval: ${same}`);
await parallel.close();
row({
  what: `Bootstrap, 1,000,000 paired examples × 2,000 resamples, continuous, on ${parallel.threads} threads (worker_threads)`,
  result: `${(many.ms / 1000).toFixed(2)} s wall${same ? '' : ' (INTERVAL DIFFERS)'}`,
  reference: `one thread ${(one.ms / 1000).toFixed(2)} s wall, ratio ${(one.ms / many.ms).toFixed(1)}; load average ${loadavg()[0].toFixed(1)}`,
  target: 'faster with cores, same interval',
});

const both = cpu(() => pairedSignificance(base.result, head.result, { resamples: 2000, seed: 42 }));
console.log(`  pairedSignificance (pair 1M ids, both metrics): ${both.ms.toFixed(0)} ms — ${both.result.reason}`);
console.log(`  this process (texts built in memory, arrays of 1M strings): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB max RSS`);

// The real path in a child process: read both files from disk, pair, bootstrap (one thread).
// Its peak is VmHWM where Linux has it: getrusage's max RSS of a spawned child can start at
// the parent's (this process is far larger), which would hide the child's own figure.
const PEAK = `await import('node:fs').then((fs) => /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]).catch(() => undefined) ?? process.resourceUsage().maxRSS`;
const dir = mkdtempSync(join(tmpdir(), 'modelgate-bootstrap-'));
try {
  writeFileSync(join(dir, 'base.jsonl'), baseText);
  writeFileSync(join(dir, 'head.jsonl'), headText);
  const bytes = statSync(join(dir, 'base.jsonl')).size + statSync(join(dir, 'head.jsonl')).size;
  const lib = fileURLToPath(new URL('../lib/', import.meta.url));
  const script = `
    import { pairedSignificance } from ${JSON.stringify(join(lib, 'core/metrics/index.js'))};
    import { readPredictionsFile } from ${JSON.stringify(join(lib, 'node/read-metrics.js'))};
    const base = await readPredictionsFile(process.cwd(), 'base.jsonl');
    const head = await readPredictionsFile(process.cwd(), 'head.jsonl');
    const s = pairedSignificance(base, head, { resamples: 2000, seed: 42 });
    if (s.paired !== ${n}) throw new Error('paired ' + s.paired);
    console.log(${PEAK});`;
  const rss = (args) => Number(execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()) / 1024;
  const bare = rss(['--input-type=module', '-e', `console.log(${PEAK})`]);
  const peak = rss(['--input-type=module', '-e', script]);
  console.log(`  child process reading the files: ${peak.toFixed(0)} MB max RSS; bare node ${bare.toFixed(0)} MB; files ${(bytes / 1e6).toFixed(0)} MB`);
  row({ what: 'Peak memory: both 1M-line files read from disk, paired and bootstrapped (a child process)', result: `${peak.toFixed(0)} MB max RSS`, reference: `a bare \`node\` ${bare.toFixed(0)} MB; the two files ${(bytes / 1e6).toFixed(0)} MB`, target: '< 300 MB' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
