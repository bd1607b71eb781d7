import { describe, expect, test } from '@jest/globals';
import pino from 'pino';
import { IntakeActivity } from '../../../src/app/http/intake.js';
import { createMetrics } from '../../../src/app/http/metrics.js';
import { DEFAULT_WORKER_SETTINGS, InboxWorker } from '../../../src/app/inbox/worker.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('IntakeActivity: the workers give way to webhook requests in flight', () => {
  test('quiet() waits while a request is in flight and resolves once the last one left', async () => {
    const activity = new IntakeActivity(60_000);
    activity.enter();
    activity.enter();
    let done = false;
    const quiet = activity.quiet().then(() => (done = true));
    activity.leave();
    for (let i = 0; i < 5; i++) await turn();
    expect(done).toBe(false);
    activity.leave();
    await quiet;
    expect(activity.busy).toBe(false);
  });

  test('a steady stream never starves the workers: quiet() resolves after maxWaitMs', async () => {
    const activity = new IntakeActivity(30);
    activity.enter();
    const started = Date.now();
    await activity.quiet();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(activity.busy).toBe(true);
  });

  test('the worker takes no delivery while a request is in flight, and takes it once the intake is quiet', async () => {
    const activity = new IntakeActivity(60_000);
    const taken: string[] = [];
    const inbox = {
      takeDelivery: async () => (taken.push('take'), taken.length === 1 ? { id: 'd-1', event: 'ping', action: null, installationId: null, repo: null, pr: null, orderingKey: null, state: 'pending' as const, attempts: 1, receivedAt: '', availableAt: '', leaseOwner: 'w', leaseUntil: null, lastError: null, finishedAt: null, payload: '{}' } : null),
      renewLease: async () => true,
      completeDelivery: async () => void taken.push('complete'),
      failDelivery: async () => undefined,
      releaseLeases: async () => 0,
      releaseDelivery: async () => undefined,
    };
    const worker = new InboxWorker({
      inbox,
      handle: async () => void taken.push('handle'),
      settings: { ...DEFAULT_WORKER_SETTINGS, pollMs: 3_600_000 },
      metrics: createMetrics(null),
      log: pino({ level: 'silent' }),
      giveWay: () => activity.quiet(),
    });
    activity.enter();
    worker.start();
    for (let i = 0; i < 10; i++) await turn();
    expect(taken).toEqual([]);
    activity.leave();
    for (let i = 0; i < 50 && !taken.includes('complete'); i++) await turn();
    expect(taken.slice(0, 3)).toEqual(['take', 'handle', 'complete']);
    await worker.stop(1000);
  });
});
