import { describe, expect, test } from '@jest/globals';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { BASE_SHA, HEAD_SHA, pullRequestEvent } from '../../helpers/payloads.js';
import type { TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const REPO = 'Codertocat/Hello-World';
const CONFIG = 'promotion:\n  stages:\n    - name: production\n';
const SHA = 'a'.repeat(40);
const REGISTRY = `models:
  sentiment:
    versions:
      v2: {card: models/sentiment/README.md, commit: ${SHA}, pr: 11, card_digest: "sha256:${'b'.repeat(64)}", evaluation: null, registered_at: "2026-11-01T10:00:00Z"}
    stages: {production: v2}
    history:
      - {stage: production, from: null, to: v2, promotion: p-aaaaaaaaaaaa, requested_by: alice, approved_by: [bob], at: "2026-11-05T09:00:00Z"}
`;

let app: TestApp;
let github: FakeGitHub;
useTestApp((a, g) => {
  app = a;
  github = g;
});

/** The calls of a PR that changes only the registry, with `head` as its new text. */
function registryChange(head: string): void {
  github
    .token()
    .createCheck(REPO, 77)
    .config(REPO, 'master', CONFIG)
    .files(REPO, 2, [{ filename: 'models/registry.yaml', status: 'modified' }])
    .file(REPO, 'models/registry.yaml', HEAD_SHA, head)
    .file(REPO, 'models/registry.yaml', BASE_SHA, REGISTRY)
    .updateCheck(REPO, 77);
}

describe('pull_request: hand edits of the registry are checked like a config', () => {
  test('a valid edit (a comment, a new history entry) passes', async () => {
    registryChange(`# hand-written note\n${REGISTRY}      - {stage: production, from: v2, to: v2, promotion: p-cccccccccccc, requested_by: alice, approved_by: [bob], at: "2026-11-06T09:00:00Z"}\n`);
    await app.receive('pull_request', pullRequestEvent('synchronize', 1));
    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'success', output: { title: '1 model card valid' } });
    expect(github.checkUpdates[0].output.annotations).toBeUndefined();
  });

  test('a schema error and a rewritten history fail the check, annotated on their lines', async () => {
    registryChange(REGISTRY.replace('approved_by: [bob]', 'approved_by: [mallory]'));
    await app.receive('pull_request', pullRequestEvent('synchronize', 1));
    const [update] = github.checkUpdates;
    expect(update).toMatchObject({ conclusion: 'failure', output: { title: '1 model card failed: 1 error, 0 warnings' } });
    expect(update.output.annotations).toEqual([
      {
        path: 'models/registry.yaml',
        start_line: 7,
        end_line: 7,
        start_column: 9,
        end_column: 9,
        annotation_level: 'failure',
        title: 'registry/history-rewritten',
        message: 'The history of `sentiment` was changed at entry 1: its 1 earlier entry must stay as they are, in order.\nThe history is append-only. Restore the earlier entries; to undo a move, run `/modelgate rollback`.',
      },
    ]);
  });

  test('a registry that does not read is annotated at the error', async () => {
    registryChange(REGISTRY.replace('    stages: {production: v2}', '    stages: {production: v9}'));
    await app.receive('pull_request', pullRequestEvent('synchronize', 1));
    expect(github.checkUpdates[0].output.annotations).toEqual([
      expect.objectContaining({ path: 'models/registry.yaml', start_line: 5, title: 'registry/inconsistent', message: expect.stringMatching(/^Stage `production` of `sentiment` holds `v9`, which is not a registered version\./) }),
    ]);
  });
});
