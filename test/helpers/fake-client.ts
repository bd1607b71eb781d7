import { jest } from '@jest/globals';

/** Any Octokit method, loosely: a fake resolves only the fields the code under test reads. */
export type LooseMethod = (params?: any) => Promise<any>;

/** A jest mock of one Octokit method. */
export const fakeMethod = () => jest.fn<LooseMethod>();

/**
 * A hand-made client for a narrow interface cut from Octokit's types (src/github/octokit.ts):
 * only the namespaces and methods a test needs, cast to the interface the code takes.
 */
export function fakeClient<T>(rest: Record<string, Record<string, LooseMethod>>, extra: object = {}): T {
  return { rest, ...extra } as T;
}
