import { describe, test } from '@jest/globals';

/**
 * `describe` for tests that need something outside the repository's control (a PostgreSQL
 * server, the built lib/, the shared corpus beside the project). When it is there, the tests run.
 * When it is missing they are skipped with one clear line on the console — except under CI=true,
 * where a missing prerequisite is a failing test saying what CI must provide: CI never passes
 * by silently running less.
 */
export function describeWith(what: string, missing: string | null, define: () => void): void {
  if (missing === null) {
    describe(what, define);
    return;
  }
  if (process.env['CI']) {
    describe(what, () => {
      test(`needs ${missing}`, () => {
        throw new Error(`${what}: ${missing}. CI must provide it (see .ci/run).`);
      });
    });
    return;
  }
  console.warn(`Skipping ${what}: ${missing}.`);
  describe.skip(what, define);
}
