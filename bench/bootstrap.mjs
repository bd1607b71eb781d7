// The paired bootstrap at a million examples, on the built code (`npm run build` first):
//   node bench/bootstrap.mjs
// Reading 1,000,000 JSONL lines per side (next to splitting the text and JSON.parse of every
// line, in the same run), pairing them and bootstrapping a 0/1 metric and a continuous one with
// 2,000 resamples on one core, and the process's peak memory (max RSS). Figures only.
import { bootstrapMeanDifference, createRandom, pairedSignificance, readPredictions } from '../lib/core/metrics/index.js';
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
console.log(`Bootstrap and per-example results: ${n.toLocaleString('en-US')} paired examples × 2,000 resamples, Node ${process.version}`);

const parseOnly = cpu(() => {
  let fields = 0;
  for (const line of baseText.split('\n')) if (line) fields += Object.keys(JSON.parse(line)).length;
  return fields;
});
const base = cpu(() => readPredictions('base.jsonl', baseText).value);
const head = cpu(() => readPredictions('head.jsonl', headText).value);
console.log(`  split + JSON.parse of 1M lines ${parseOnly.ms.toFixed(0)} ms; readPredictions base ${base.ms.toFixed(0)} ms, head ${head.ms.toFixed(0)} ms`);
row({ what: 'Read 1,000,000 JSONL lines (per-example results, one side)', result: `${(base.ms / 1000).toFixed(2)} s CPU`, reference: `split + \`JSON.parse\` of every line alone ${(parseOnly.ms / 1000).toFixed(2)} s, ratio ${(base.ms / parseOnly.ms).toFixed(1)}`, target: '< 1.5 s' });

const accuracy = Float64Array.from(head.result.columns.get('accuracy'), (h, i) => h - base.result.columns.get('accuracy')[i]);
const f1 = Float64Array.from(head.result.columns.get('f1'), (h, i) => h - base.result.columns.get('f1')[i]);
const sum = cpu(() => {
  let s = 0;
  for (let r = 0; r < 20; r++) for (let i = 0; i < n; i++) s += f1[i];
  return s;
});
const perPass = sum.ms / 20;
const a = cpu(() => bootstrapMeanDifference(accuracy, { resamples: 2000, seed: 42 }));
const f = cpu(() => bootstrapMeanDifference(f1, { resamples: 2000, seed: 42 }));
console.log(`  one summing pass over 1M doubles ${perPass.toFixed(2)} ms (2,000 of them: ${((perPass * 2000) / 1000).toFixed(1)} s)`);
console.log(`  accuracy (0/1): ${a.ms.toFixed(0)} ms, [${a.result.lo.toFixed(5)}, ${a.result.hi.toFixed(5)}]; f1 (continuous): ${f.ms.toFixed(0)} ms, [${f.result.lo.toFixed(5)}, ${f.result.hi.toFixed(5)}]`);
row({ what: 'Bootstrap, 1,000,000 paired examples × 2,000 resamples, a 0/1 metric (one core)', result: `${(a.ms / 1000).toFixed(2)} s CPU`, reference: `2,000 plain summing passes over the data ${((perPass * 2000) / 1000).toFixed(1)} s`, target: '< 5 s' });
row({ what: 'Bootstrap, 1,000,000 paired examples × 2,000 resamples, a continuous metric (one core)', result: `${(f.ms / 1000).toFixed(2)} s CPU`, reference: `2,000 plain summing passes over the data ${((perPass * 2000) / 1000).toFixed(1)} s`, target: '< 5 s' });

const both = cpu(() => pairedSignificance(base.result, head.result, { resamples: 2000, seed: 42 }));
console.log(`  pairedSignificance (pair 1M ids, both metrics): ${both.ms.toFixed(0)} ms — ${both.result.reason}`);
const peak = process.resourceUsage().maxRSS / 1024;
row({ what: 'Peak memory: both 1M-line files read, paired and bootstrapped', result: `${peak.toFixed(0)} MB max RSS`, reference: `the two files' text ${((baseText.length + headText.length) / 1e6).toFixed(0)} MB`, target: '< 300 MB' });
