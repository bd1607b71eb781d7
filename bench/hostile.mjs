// Hostile cards under the 1 MiB cap: `npm run build && node bench/hostile.mjs [filter]`.
// Prints, per shape, the time to validate it — the best of RUNS runs after a warm-up, the figure
// least disturbed by other load on the machine, and the median — next to two same-run references,
// so a reader sees ratios rather than one machine's figures: `yaml`'s own parseDocument of the
// largest corpus card's front matter (62 KB), and validating that card. Target: every shape
// < 200 ms. (The tests check the findings of these shapes, never times.)
import { readFileSync, readdirSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { validateCard } from '../lib/core/cards/validate.js';
import { DEFAULT_CONFIG, resolveConfig } from '../lib/core/config/schema.js';
import { parseConfig } from '../lib/core/config/parse.js';

const MiB = 1024 * 1024;
const filter = process.argv[2];
// Fewer runs to measure a slow build: RUNS=1 WARM=0 node bench/hostile.mjs
const RUNS = Number(process.env.RUNS ?? 7);
const WARM = Number(process.env.WARM ?? 2);

/** Repeats `unit(i)` for i = 0, 1, … while the result stays under `limit` characters. */
function fill(head, unit, tail = '', limit = MiB - 64) {
  const parts = [head];
  let length = head.length + tail.length;
  for (let i = 0; ; i++) {
    const piece = unit(i);
    if (length + piece.length > limit) break;
    parts.push(piece);
    length += piece.length;
  }
  parts.push(tail);
  return parts.join('');
}

const fm = (yaml, body = '# Model\n') => `---\n${yaml}---\n${body}`;
/** Front matter filled up to (nearly) 1 MiB with `unit`. */
const fmFill = (head, unit, body = '# Model\n') => fill(`---\n${head}`, unit, `---\n${body}`);

const withSections = resolveConfig({ require: { sections: ['Intended use', 'Limitations', 'Training data'], fields: ['license'] } });

/** `unit(i)` for i = 0 … n-1, joined. */
const times = (n, unit) => Array.from({ length: n }, (_, i) => unit(i)).join('');

// Shapes of 1 MiB show that a refusal is cheap; shapes just under the node budget (100,000 nodes,
// limits.ts) are the most work a card can make the checks do, so most come in both sizes.
const shapes = [
  // The three shapes of the issue, and its 160,000 findings.
  ['issue: tab-indented lists ×100,000 (syntax error on line 3)', () => fm('a:\n\t- x\n'.repeat(100_000))],
  ['issue: `a: 1` ×60,000 (duplicate keys)', () => fm('a: 1\n'.repeat(60_000))],
  ['  the same ×33,000 (99,000 nodes)', () => fm('a: 1\n'.repeat(33_000))],
  ['issue: 1 MB one-line flow map', () => fm(fill('x: {', (i) => `k${i}: v, `, 'end: v}\n', MiB - 32))],
  ['  the same with 33,000 keys', () => fm(`x: {${times(33_000, (i) => `k${i}: v, `)}end: v}\n`)],
  ['issue: 160,000 YAML 1.1 booleans', () => fmFill('tags:\n', () => '- yes\n')],
  ['  the same ×99,000', () => fm(`tags:\n${'- yes\n'.repeat(99_000)}`)],
  // Many keys, many findings of other rules.
  ['170,000 distinct top-level keys', () => fmFill('', (i) => `k${i}: v\n`)],
  ['33,000 distinct top-level keys', () => fm(times(33_000, (i) => `k${i}: v\n`))],
  ['33,000 near-miss keys (`licence…`)', () => fm(times(33_000, (i) => `licence${i}: mit\n`))],
  ['33,000 `license` keys with a bad value', () => fm('license: MIT\n'.repeat(33_000))],
  ['duplicate keys in 11,000 nested mappings', () => fm(`m:\n${times(11_000, (i) => `  n${i}:\n    a: 1\n    a: 2\n`)}`)],
  ['99,000 non-string tags', () => fm(`tags:\n${times(99_000, (i) => `- ${i}\n`)}`)],
  ['99,000 invalid language codes', () => fm(`language:\n${times(99_000, (i) => `- x${i}\n`)}`)],
  ['99,000 flow tags `[1, 2, …]`', () => fm(`tags: [${times(99_000, (i) => `${i}, `)}0]\n`)],
  // model-index
  ['model-index: 9,000 results (1 MiB, valid)', () => fmFill('model-index:\n- name: m\n  results:\n', (i) => `  - task: {type: text-classification}\n    dataset: {type: d${i}, name: D}\n    metrics:\n    - {type: accuracy, value: 0.${i}}\n`)],
  ['model-index: 3,600 results (valid)', () => fm(`model-index:\n- name: m\n  results:\n${times(3_600, (i) => `  - task: {type: text-classification}\n    dataset: {type: d${i}, name: D}\n    metrics:\n    - {type: accuracy, value: 0.${i}}\n`)}`)],
  ['model-index: 14,000 metrics with bad values', () => fm(`model-index:\n- name: m\n  results:\n  - task:\n      type: text-classification\n    dataset:\n      type: d\n      name: D\n    metrics:\n${'    - type: acc\n      value: 67.6%\n'.repeat(14_000)}`)],
  ['model-index: 49,000 empty entries', () => fm(`model-index:\n${'- {}\n'.repeat(49_000)}`)],
  ['model-index: 7,000 results with typo keys', () => fm(`model-index:\n- name: m\n  results:\n${'  - tsak: {type: x}\n    datset: {typ: d}\n    metircs: []\n'.repeat(7_000)}`)],
  ['model-index: 5,000 unknown task types', () => fm(`model-index:\n- name: m\n  results:\n${times(5_000, (i) => `  - task: {type: text-clasification${i}}\n    dataset: {type: d, name: D}\n    metrics: []\n`)}`)],
  // Nesting within the limits
  ['block maps 99 deep, repeated (1 MiB)', () => fmFill('', (i) => Array.from({ length: 99 }, (_, d) => `${' '.repeat(d)}k${d === 0 ? i : d}:\n`).join(''))],
  ['flow sequences 99 deep, repeated (1 MiB)', () => fmFill('', (i) => `k${i}: ${'['.repeat(99)}${']'.repeat(99)}\n`)],
  ['flow sequences 99 deep ×490', () => fm(times(490, (i) => `k${i}: ${'['.repeat(99)}${']'.repeat(99)}\n`))],
  ['aliases 99 deep', () => fm(Array.from({ length: 99 }, (_, i) => (i ? `l${i}: &l${i} [*l${i - 1}]` : 'l0: &l0 [x]')).join('\n') + '\n')],
  // Long lines and strings
  ['one 1 MB plain value', () => fm(`license: ${'x'.repeat(MiB - 32)}\n`)],
  ['one 1 MB double-quoted value with escapes', () => fm(`license: "${'\\t\\u00e9'.repeat((MiB - 32) / 8)}"\n`)],
  ['one 1 MB unclosed double quote', () => fm(`license: "${'x '.repeat((MiB - 32) / 2)}\n`)],
  ['one 1 MB double quote on 2 lines', () => fm(`license: "${'x '.repeat((MiB - 32) / 2)}\n  y"\n`)],
  ['one 1 MB key', () => fm(`${'k'.repeat(MiB - 32)}: v\n`)],
  ['one 1 MB line of `[`…`]` pairs', () => fm(`x: [${'[], '.repeat((MiB - 32) / 4)}[]]\n`)],
  ['1 MB unclosed flow sequence', () => fm(fill('x: [', (i) => `a${i}, `, '\n', MiB - 32))],
  // Styles only the general parser reads (its token budget)
  ['60,000 anchors and aliases (1 MiB)', () => fmFill('', (i) => `k${i}: &a${i} v\nr${i}: *a${i}\n`)],
  ['16,000 anchors and aliases', () => fm(times(16_000, (i) => `k${i}: &a${i} v\nr${i}: *a${i}\n`))],
  ['16,000 aliases of one list', () => fm(`l: &l [a, b]\n${times(16_000, (i) => `r${i}: *l\n`)}`)],
  ['50,000 block scalars', () => fmFill('', (i) => `k${i}: |\n  text\n`)],
  ['50,000 multi-line quoted values', () => fmFill('', (i) => `k${i}: "a\n  b"\n`)],
  ['100,000 tabs after keys', () => fmFill('', (i) => `k${i}:\tv\n`)],
  ['1 MB of tabs in one flow list', () => fm(`tags: [a,${'\t'.repeat(MiB - 40)}b]\n`)],
  ['tab syntax error after 40,000 good lines', () => fm(`${'a: 1\n'.repeat(40_000)}b:\n\t- x\n`)],
  ['33,000 plain lines, then a block scalar', () => fm(`${times(33_000, (i) => `k${i}: v\n`)}z: |\n  text\n`)],
  ['100,000 explicit keys', () => fmFill('', (i) => `? k${i}\n: v\n`)],
  ['100,000 tagged values', () => fmFill('', (i) => `k${i}: !!str v\n`)],
  ['150,000 comment lines', () => fmFill('', () => '# comment\n')],
  ['CRLF: 3,600 results', () => fm(`model-index:\r\n- name: m\r\n  results:\r\n${times(3_600, (i) => `  - task: {type: text-classification}\r\n    dataset: {type: d${i}, name: D}\r\n    metrics:\r\n    - {type: accuracy, value: 0.5}\r\n`)}`)],
  ['200,000 `---` lines (many documents)', () => fm(`a: 1\n${'---\n'.repeat(10)}`) + '---\n'.repeat(200_000)],
  // The Markdown body
  ['200,000 headings, sections required', () => fill('---\nlicense: mit\n---\n', (i) => `# H${i}\n`), withSections],
  ['36,000 placeholders between 18,000 code blocks', () => fill('---\nlicense: mit\n---\n', () => '```\nx\n```\nMore information needed\nMore information needed\n')],
  ['100,000 HTML comments', () => fill('---\nlicense: mit\n---\n', () => '<!-- x -->\n')],
  ['unclosed front matter, 1 MB', () => fill('---\n', () => 'a: 1\n')],
  // Other formats
  ['YAML card: 170,000 keys', () => fill('', (i) => `k${i}: v\n`), DEFAULT_CONFIG, 'models/x/model_card.yml'],
  ['YAML card: 33,000 keys', () => times(33_000, (i) => `k${i}: v\n`), DEFAULT_CONFIG, 'models/x/model_card.yml'],
  ['JSON card: 33,000 duplicate keys', () => `{${'"a": 1, '.repeat(33_000)}"a": 1}`, DEFAULT_CONFIG, 'models/x/model_card.json'],
  ['JSON card: 99,000 non-string tags', () => `{"tags": [${times(99_000, (i) => `${i}, `)}0]}`, DEFAULT_CONFIG, 'models/x/model_card.json'],
  ['toolkit card: 24,000 bad dates', () => `{"schema_version": "0.0.2", "model_details": {"name": "m"}, "x": [${'{"date": "08/09/2020"}, '.repeat(24_000)}{}]}`, DEFAULT_CONFIG, 'models/x/model_card.json'],
  ['toolkit card: 24,000 references with bad types', () => `{"schema_version": "0.0.2", "model_details": {"name": "m", "references": [${'{"reference": 1}, '.repeat(24_000)}{"reference": 1}]}}`, DEFAULT_CONFIG, 'models/x/model_card.json'],
  ['toolkit card: 20,000 empty licenses (a oneOf each)', () => `{"schema_version": "0.0.2", "model_details": {"name": "m", "licenses": [${Array(20_000).fill('{}').join(', ')}]}}`, DEFAULT_CONFIG, 'models/x/model_card.json'],
  ['toolkit card in YAML: 30,000 empty licenses', () => `schema_version: "0.0.2"\nmodel_details:\n  name: m\n  licenses:\n${'  - {}\n'.repeat(30_000)}`, DEFAULT_CONFIG, 'models/x/model_card.yml'],
  ['100,000 empty keys', () => fm(': v\n'.repeat(100_000))],
  ['200,000 `...` lines in the front matter', () => fm(`a: 1\n${'...\n'.repeat(200_000)}`)],
  ['150,000 lines ending in a lone CR', () => fm(`${'a: 1\r'.repeat(150_000)}\n`)],
  ['1,000 quoted keys of 1,000 characters', () => fm(times(1_000, (i) => `"${'k'.repeat(1_000)}${i}": v\n`))],
  ['toolkit card: 24,000 bad formats', () => `{"schema_version": "0.0.2", "model_details": {"name": "m", "version": {"date": "x"}, "references": [${'{"reference": "not a uri"}, '.repeat(24_000)}{"reference": "x"}]}}`, DEFAULT_CONFIG, 'models/x/model_card.json'],
].map(([name, make, config = DEFAULT_CONFIG, path = 'models/x/README.md']) => ({ name, make, config, path }));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ms of `runs` calls after `warm` untimed ones. */
function time(fn, runs, warm = WARM) {
  for (let i = 0; i < warm; i++) fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { best: Math.min(...times), median: median(times) };
}

// Same-run references.
const corpus = new URL('../../shared/corpus/model-cards/', import.meta.url);
const cards = readdirSync(corpus)
  .filter((f) => /^card-\d+\.md$/.test(f))
  .map((f) => ({ name: f, text: readFileSync(new URL(f, corpus), 'utf8') }))
  .sort((a, b) => a.text.length - b.text.length);
const largest = cards[cards.length - 1];
const largestYaml = largest.text.slice(4, largest.text.indexOf('\n---', 4) + 1);
// (NOREF=1 skips them, for profiling one shape.)
const refYaml = process.env.NOREF ? 1 : time(() => parseDocument(largestYaml), 30, 10).best;
const refLargest = process.env.NOREF ? 1 : time(() => validateCard('models/x/README.md', largest.text, DEFAULT_CONFIG), 30, 10).best;

console.log(`references (best of 30): yaml parseDocument of ${largest.name}'s front matter (${(largestYaml.length / 1024).toFixed(0)} KB) ${refYaml.toFixed(2)} ms;`);
console.log(`            validating ${largest.name} (${(largest.text.length / 1024).toFixed(0)} KB, the largest corpus card) ${refLargest.toFixed(2)} ms`);
console.log('');
const header = (what) =>
  console.log(`${what.padEnd(52)} ${'KiB'.padStart(5)} ${'best ms'.padStart(8)} ${'median'.padStart(8)} ${'× yaml'.padStart(7)} ${'× card'.padStart(7)}  findings (first)`);
const row = (name, kib, ms, summary) =>
  console.log(
    `${name.padEnd(52)} ${kib.toFixed(0).padStart(5)} ${ms.best.toFixed(1).padStart(8)} ${ms.median.toFixed(1).padStart(8)} ${(ms.best / refYaml).toFixed(1).padStart(7)} ${(ms.best / refLargest).toFixed(1).padStart(7)}  ${summary}`,
  );
header('shape');
let worst = 0;
for (const shape of shapes) {
  if (filter && !shape.name.includes(filter)) continue;
  const text = shape.make();
  const bytes = Buffer.byteLength(text);
  if (bytes > MiB) throw new Error(`${shape.name}: ${bytes} bytes, over the cap`);
  let report;
  const ms = time(() => (report = validateCard(shape.path, text, shape.config)), RUNS);
  worst = Math.max(worst, ms.best);
  const first = report.findings[0];
  row(shape.name, bytes / 1024, ms, `${report.findings.length} (${first ? `${first.line}:${first.column} ${first.rule}` : '-'})`);
}

// The config file (256 KiB cap) has the same exposure: a hostile .github/modelgate.yml.
const KiB256 = 256 * 1024 - 64;
const configs = [
  ['config: 12,000 duplicate keys (256 KiB)', fill('rules:\n', () => '  card/empty-file: off\n', '', KiB256)],
  ['config: 2,000 duplicate keys', `rules:\n${'  card/empty-file: off\n'.repeat(2_000)}`],
  ['config: 2,500 unknown keys', times(2_500, (i) => `k${i}: 1\n`)],
  ['config: 2,500 unknown rules', `rules:\n${times(2_500, (i) => `  r${i}: off\n`)}`],
  ['config: 5,000 tab syntax errors', `a:\n${'\t- x\n'.repeat(5_000)}`],
  ['config: 3,000 aliases', `a: &a [x]\n${times(3_000, (i) => `b${i}: *a\n`)}`],
];
console.log('');
header('config');
for (const [name, text] of configs) {
  if (filter && !name.includes(filter)) continue;
  let result;
  const ms = time(() => (result = parseConfig(text)), RUNS);
  worst = Math.max(worst, ms.best);
  const errors = result.ok ? [] : result.errors;
  row(name, text.length / 1024, ms, `${errors.length} errors${errors[0] ? ` (${errors[0].line}:${errors[0].column} ${errors[0].rule})` : ''}`);
}
console.log('');
console.log(`slowest: ${worst.toFixed(1)} ms, best of ${RUNS} (target < 200 ms)`);
