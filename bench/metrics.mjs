// Benchmarks of the metric diff engine, on the built code: run `npm run build` first.
//   node bench/metrics.mjs
// Targets: read + diff + render of 10,000 metrics < 60 ms, next to just reading both files;
// 100,000 metrics linear from 10,000 (the ratio is printed); bootstrap of 100,000 paired
// examples × 2,000 resamples < 1 s. Figures only (no assertions: timings vary by machine).
// bench/bootstrap.mjs has the million-example figures.
import { performance } from 'node:perf_hooks';
import { bootstrapMeanDifference, compareMetrics, createRandom, pairedSignificance, readMetrics, readPredictions } from '../lib/core/metrics/index.js';
import { metricsCommentBody } from '../lib/github/metrics-comment.js';
import { toJson } from '../lib/render/json/metrics.js';
import { renderText } from '../lib/render/text/metrics.js';
import { row } from './report.mjs';

const renderMarkdown = (diff, { baseline, model }) => metricsCommentBody(diff, { baseline, model });

const draw = createRandom(7);
const random = () => draw() / 4294967296;

// The process's CPU time (all threads: the garbage collector's helpers too) next to wall time:
// on a busy machine wall time measures the neighbours, CPU time mostly this code.
const cpuMedians = new Map();
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function timeMedian(label, runs, fn) {
  fn();
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const startCpu = cpuNow();
    fn();
    times.push(performance.now() - start);
    cpu.push(cpuNow() - startCpu);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const cpuMedian = cpu[Math.floor(cpu.length / 2)];
  cpuMedians.set(label, cpuMedian);
  console.log(`${label.padEnd(58)} median ${median.toFixed(1).padStart(7)} ms   min ${times[0].toFixed(1).padStart(7)} ms   CPU ${cpuMedian.toFixed(1).padStart(7)} ms   (${runs} runs)`);
  return median;
}

function time(label, runs, fn) {
  fn(); // warm up
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(58)} median ${median.toFixed(1).padStart(7)} ms   min ${times[0].toFixed(1).padStart(7)} ms   (${runs} runs)`);
  return result;
}

// 10,000 metrics in 100 groups (or 1,000 groups: 100,000), nested one level: {"group_17": {"accuracy_3": 0.9, ...}}.
function metricsJson(shift, nGroups = 100) {
  const groups = {};
  for (let g = 0; g < nGroups; g++) {
    const group = {};
    for (let m = 0; m < 100; m++) {
      const name = m % 2 ? `accuracy_${m}` : `loss_${m}`;
      group[name] = Math.round((0.5 + 0.4 * random() + (m % 5 === 0 ? shift : 0)) * 1e6) / 1e6;
    }
    groups[`group_${g}`] = group;
  }
  return JSON.stringify(groups, null, 2);
}

const baseText = metricsJson(0);
const headText = metricsJson(0.01);
const rules = [
  { match: 'group_1.*', max_regression: 0.01 },
  { match: 'group_2.accuracy_*', max_regression: '5%', fail_only_if_significant: true },
  { match: 'group_3.loss_*', max: 0.95 },
];
const baseline = { label: 'main', sha: 'a'.repeat(40), version: '1.2.0' };

console.log('Metric diff: 10,000 metrics');
const base = time('read base JSON (10,000 metrics)', 20, () => readMetrics('base.json', baseText).value);
const head = time('read head JSON (10,000 metrics)', 20, () => readMetrics('head.json', headText).value);
const diff = time('compare (rules, statuses, gates)', 20, () => compareMetrics(base, head, { rules }));
time('render Markdown (comment body)', 20, () => renderMarkdown(diff, { baseline, model: 'bench' }));
time('render text', 20, () => renderText(diff, { baseline }));
time('JSON document', 20, () => JSON.stringify(toJson(diff, baseline)));
const endToEnd = (b, h) => renderMarkdown(compareMetrics(readMetrics('base.json', b).value, readMetrics('head.json', h).value, { rules }), { baseline, model: 'bench' });
const readBoth = (b, h) => [readMetrics('base.json', b).value, readMetrics('head.json', h).value];
const base100k = metricsJson(0, 1000);
const head100k = metricsJson(0.01, 1000);

/**
 * The 10,000- and 100,000-metric runs interleaved, round by round (ten of the small per large
 * one), so that a change in the machine's speed during the run — other tenants of a shared host
 * — weighs on both sizes alike and the ratio measures the code. Medians of wall and CPU time.
 */
function interleaved(label, small, large, rounds) {
  small();
  large();
  const samples = { small: { wall: [], cpu: [] }, large: { wall: [], cpu: [] } };
  const once = (into, fn) => {
    const start = performance.now();
    const startCpu = cpuNow();
    fn();
    into.wall.push(performance.now() - start);
    into.cpu.push(cpuNow() - startCpu);
  };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 10; i++) once(samples.small, small);
    once(samples.large, large);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = {};
  for (const [size, s] of Object.entries(samples)) {
    out[size] = { wall: median(s.wall), cpu: median(s.cpu) };
    const what = `${label}, ${size === 'small' ? '10,000' : '100,000'} metrics`;
    console.log(`${what.padEnd(58)} median ${out[size].wall.toFixed(1).padStart(7)} ms   CPU ${out[size].cpu.toFixed(1).padStart(7)} ms   (${s.wall.length} runs, interleaved)`);
  }
  return out;
}

const e2e = interleaved('read both + compare + render Markdown', () => endToEnd(baseText, headText), () => endToEnd(base100k, head100k), 9);
const reads = interleaved('read both files only (readMetrics × 2)', () => readBoth(baseText, headText), () => readBoth(base100k, head100k), 9);
row({ what: 'Read + diff + render 10,000 metrics (Markdown comment)', result: `${e2e.small.wall.toFixed(0)} ms`, reference: `reading both files alone ${reads.small.wall.toFixed(0)} ms`, target: '< 60 ms' });
console.log(
  `  CPU time: 10,000 metrics ${e2e.small.cpu.toFixed(0)} ms (reading ${reads.small.cpu.toFixed(0)} ms); ` +
    `100,000: ${e2e.large.cpu.toFixed(0)} ms (reading ${reads.large.cpu.toFixed(0)} ms), ${(e2e.large.cpu / e2e.small.cpu).toFixed(1)}× the 10,000-metric time`,
);
row({ what: 'Read + diff + render 100,000 metrics', result: `${e2e.large.wall.toFixed(0)} ms, ${(e2e.large.wall / e2e.small.wall).toFixed(1)}× the 10,000-metric time`, reference: `reading both files alone ${reads.large.wall.toFixed(0)} ms (${(reads.large.wall / reads.small.wall).toFixed(1)}× the 10,000-metric read)`, target: 'linear: ≈ 10×' });
const md = renderMarkdown(diff, { baseline, model: 'bench' });
console.log(`  Markdown body: ${md.length.toLocaleString('en-US')} characters; ${diff.counts.regressed} regressed, ${diff.counts.improved} improved, ${diff.gates.fail} gates failed`);

console.log('\nBootstrap: 100,000 paired examples × 2,000 resamples');
const n = 100_000;
const differences = new Float64Array(n);
for (let i = 0; i < n; i++) differences[i] = (random() < 0.8 ? 1 : 0) - (random() < 0.78 ? 1 : 0);
const bootMs = timeMedian('bootstrapMeanDifference (one metric)', 5, () => bootstrapMeanDifference(differences, { resamples: 2000, seed: 42 }));
const interval = bootstrapMeanDifference(differences, { resamples: 2000, seed: 42 });
const sumPass = timeMedian('reference: 2,000 summing passes over the 100,000 differences', 5, () => {
  let s = 0;
  for (let r = 0; r < 2000; r++) for (let i = 0; i < n; i++) s += differences[i];
  return s;
});
console.log(`  mean ${interval.mean.toFixed(5)}, 95 % CI [${interval.lo.toFixed(5)}, ${interval.hi.toFixed(5)}]`);
row({ what: 'Bootstrap, 100,000 paired examples × 2,000 resamples (the classical bootstrap)', result: `${(bootMs / 1000).toFixed(2)} s`, reference: `2,000 plain summing passes over the data ${(sumPass / 1000).toFixed(2)} s`, target: '< 1 s' });

const lines = (p) => {
  const out = [];
  for (let i = 0; i < n; i++) out.push(JSON.stringify({ id: `ex-${i}`, accuracy: random() < p ? 1 : 0, f1: random() }));
  return out.join('\n') + '\n';
};
const baseLines = lines(0.78);
const headLines = lines(0.8);
const bp = time('read base predictions (100,000 JSONL lines)', 5, () => readPredictions('base.jsonl', baseLines).value);
const hp = time('read head predictions (100,000 JSONL lines)', 5, () => readPredictions('head.jsonl', headLines).value);
time('pair 100,000 ids + bootstrap 2 metrics (accuracy, f1)', 5, () => pairedSignificance(bp, hp, { resamples: 2000, seed: 42 }));
