import { generateKeyPairSync } from 'node:crypto';
import { Probot, ProbotOctokit } from 'probot';
import modelgate from '../../../src/app/index.js';

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
  throttle: { ...options.throttle, enabled: false },
}));

export async function testProbot(): Promise<Probot> {
  const probot = new Probot({ appId: APP_ID, privateKey, logLevel: 'fatal', Octokit: TestOctokit });
  await probot.load(modelgate);
  return probot;
}
