import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { parallelBlocks, threadCount, MAX_THREADS } from '../../src/node/parallel-bootstrap.js';
import { bootstrapMeanDifference, createRandom } from '../../src/core/metrics/index.js';
import { describeWith } from '../helpers/prerequisite.js';

describe('parallelBlocks', () => {
  test('uses the cores there are, at most MAX_THREADS, or the threads asked for', () => {
    expect(threadCount(1)).toBe(1);
    expect(threadCount(0)).toBe(1);
    expect(threadCount(12)).toBe(12);
    expect(threadCount()).toBeGreaterThanOrEqual(1);
    expect(threadCount()).toBeLessThanOrEqual(MAX_THREADS);
  });

  test('leaves small jobs and one thread to the calling thread', () => {
    const d = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const one = parallelBlocks({ threads: 1, parallelAbove: 0 });
    const small = parallelBlocks({ threads: 4 });
    const job = { column: { kind: 'values' as const, n: 1000, nonZero: d, zeros: 0 }, sampleMean: 0, seed: 1, resamples: 2000 };
    expect(one.runBlocks(job)).toBeNull();
    expect(small.runBlocks(job)).toBeNull();
    // No job needed a worker, so none was started.
    expect([one.workers, small.workers]).toEqual([null, null]);
  });
});

// The workers run the compiled worker file in lib/node (made by `npm ci` through `prepare`, or `npm run build`).
const built = existsSync(new URL('../../lib/node/bootstrap-worker.js', import.meta.url));
describeWith('parallelBlocks on worker threads (built lib/)', built ? null : 'lib/ is not built (run `npm run build`)', () => {
  const run = promisify(execFile);
  test('gives exactly the one-thread interval for a seed, with the workers taking blocks', async () => {
    // Its own process, on the built code: jest's module loader does not run worker files.
    const script = `
      import { bootstrapMeanDifference, createRandom } from './lib/core/metrics/index.js';
      import { parallelBlocks } from './lib/node/parallel-bootstrap.js';
      const next = createRandom(3);
      const distinct = Float64Array.from({ length: 200000 }, () => next() / 2 ** 32 - 0.49);
      const rounded = Float64Array.from(distinct, (v) => Math.round(v * 1e3) / 1e3);
      const parallel = parallelBlocks({ threads: 3, parallelAbove: 0 });
      const out = [];
      for (const d of [distinct, rounded, distinct]) {
        for (const resamples of [2000, 777]) {
          const one = bootstrapMeanDifference(d, { seed: 9, resamples, scheme: 'poisson' });
          const many = bootstrapMeanDifference(d, { seed: 9, resamples, scheme: 'poisson', runBlocks: parallel.runBlocks });
          out.push({ one, many, job: parallel.lastJob, workers: parallel.workers });
        }
      }
      await parallel.close();
      console.log(JSON.stringify(out));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url).pathname });
    const results = JSON.parse(stdout) as { one: unknown; many: unknown; job: { blocks: number; here: number }; workers: number | null }[];
    expect(results).toHaveLength(6);
    for (const r of results) expect(r.many).toEqual(r.one);
    expect(results.map((r) => r.job.blocks)).toEqual([20, 8, 20, 8, 20, 8]);
    expect(results.map((r) => r.workers)).toEqual([2, 2, 2, 2, 2, 2]);
    // Once started (the first job), the workers take part: the calling thread does not compute every block.
    expect(results.slice(2).some((r) => r.job.here < r.job.blocks)).toBe(true);
  }, 60_000);
});

test('the in-thread path is what the worker path must match', () => {
  const next = createRandom(4);
  const d = Float64Array.from({ length: 1000 }, () => next() / 2 ** 32);
  expect(bootstrapMeanDifference(d, { scheme: 'poisson', runBlocks: () => null })).toEqual(bootstrapMeanDifference(d, { scheme: 'poisson' }));
});
