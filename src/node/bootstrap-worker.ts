/**
 * A worker thread of parallel-bootstrap.ts: takes blocks of a Poisson bootstrap job from the
 * shared counter until none is left, writing each block's means into the shared output. Each
 * block has its own generator (poisson-bootstrap.ts), so who computes it changes nothing.
 */
import { parentPort } from 'node:worker_threads';
import { BLOCK_RESAMPLES, blockCount, blockMeans } from '../core/metrics/index.js';
import { runShare, type SharedJob } from './parallel-bootstrap.js';

parentPort?.on('message', (job: SharedJob) => {
  runShare(job, blockMeans, blockCount, BLOCK_RESAMPLES);
});
