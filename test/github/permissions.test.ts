import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { hasWriteAccess } from '../../src/github/permissions.js';
import { API, restOctokit } from '../helpers/rest-octokit.js';
import { useNock } from '../helpers/nock.js';

const repo = { owner: 'acme', repo: 'models' };
const level = (permission: string, role_name: string) => ({ permission, role_name, user: { login: 'octocat' } });

describe('hasWriteAccess', () => {
  useNock();

  it.each([
    ['admin', 'admin', true],
    ['write', 'maintain', true],
    ['write', 'write', true],
    ['read', 'triage', false],
    ['read', 'read', false],
    ['none', 'none', false],
    // A custom role is reported by name; its base level decides.
    ['write', 'ml-reviewer', true],
    ['read', 'ml-viewer', false],
  ])('permission %s, role %s: %s', async (permission, role, expected) => {
    nock(API).get('/repos/acme/models/collaborators/octocat/permission').reply(200, level(permission, role));
    await expect(hasWriteAccess(restOctokit(), repo, 'octocat')).resolves.toBe(expected);
  });

  it('asks about exactly that user, encoded', async () => {
    nock(API).get('/repos/acme/models/collaborators/dependabot%5Bbot%5D/permission').reply(200, level('read', 'read'));
    await expect(hasWriteAccess(restOctokit(), repo, 'dependabot[bot]')).resolves.toBe(false);
  });

  it('a user GitHub does not know has no access', async () => {
    nock(API).get('/repos/acme/models/collaborators/ghost/permission').reply(404, { message: 'Not Found' });
    await expect(hasWriteAccess(restOctokit(), repo, 'ghost')).resolves.toBe(false);
  });

  it('does not swallow other errors', async () => {
    nock(API).get('/repos/acme/models/collaborators/octocat/permission').reply(403, { message: 'Resource not accessible by integration' });
    await expect(hasWriteAccess(restOctokit(), repo, 'octocat')).rejects.toMatchObject({ status: 403 });
  });
});
