import { describe, test } from '@jest/globals';
import { existsSync } from 'node:fs';

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

/**
 * The project's shared real-world data beside the checkout (`../shared`: the corpus of real
 * model cards, the Hub's reference files). CI has it; a clone from GitHub does not. Tests that
 * read it go in `describeWith(what, sharedMissing(path), …)`; the project's own fixtures cover
 * every rule without it, and the product never reads it.
 */
export const SHARED = new URL('../../../shared/', import.meta.url);

/** Null when every `paths` (relative to ../shared) exists, else what is missing, for describeWith. */
export function sharedMissing(...paths: string[]): string | null {
  const absent = paths.filter((path) => !existsSync(new URL(path, SHARED)));
  return absent.length === 0 ? null : `../shared/${absent[0]} is not beside the checkout (only CI and the project's machines have the shared corpus)`;
}
