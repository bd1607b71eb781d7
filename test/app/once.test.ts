import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { once } from '../../src/app/once.js';
import type { Store } from '../../src/store/index.js';
import { memoryStore } from '../helpers/probot.js';

let store: Store;
beforeEach(async () => {
  store = await memoryStore();
});
afterEach(() => store.close());

const context = (id: string, logs: string[] = []) => ({
  id,
  name: 'pull_request',
  payload: { action: 'opened' },
  log: { info: (_obj: object, msg: string) => void logs.push(msg) },
});

describe('once', () => {
  test('a delivery is handled once; a redelivery (same id) is logged and skipped', async () => {
    const handled: string[] = [];
    const logs: string[] = [];
    const handler = once(store, async (c: ReturnType<typeof context>) => void handled.push(c.id));
    await handler(context('d-1', logs));
    await handler(context('d-1', logs));
    await handler(context('d-2', logs));
    expect(handled).toEqual(['d-1', 'd-2']);
    expect(logs).toEqual(['This delivery was already handled; ignoring the redelivery.']);
  });

  test('concurrent copies of one delivery: exactly one runs', async () => {
    let runs = 0;
    const handler = once(store, async () => {
      runs++;
    });
    await Promise.all(Array.from({ length: 10 }, () => handler(context('d-3'))));
    expect(runs).toBe(1);
  });

  test('a handler that throws releases the claim, so a redelivery is handled; the error is rethrown', async () => {
    let attempt = 0;
    const handler = once(store, async () => {
      attempt++;
      if (attempt === 1) throw new Error('GitHub is down');
    });
    await expect(handler(context('d-4'))).rejects.toThrow('GitHub is down');
    await handler(context('d-4'));
    await handler(context('d-4'));
    expect(attempt).toBe(2);
  });
});
