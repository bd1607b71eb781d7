import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { ProbotOctokit } from 'probot';
import { ownAppId } from '../../src/github/app-id.js';

describe('ownAppId', () => {
  test("reads the id from a Probot Octokit's App credentials, without a request", async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    // No nock here: any HTTP request would fail the test.
    const octokit = new ProbotOctokit({ auth: { appId: 4242, privateKey } });
    await expect(ownAppId(octokit)).resolves.toBe(4242);
  });

  test('null when the client cannot authenticate as an App', async () => {
    await expect(ownAppId({ auth: async () => ({ type: 'token', token: 'x' }) })).resolves.toBeNull();
    await expect(ownAppId({ auth: async () => Promise.reject(new Error('no')) })).resolves.toBeNull();
  });
});
