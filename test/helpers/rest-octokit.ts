import { Octokit } from '@octokit/rest';

const quiet = () => {};

/** A real @octokit/rest client that logs nothing, for unit tests of API modules against nock. */
export function restOctokit(): Octokit {
  return new Octokit({ auth: 'test-token', log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
}

export const API = 'https://api.github.com';
