import { afterEach, beforeEach } from '@jest/globals';
import nock from 'nock';

/** No real network: only loopback (the App's own server in integration tests) may be reached. */
export function isolateNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}

/** Throws (failing the test) when an expected request was never made; clears every mock either way. */
export function assertAllMocksUsed(): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`Unused HTTP mocks:\n${pending.join('\n')}`);
}

/**
 * The nock lifecycle every HTTP test shares: before each test, no real network; after it, every
 * expected request made, the mocks cleared and the network restored for the next suite.
 */
export function useNock(): void {
  beforeEach(isolateNetwork);
  afterEach(() => {
    try {
      assertAllMocksUsed();
    } finally {
      nock.enableNetConnect();
    }
  });
}
