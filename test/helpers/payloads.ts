import { expect } from '@jest/globals';
import { createRequire } from 'node:module';

interface Definition {
  name: string;
  examples: Array<Record<string, any>>;
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

/** A deep copy of the first example of `event` with `action`, from @octokit/webhooks-examples. */
export function example(event: string, action: string): any {
  const found = definitions.find((d) => d.name === event)?.examples.find((e) => e['action'] === action && e['installation']);
  if (!found) throw new Error(`No ${event}.${action} example with an installation`);
  return structuredClone(found);
}

export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
/** The example's base commit (branch master). */
export const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
/** The example repository's id (the store's key). */
export const REPO_ID = 186853002;

/**
 * A pull_request event for PR #2 of Codertocat/Hello-World (installation 1, default branch
 * master), at head HEAD_SHA on base BASE_SHA, changing `changedFiles` files.
 */
export function pullRequestEvent(action = 'synchronize', changedFiles = 3): any {
  const payload = example('pull_request', action);
  payload.pull_request.changed_files = changedFiles;
  payload.pull_request.head.sha = HEAD_SHA;
  payload.pull_request.base.sha = BASE_SHA;
  payload.installation = { id: 1, node_id: 'x' };
  return payload;
}

/** The same pull request, from a fork (someone/Hello-World). */
export function forkPullRequestEvent(changedFiles = 2): any {
  const payload = pullRequestEvent('opened', changedFiles);
  const head = payload.pull_request.head;
  head.repo = { ...structuredClone(head.repo), id: 999, name: 'Hello-World', full_name: 'someone/Hello-World', owner: { ...head.repo.owner, login: 'someone', id: 4 } };
  head.label = 'someone:changes';
  head.user = head.repo.owner;
  return payload;
}

/** The external id of a check run made while handling a delivery (any id): its pull request, the delivery, the step. */
export const deliveryExternalId = (step: string, pull = 2): unknown => expect.stringMatching(new RegExp(`^pull/${pull} delivery=[^ ]+ step=${step}$`));
