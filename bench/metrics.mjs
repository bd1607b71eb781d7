// Benchmarks of the metric diff engine, on the built code: run `npm run build` first.
//   node bench/metrics.mjs
// Targets: diff + render of 10,000 metrics < 100 ms; bootstrap of 100,000 paired examples ×
// 2,000 resamples < 1 s. Prints figures only (no assertions: timings vary by machine).
import { performance } from 'node:perf_hooks';
import { bootstrapMeanDifference, compareMetrics, createRandom, pairedSignificance, readMetrics, readPredictions } from '../lib/core/metrics/index.js';
import { metricsCommentBody } from '../lib/github/metrics-comment.js';
import { toJson } from '../lib/render/json/metrics.js';
import { renderText } from '../lib/render/text/metrics.js';

const renderMarkdown = (diff, { baseline, model }) => metricsCommentBody(diff, { baseline, model });

const draw = createRandom(7);
const random = () => draw() / 4294967296;

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

// 10,000 metrics in 100 groups, nested one level: {"group_17": {"accuracy_3": 0.9, ...}}.
function metricsJson(shift) {
  const groups = {};
  for (let g = 0; g < 100; g++) {
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
time('read both + compare + render Markdown (end to end)', 20, () => {
  const b = readMetrics('base.json', baseText).value;
  const h = readMetrics('head.json', headText).value;
  return renderMarkdown(compareMetrics(b, h, { rules }), { baseline, model: 'bench' });
});
const md = renderMarkdown(diff, { baseline, model: 'bench' });
console.log(`  Markdown body: ${md.length.toLocaleString('en-US')} characters; ${diff.counts.regressed} regressed, ${diff.counts.improved} improved, ${diff.gates.fail} gates failed`);

console.log('\nBootstrap: 100,000 paired examples × 2,000 resamples');
const n = 100_000;
const differences = new Float64Array(n);
for (let i = 0; i < n; i++) differences[i] = (random() < 0.8 ? 1 : 0) - (random() < 0.78 ? 1 : 0);
const interval = time('bootstrapMeanDifference (one metric)', 5, () => bootstrapMeanDifference(differences, { resamples: 2000, seed: 42 }));
console.log(`  mean ${interval.mean.toFixed(5)}, 95 % CI [${interval.lo.toFixed(5)}, ${interval.hi.toFixed(5)}]`);

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
