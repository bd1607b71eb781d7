// Shared by the benchmarks whose figures go in the README's generated table: `row()` prints a
// figure with its same-run reference and, when MODELGATE_BENCH_ROWS names a file (bench/run.mjs
// sets it), appends it there as one JSON line for `bench/run.mjs --write-readme`.
import { appendFileSync } from 'node:fs';

/** @param {{ what: string, result: string, reference: string, target: string }} r */
export function row(r) {
  console.log(`  → ${r.what}: ${r.result} (${r.reference}); target ${r.target}`);
  if (process.env.MODELGATE_BENCH_ROWS) appendFileSync(process.env.MODELGATE_BENCH_ROWS, JSON.stringify(r) + '\n');
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** CPU ms of fn() (user + system of this process), and its result. */
export function cpu(fn) {
  const start = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, result };
}
