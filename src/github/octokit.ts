import type { Octokit } from '@octokit/rest';

/**
 * Octokit's REST methods by namespace (`Rest['checks']['create']`): the source every narrow
 * client interface in src/github is cut from with `Pick`, as github/branch-deploy does, so a
 * call that drifts from GitHub's API is a type error. Probot's `context.octokit` and
 * `@octokit/rest` (the actions) share these types.
 */
export type Rest = Octokit['rest'];
