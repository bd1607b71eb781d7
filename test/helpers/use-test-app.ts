import { afterEach, beforeEach } from '@jest/globals';
import { FakeGitHub } from './fake-github.js';
import { assertAllMocksUsed, isolateNetwork } from './nock.js';
import { testApp, type TestApp } from './probot.js';

/**
 * The setup every App handler test shares: before each test, no real network, a fresh App on
 * an in-memory store and a fresh fake GitHub, handed to `ready`; after it, the store closed and
 * every expected GitHub call made.
 */
export function useTestApp(ready: (app: TestApp, github: FakeGitHub) => void): void {
  let app: TestApp | undefined;
  beforeEach(async () => {
    isolateNetwork();
    app = await testApp();
    ready(app, new FakeGitHub());
  });
  afterEach(async () => {
    await app?.store.close();
    assertAllMocksUsed();
  });
}
