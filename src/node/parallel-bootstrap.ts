/**
 * The Poisson bootstrap on several cores: worker_threads that share one job's blocks with the
 * calling thread. The interval is the same as on one thread for the same seed, because every
 * block is a pure function of (data, seed, block number) with its own generator
 * (src/core/metrics/poisson-bootstrap.ts), whichever thread computes it and in whatever order.
 *
 * It is synchronous, as the core's `runBlocks` hook is (compareMetrics is synchronous): the
 * calling thread posts the job, computes blocks itself, and waits on the workers' remaining
 * blocks with Atomics.wait. Blocks are claimed from a shared counter, so a worker that is slow
 * to start (or never does) only means the calling thread takes more of them; a block claimed
 * but not finished within STALL_MS is computed again by the calling thread, so a worker that
 * dies mid-block cannot hang the command.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BLOCK_RESAMPLES, blockCount, blockMeans, type PoissonJob, type PreparedColumn } from '../core/metrics/index.js';

/** At most this many threads by default, however many cores there are. */
export const MAX_THREADS = 8;
/** The most threads one may ask for (`--threads`, the action's `threads`): more would be a typo, not a machine. */
export const MAX_THREADS_ASKED = 256;
/**
 * Below this many weights (examples × resamples) one thread does the job: starting a worker
 * (≈ 30–50 ms of a core) costs more than it saves. 2·10^8 weights are ≈ 0.4 s of one core.
 */
export const PARALLEL_ABOVE = 200_000_000;
/** A claimed block not finished after this long is computed again by the calling thread. */
const STALL_MS = 30_000;

/** Block states in SharedJob.state. */
const CLAIMED = 1;
const DONE = 2;

/** A job as the workers receive it: the column and the results in shared memory. */
export interface SharedJob {
  column: PreparedColumn;
  sampleMean: number;
  seed: number;
  resamples: number;
  /** [0]: the next block to claim. */
  next: Int32Array;
  /** Per block: 0, CLAIMED or DONE. */
  state: Int32Array;
  means: Float64Array;
}

/**
 * Claims blocks of `job` until none is left, computing each into job.means. Shared by the
 * workers and the calling thread (the functions are passed in so that this file needs no core
 * internals beyond the metrics index).
 */
export function runShare(job: SharedJob, means: typeof blockMeans, count: typeof blockCount, per: number): number {
  const blocks = count(job.resamples);
  for (let done = 0; ; done++) {
    const block = Atomics.add(job.next, 0, 1);
    if (block >= blocks) return done;
    Atomics.store(job.state, block, CLAIMED);
    Atomics.notify(job.state, block);
    means(job.column, job.seed, block, job.resamples, job.sampleMean, job.means.subarray(block * per));
    Atomics.store(job.state, block, DONE);
    Atomics.notify(job.state, block);
  }
}

/** The threads to use: `requested` (≥ 1) or the cores there are, at most MAX_THREADS. */
export function threadCount(requested?: number): number {
  return Math.max(1, Math.min(requested ?? availableParallelism(), requested === undefined ? MAX_THREADS : Number.MAX_SAFE_INTEGER));
}

/** The weights one job draws: what decides whether threads pay off. */
function work(job: PoissonJob): number {
  const per = job.column.kind === 'values' ? job.column.nonZero.length : job.column.values.length;
  return per * job.resamples;
}

/**
 * The compiled worker beside this file (lib/node, or a bundle without chunks:
 * actions/metrics-diff/dist), or beside the bundle's entry when this code is in one of its
 * chunks (packages/cli/dist/chunks), if there.
 */
function workerFile(): URL | null {
  for (const candidate of ['./bootstrap-worker.js', '../bootstrap-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** A shared copy of a column's arrays, so that the workers read it without a copy each. */
function shareColumn(column: PreparedColumn): PreparedColumn {
  const share = (a: Float64Array) => {
    const copy = new Float64Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  };
  return column.kind === 'values' ? { ...column, nonZero: share(column.nonZero) } : { ...column, values: share(column.values), counts: share(column.counts) };
}

export interface ParallelBlocks {
  /** The core's BootstrapOptions.runBlocks. */
  runBlocks: (job: PoissonJob) => Float64Array | null;
  /** Threads used for a large job (1: never any worker). */
  readonly threads: number;
  /** The last job run on threads: its blocks, and how many of them the calling thread computed. */
  readonly lastJob: { blocks: number; here: number } | null;
  /**
   * The worker threads started: null until a job is large enough to need them, then threads − 1,
   * or 0 when the worker file is not there (every job then stays on the calling thread).
   */
  readonly workers: number | null;
  /** Stops the workers (they are unref'd, so a process also exits without this). */
  close(): Promise<void>;
}

/**
 * A runBlocks over `threads` threads in all (the calling one and threads − 1 workers, started at
 * the first job large enough to need them, then kept for the next). Null from runBlocks (one
 * thread) for small jobs, with one thread, or when the worker file is not there.
 */
export function parallelBlocks(options: { threads?: number | undefined; parallelAbove?: number } = {}): ParallelBlocks {
  const threads = threadCount(options.threads);
  const above = options.parallelAbove ?? PARALLEL_ABOVE;
  let workers: Worker[] | null = null;
  let started: number | null = null;
  const start = (): Worker[] => {
    if (workers) return workers;
    const file = workerFile();
    workers = [];
    started = 0;
    if (!file) return workers;
    for (let i = 1; i < threads; i++) {
      // The process's flags, less --input-type (a worker runs a file, where it is an error).
      const worker = new Worker(file, { execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')) });
      worker.unref();
      // A worker that fails only leaves its blocks to the others (see the file comment).
      worker.on('error', () => undefined);
      workers.push(worker);
    }
    started = workers.length;
    return workers;
  };
  let lastJob: ParallelBlocks['lastJob'] = null;
  return {
    threads,
    get lastJob() {
      return lastJob;
    },
    get workers() {
      return started;
    },
    // An arrow function: the core calls it detached from this object.
    runBlocks: (job) => {
      if (threads < 2 || work(job) < above) return null;
      const pool = start();
      if (pool.length === 0) return null;
      const blocks = blockCount(job.resamples);
      const shared: SharedJob = {
        column: shareColumn(job.column),
        sampleMean: job.sampleMean,
        seed: job.seed,
        resamples: job.resamples,
        next: new Int32Array(new SharedArrayBuffer(4)),
        state: new Int32Array(new SharedArrayBuffer(4 * blocks)),
        means: new Float64Array(new SharedArrayBuffer(8 * job.resamples)),
      };
      for (const worker of pool) worker.postMessage(shared);
      let here = runShare(shared, blockMeans, blockCount, BLOCK_RESAMPLES);
      for (let block = 0; block < blocks; block++) {
        // Claimed by a worker (or about to be marked so): wait for it; computed here after a stall.
        for (let state = Atomics.load(shared.state, block); state !== DONE; state = Atomics.load(shared.state, block)) {
          if (Atomics.wait(shared.state, block, state, STALL_MS) === 'timed-out') {
            blockMeans(shared.column, job.seed, block, job.resamples, job.sampleMean, shared.means.subarray(block * BLOCK_RESAMPLES));
            here++;
            break;
          }
        }
      }
      lastJob = { blocks, here };
      // A copy: a late worker may still write the same values into the shared array, and the
      // caller sorts what it gets.
      return Float64Array.from(shared.means);
    },
    async close() {
      const pool = workers ?? [];
      workers = null;
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
