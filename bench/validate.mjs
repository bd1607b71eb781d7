// Card validation throughput: `npm run build && node bench/validate.mjs`.
// Prints figures only (targets: ≥ 2,000 typical cards/s on one core; < 20 ms for the largest card).
import { readFileSync, readdirSync } from 'node:fs';
import { validateCard } from '../lib/core/cards/index.js';
import { DEFAULT_CONFIG } from '../lib/core/config/index.js';

const dir = new URL('../../shared/corpus/model-cards/', import.meta.url);
const names = readdirSync(dir).filter((f) => /^card-\d+\.(md|json)$/.test(f)).sort();
const paths = new Map(
  readFileSync(new URL('SOURCES.tsv', dir), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([file, , path]) => [file, path]),
);
const cards = names.map((name) => ({ name, path: paths.get(name) ?? name, bytes: readFileSync(new URL(name, dir)) }));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Cards per second over `set`, as the median of `rounds` timed passes after a warm-up. */
function throughput(set, rounds, passesPerRound) {
  for (let i = 0; i < 20; i++) for (const c of set) validateCard(c.path, c.bytes, DEFAULT_CONFIG);
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let p = 0; p < passesPerRound; p++) for (const c of set) validateCard(c.path, c.bytes, DEFAULT_CONFIG);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push((set.length * passesPerRound) / seconds);
  }
  return median(rates);
}

function perCardMs(card, runs) {
  for (let i = 0; i < 50; i++) validateCard(card.path, card.bytes, DEFAULT_CONFIG);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    validateCard(card.path, card.bytes, DEFAULT_CONFIG);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const totalKb = cards.reduce((sum, c) => sum + c.bytes.length, 0) / 1024;
const bySize = [...cards].sort((a, b) => a.bytes.length - b.bytes.length);
// "Typical": the cards no larger than 16 KB — what a model card usually is (35 of the 40).
const typical = bySize.filter((c) => c.bytes.length <= 16 * 1024);
const largest = cards.find((c) => c.name === 'card-03.md') ?? bySize[bySize.length - 1];

console.log(`corpus: ${cards.length} cards, ${totalKb.toFixed(0)} KB; median card ${(median(cards.map((c) => c.bytes.length)) / 1024).toFixed(1)} KB`);
console.log(`whole corpus:            ${throughput(cards, 15, 10).toFixed(0)} cards/s`);
console.log(`typical cards (≤ 16 KB, ${typical.length}): ${throughput(typical, 15, 20).toFixed(0)} cards/s`);
console.log(`largest card (${largest.name}, ${(largest.bytes.length / 1024).toFixed(0)} KB): ${perCardMs(largest, 200).toFixed(2)} ms median`);
for (const c of bySize.slice(-4).reverse()) {
  if (c === largest) continue;
  console.log(`  ${c.name} (${(c.bytes.length / 1024).toFixed(0)} KB): ${perCardMs(c, 200).toFixed(2)} ms median`);
}
