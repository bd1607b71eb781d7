import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Probot, ProbotOctokit } from 'probot';
import { createApp } from '../../src/app/index.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/index.js';

export const APP_ID = 123;

/** A throwaway RSA key: Probot signs JWTs with it; nock never checks them. */
export const privateKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

/**
 * Retries and throttling off: a test sees each request exactly once, without waits. A
 * function, not an object: Probot passes its own `throttle` options when it instantiates
 * the class, and those replace object defaults wholesale (leaving the 1 s gap between
 * writes on); a function sees them and switches throttling off last.
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options['throttle'], enabled: false },
}));

/** A fresh in-memory SQLite store: nothing shared between tests. */
export function memoryStore(): Promise<Store> {
  return openStore({ DATABASE_URL: ':memory:' }, process.cwd());
}

export interface TestApp {
  probot: Probot;
  store: Store;
  /** Delivers an event as GitHub would, each call with a new delivery id unless one is given. */
  receive(name: string, payload: unknown, id?: string): Promise<void>;
}

/** modelgate loaded into a Probot with throttling off, on its own in-memory store (close it after the test). */
export async function testApp(store?: Store): Promise<TestApp> {
  const own = store ?? (await memoryStore());
  const probot = new Probot({ appId: APP_ID, privateKey, logLevel: 'fatal', Octokit: TestOctokit });
  await probot.load(createApp({ store: own }));
  return { probot, store: own, receive: (name, payload, id = randomUUID()) => probot.receive({ id, name, payload } as never) };
}
