import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { forkPullRequestEvent, HEAD_SHA, pullRequestEvent, deliveryExternalId } from '../../helpers/payloads.js';
import type { TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const REPO = 'Codertocat/Hello-World';
const card = (name: string) => readFileSync(new URL(`../../fixtures/github/cards/${name}`, import.meta.url), 'utf8');
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const C = encodeURIComponent;

let app: TestApp;
let github: FakeGitHub;

useTestApp((a, g) => {
  app = a;
  github = g;
});

const receive = (payload: unknown, name = 'pull_request') => app.receive(name, payload);

describe('pull_request: one check run with the verdict on the changed cards', () => {
  test('2 changed cards + 1 other file: token, create, config, 1 files page, 2 reads, 1 update — and exact bodies', async () => {
    github
      .token()
      .createCheck(REPO, 77)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/good/MODEL_CARD.md' }, { filename: 'src/train.py' }, { filename: 'models/churn/MODEL_CARD.md', status: 'added' }])
      .file(REPO, 'models/good/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
      .file(REPO, 'models/churn/MODEL_CARD.md', HEAD_SHA, card('invalid-license.md'))
      .updateCheck(REPO, 77);

    await receive(pullRequestEvent('synchronize', 3));

    expect(github.summary).toEqual([
      'POST /app/installations/1/access_tokens',
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/contents/.github${C('/')}modelgate.yml?ref=master`,
      `GET /repos/${REPO}/pulls/2/files?per_page=100&page=1`,
      `GET /repos/${REPO}/contents/models${C('/')}good${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `GET /repos/${REPO}/contents/models${C('/')}churn${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `PATCH /repos/${REPO}/check-runs/77`,
    ]);
    expect(github.checkCreates).toEqual([
      { name: 'modelgate / model cards', head_sha: HEAD_SHA, status: 'in_progress', started_at: ISO, external_id: deliveryExternalId('cards') },
    ]);
    const [update] = github.checkUpdates;
    expect(update).toEqual({
      status: 'completed',
      conclusion: 'failure',
      completed_at: ISO,
      output: {
        title: '1 model card failed: 1 error, 0 warnings',
        summary: expect.stringContaining('**1 model card of 2 failed** (1 error, 0 warnings).'),
        annotations: [
          expect.objectContaining({
            path: 'models/churn/MODEL_CARD.md',
            start_line: 2,
            end_line: 2,
            annotation_level: 'failure',
            title: 'card/invalid-license',
          }),
        ],
      },
    });
    expect(update.output.summary).toContain('`models/good/MODEL_CARD.md`');
  });

  test('no card changed: a neutral "No model cards changed", no content reads', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'README.md' }, { filename: 'src/train.py' }])
      .updateCheck(REPO);

    await receive(pullRequestEvent('opened', 2));

    expect(github.calls).toHaveLength(5);
    expect(github.checkUpdates).toEqual([
      {
        status: 'completed',
        conclusion: 'neutral',
        completed_at: ISO,
        output: { title: 'No model cards changed', summary: expect.stringContaining('nothing to validate') },
      },
    ]);
  });

  test('deleted cards are not read; renamed cards are read under their new name', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [
        { filename: 'models/old/MODEL_CARD.md', status: 'removed' },
        { filename: 'models/new/MODEL_CARD.md', status: 'renamed', previous_filename: 'models/legacy/MODEL_CARD.md' },
      ])
      .file(REPO, 'models/new/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
      .updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 2));

    expect(github.summary.filter((s) => s.includes('/contents/models'))).toEqual([
      `GET /repos/${REPO}/contents/models${C('/')}new${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
    ]);
    expect(github.checkUpdates[0].conclusion).toBe('success');
    expect(github.checkUpdates[0].output.title).toBe('1 model card valid');
  });

  test('many cards: every one read once, the verdict counts them all', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `models/m${i}/MODEL_CARD.md`);
    github.token().createCheck(REPO).config(REPO, 'master', null).files(REPO, 2, names.map((filename) => ({ filename })));
    for (const [i, name] of names.entries()) github.file(REPO, name, HEAD_SHA, card(i % 4 === 0 ? 'yaml-syntax.md' : 'valid.md'));
    github.updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 12));

    expect(github.calls).toHaveLength(4 + 12 + 1);
    const [update] = github.checkUpdates;
    expect(update.conclusion).toBe('failure');
    expect(update.output.title).toBe('3 model cards failed: 3 errors, 0 warnings');
    expect(update.output.annotations.map((a: any) => [a.path, a.title, a.annotation_level])).toEqual([
      ['models/m0/MODEL_CARD.md', 'card/yaml-syntax', 'failure'],
      ['models/m4/MODEL_CARD.md', 'card/yaml-syntax', 'failure'],
      ['models/m8/MODEL_CARD.md', 'card/yaml-syntax', 'failure'],
    ]);
  });

  test('120 findings: the completion carries 50 annotations, two more updates carry 50 and 20', async () => {
    // 120 cards with one error each: annotations come in card order.
    const names = Array.from({ length: 120 }, (_, i) => `models/m${String(i).padStart(3, '0')}/MODEL_CARD.md`);
    github.token().createCheck(REPO).config(REPO, 'master', null);
    github.files(REPO, 2, names.slice(0, 100).map((filename) => ({ filename })), 1, true).files(REPO, 2, names.slice(100).map((filename) => ({ filename })), 2);
    for (const name of names) github.file(REPO, name, HEAD_SHA, card('invalid-license.md'));
    github.updateCheck(REPO, 77, 3);

    await receive(pullRequestEvent('synchronize', 120));

    const updates = github.checkUpdates;
    expect(updates.map((u) => u.output.annotations.length)).toEqual([50, 50, 20]);
    expect(updates.map((u) => u.output.title)).toEqual(Array(3).fill('120 model cards failed: 120 errors, 0 warnings'));
    expect(new Set(updates.map((u) => u.output.summary)).size).toBe(1);
    expect(updates.map((u) => [u.status, u.conclusion])).toEqual([['completed', 'failure'], [undefined, undefined], [undefined, undefined]]);
    const annotated = updates.flatMap((u) => u.output.annotations.map((a: any) => `${a.path}:${a.start_line}:${a.annotation_level}`));
    expect(annotated.sort()).toEqual(names.map((n) => `${n}:2:failure`).sort());
    expect(github.calls).toHaveLength(1 + 1 + 1 + 2 + 120 + 3);
  });

  test('fork PR: cards are read from the fork at the head SHA', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }, { filename: 'models/b/MODEL_CARD.md' }])
      .file('someone/Hello-World', 'models/a/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
      .file('someone/Hello-World', 'models/b/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
      .updateCheck(REPO);

    await receive(forkPullRequestEvent(2));

    expect(github.summary.filter((s) => s.includes('/contents/models'))).toEqual([
      `GET /repos/someone/Hello-World/contents/models${C('/')}a${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `GET /repos/someone/Hello-World/contents/models${C('/')}b${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
    ]);
    // The check run lives on the base repository, on the fork's head commit.
    expect(github.checkCreates[0]).toMatchObject({ head_sha: HEAD_SHA, name: 'modelgate / model cards' });
    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'success', output: { title: '2 model cards valid' } });
  });

  test('fork the installation cannot read: one 404 from the fork, then the base repository serves the commit', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/a/MODEL_CARD.md' }, { filename: 'models/b/MODEL_CARD.md' }])
      .file('someone/Hello-World', 'models/a/MODEL_CARD.md', HEAD_SHA, null)
      .file(REPO, 'models/a/MODEL_CARD.md', HEAD_SHA, card('valid.md'))
      .file(REPO, 'models/b/MODEL_CARD.md', HEAD_SHA, card('invalid-license.md'))
      .updateCheck(REPO);

    await receive(forkPullRequestEvent(2));

    expect(github.summary.filter((s) => s.includes('/contents/models'))).toEqual([
      `GET /repos/someone/Hello-World/contents/models${C('/')}a${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `GET /repos/${REPO}/contents/models${C('/')}a${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
      `GET /repos/${REPO}/contents/models${C('/')}b${C('/')}MODEL_CARD.md?ref=${HEAD_SHA}`,
    ]);
    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'failure', output: { title: '1 model card failed: 1 error, 0 warnings' } });
  });

  test('bad config: the check fails with the config errors annotated on .github/modelgate.yml; no files listed', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', readFileSync(new URL('../../fixtures/github/modelgate-invalid.yml', import.meta.url), 'utf8'))
      .updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 3));

    expect(github.calls).toHaveLength(4);
    const [update] = github.checkUpdates;
    expect(update).toEqual({
      status: 'completed',
      conclusion: 'failure',
      completed_at: ISO,
      output: {
        title: 'Invalid configuration: 1 error in .github/modelgate.yml',
        summary: expect.stringContaining('is invalid**, so no model cards were validated'),
        annotations: [
          expect.objectContaining({ path: '.github/modelgate.yml', start_line: 1, end_line: 1, annotation_level: 'failure', title: 'config/invalid' }),
        ],
      },
    });
  });

  test('config from the default branch: custom card globs and fail_on: warning', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', 'fail_on: warning\ncards: ["cards/*.md"]\n')
      .files(REPO, 2, [{ filename: 'cards/spam.md' }, { filename: 'models/x/MODEL_CARD.md' }])
      .file(REPO, 'cards/spam.md', HEAD_SHA, card('warning-only.md'))
      .updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 2));

    expect(github.summary.filter((s) => s.includes('/contents/'))).toEqual([
      `GET /repos/${REPO}/contents/.github${C('/')}modelgate.yml?ref=master`,
      `GET /repos/${REPO}/contents/cards${C('/')}spam.md?ref=${HEAD_SHA}`,
    ]);
    const [update] = github.checkUpdates;
    expect(update.conclusion).toBe('failure');
    expect(update.output.title).toBe('1 model card failed: 0 errors, 1 warning');
    expect(update.output.summary).toContain('Warnings fail this check (`fail_on: warning`).');
    expect(update.output.annotations).toEqual([
      expect.objectContaining({ path: 'cards/spam.md', start_line: 3, annotation_level: 'warning', title: 'card/unknown-pipeline-tag' }),
    ]);
  });

  test('warnings alone pass by default (fail_on: error), and are still annotated', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/spam/MODEL_CARD.md' }])
      .file(REPO, 'models/spam/MODEL_CARD.md', HEAD_SHA, card('warning-only.md'))
      .updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 1));

    expect(github.checkUpdates[0]).toMatchObject({
      conclusion: 'success',
      output: { title: '1 model card passed with 1 warning', annotations: [{ annotation_level: 'warning', start_line: 3 }] },
    });
  });

  test('over 3,000 changed files: 30 pages listed, and the summary says the rest were not checked', async () => {
    github.token().createCheck(REPO).config(REPO, 'master', null);
    for (let page = 1; page <= 30; page++) {
      github.files(REPO, 2, Array.from({ length: 100 }, (_, i) => ({ filename: `data/${page}-${i}.csv` })), page, true);
    }
    github.updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 3500));

    expect(github.calls).toHaveLength(3 + 30 + 1);
    expect(github.checkUpdates[0].output.summary).toContain(
      'This pull request changes 3,500 files, but GitHub lists only the first 3,000. Model cards among the rest were not checked',
    );
  });

  test('card text reaches the summary escaped: no HTML, no mentions, no table breakout', async () => {
    github
      .token()
      .createCheck(REPO)
      .config(REPO, 'master', null)
      .files(REPO, 2, [{ filename: 'models/evil/MODEL_CARD.md' }])
      .file(REPO, 'models/evil/MODEL_CARD.md', HEAD_SHA, card('markdown-injection.md'))
      .updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 1));

    const { summary } = github.checkUpdates[0].output;
    expect(summary).not.toContain('<img');
    expect(summary).not.toContain('@acme/admins');
    expect(summary).not.toContain('![x](http://evil)');
  });

  test('an API failure mid-check completes the check as failed, says to re-run, and surfaces the error', async () => {
    github.token().createCheck(REPO).config(REPO, 'master', null);
    github.scope.get(`/repos/${REPO}/pulls/2/files`).query(true).reply(502, { message: 'Server Error' });
    github.updateCheck(REPO);

    await expect(receive(pullRequestEvent('synchronize', 1))).rejects.toThrow();

    expect(github.checkUpdates).toEqual([
      {
        status: 'completed',
        conclusion: 'failure',
        completed_at: ISO,
        output: { title: 'modelgate could not check the model cards', summary: expect.stringContaining('Re-run this check.') },
      },
    ]);
  });

  test('a symlinked card is skipped with a note, not failed', async () => {
    github.token().createCheck(REPO).config(REPO, 'master', null).files(REPO, 2, [{ filename: 'models/link/MODEL_CARD.md' }]);
    github.scope
      .get(`/repos/${REPO}/contents/models${C('/')}link${C('/')}MODEL_CARD.md`)
      .query({ ref: HEAD_SHA })
      .reply(200, { type: 'symlink', target: '../x.md' });
    github.updateCheck(REPO);

    await receive(pullRequestEvent('synchronize', 1));

    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'neutral', output: { title: 'No model cards checked' } });
    expect(github.checkUpdates[0].output.summary).toContain('Skipped `models/link/MODEL_CARD.md`: it is a symlink, not a file.');
  });

  test.each(['opened', 'reopened', 'ready_for_review'])('%s runs the check too', async (action) => {
    github.token().createCheck(REPO).config(REPO, 'master', null).files(REPO, 2, []).updateCheck(REPO);
    await receive(pullRequestEvent(action, 0));
    expect(github.checkCreates).toHaveLength(1);
  });

  test('other pull_request actions do nothing', async () => {
    await receive(pullRequestEvent('closed' as never, 1));
    await receive({ ...pullRequestEvent('labeled', 1) });
    expect(github.calls).toEqual([]);
  });
});
