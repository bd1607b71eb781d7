import { describe, expect, test } from '@jest/globals';
import { escapeMarkdown } from '../../../src/render/markdown/escape.js';
import { metricsCard } from '../../helpers/cards.js';
import { evaluationZip, listedArtifact, type ArtifactOptions } from '../../helpers/evaluation-artifacts.js';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { assertAllMocksUsed } from '../../helpers/nock.js';
import { deliveryExternalId } from '../../helpers/payloads.js';
import type { TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { BASE_REPO_ID, forkWorkflowRunEvent, RUN_HEAD_SHA, workflowRunEvent } from '../../helpers/workflow-runs.js';

const REPO = 'Codertocat/Hello-World';
const RUN_ID = 289782451;
const RUN_URL = 'https://github.com/octo-org/octo-repo/actions/runs/289782451';
const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const NEWER_SHA = 'a'.repeat(40);
const MAIN_SHA = 'b'.repeat(40);
const MARKER = '<!-- modelgate:metrics-diff model=sentiment -->';
const GATE = 'metrics:\n  - match: "eval.accuracy"\n    max_regression: 0.02\nevaluation:\n  workflow: evaluate.yml\n';
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const C = encodeURIComponent;
const CONFIG_PATH = `/repos/${REPO}/contents/${C('.github/modelgate.yml')}?ref=master`;

let app: TestApp;
let github: FakeGitHub;

useTestApp((a, g) => {
  app = a;
  github = g;
});

/** A pull_request run of PR #2 (same repository) at RUN_HEAD_SHA, of .github/workflows/evaluate.yml. */
function prRun(overrides: Record<string, unknown> = {}): any {
  const payload = workflowRunEvent();
  Object.assign(payload.workflow_run, { name: 'Evaluate models', path: '.github/workflows/evaluate.yml', ...overrides });
  return payload;
}

/** A successful main-branch evaluation in the store: the baseline (accuracy 0.91). */
async function seedBaseline(runId = 100, accuracy = 0.91): Promise<void> {
  await app.store.recordEvaluation({
    repoId: BASE_REPO_ID,
    repoFullName: REPO,
    model: 'sentiment',
    modelVersion: 'v2',
    sha: MAIN_SHA,
    ref: 'master',
    pr: null,
    runId,
    runAttempt: 1,
    runUrl: `https://github.com/${REPO}/actions/runs/${runId}`,
    status: 'success',
    metrics: { 'eval.accuracy': accuracy, 'eval.f1': 0.88 },
    predictionsDigest: null,
    cardDigest: null,
    manifest: null,
    verdict: null,
    createdAt: new Date('2020-10-01T00:00:00Z'),
  });
}

function artifactOf(options: Partial<ArtifactOptions> = {}, runId = RUN_ID): void {
  const zip = evaluationZip({ commit: RUN_HEAD_SHA, pr: 2, metrics: { 'eval.accuracy': 0.85, 'eval.f1': 0.9 }, ...options });
  github.artifacts(REPO, runId, [listedArtifact(7, 'coverage'), listedArtifact(8, `modelgate-eval-${options.model ?? 'sentiment'}`, zip.byteLength)]).download(REPO, 8, zip);
}

const stored = () => app.store.latestEvaluation({ repoId: BASE_REPO_ID, model: 'sentiment', status: 'success', ref: 'refs/pull/2/head' });

describe('workflow_run.completed: a successful evaluation run', () => {
  test('one model, comment id known: 6 API calls; stored; comment updated with the diff vs the store baseline; check fails the gate', async () => {
    await seedBaseline();
    await app.store.setCommentId({ repoId: BASE_REPO_ID, pr: 2, key: 'metrics-diff:sentiment', commentId: 555 });
    github.token();
    artifactOf();
    github.config(REPO, 'master', GATE).createCheck(REPO, 88, 'modelgate / evaluation').updateComment(REPO, 555).updateCheck(REPO, 88);

    await app.receive('workflow_run', prRun());

    const api = github.summary.slice(1);
    expect(api).toEqual([
      `GET /repos/${REPO}/actions/runs/${RUN_ID}/artifacts?per_page=100&page=1`,
      `GET /repos/${REPO}/actions/artifacts/8/zip`,
      `GET ${CONFIG_PATH}`,
      `POST /repos/${REPO}/check-runs`,
      `PATCH /repos/${REPO}/issues/comments/555`,
      `PATCH /repos/${REPO}/check-runs/88`,
    ]);
    expect(github.summary[0]).toBe('POST /app/installations/1/access_tokens');
    const [body] = github.commentBodies;
    expect(body!.split('\n').slice(0, 2)).toEqual([
      MARKER,
      '❌ **1 of 1 metric gate failed** — compared with the baseline **master \\(evaluation run \\#100\\)** (`bbbbbbb`).',
    ]);
    expect(body).toContain('| `eval.accuracy` | 0.91 | 0.85 | -0.06 | -6.6% | — | 🔴 regressed · ❌ gate failed |');
    expect(body).toContain('| `eval.f1` | 0.88 | 0.9 | +0.02 | +2.3% | — | 🟢 improved |');
    expect(body).toContain(`[Evaluation run](${RUN_URL})`);
    expect(github.checkCreates).toEqual([{ name: 'modelgate / evaluation', head_sha: RUN_HEAD_SHA, status: 'in_progress', started_at: ISO, external_id: deliveryExternalId('evaluation') }]);
    expect(github.checkUpdates).toEqual([
      {
        status: 'completed',
        conclusion: 'failure',
        completed_at: ISO,
        output: { title: '1 of 1 metric gate failed (sentiment)', summary: `### \`sentiment\` · \`modelgate-eval-sentiment\`\n\n${body!.slice(MARKER.length + 1)}` },
      },
    ]);
    expect(await stored()).toMatchObject({
      model: 'sentiment',
      modelVersion: 'v3',
      sha: RUN_HEAD_SHA,
      ref: 'refs/pull/2/head',
      pr: 2,
      runId: RUN_ID,
      runAttempt: 1,
      runUrl: RUN_URL,
      metrics: { 'eval.accuracy': 0.85, 'eval.f1': 0.9 },
      verdict: false,
      createdAt: '2020-10-05T16:33:49.000Z',
    });
  });

  test('no stored baseline: the card on the base branch; first comment found by listing, then created; gate passes', async () => {
    github.token();
    artifactOf({ metrics: { 'imdb/accuracy': 0.9, 'imdb/f1': 0.9 } });
    github
      .config(REPO, 'master', 'metrics:\n  - match: "*/accuracy"\n    max_regression: 0.02\n')
      .file(REPO, 'models/sentiment/README.md', BASE_SHA, metricsCard({ accuracy: 0.91, f1: 0.88 }))
      .createCheck(REPO, 88, 'modelgate / evaluation')
      .listComments(REPO, 2, [])
      .createComment(REPO, 2, 556)
      .updateCheck(REPO, 88);

    await app.receive('workflow_run', prRun());

    const [body] = github.commentBodies;
    expect(body!.split('\n')[1]).toBe('✅ **The metric gate passed** — compared with the baseline **base branch** (`master`, `f95f852`).');
    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'success', output: { title: 'The metric gate passed (sentiment)' } });
    await expect(app.store.getCommentId({ repoId: BASE_REPO_ID, pr: 2, key: 'metrics-diff:sentiment' })).resolves.toBe(556);
    expect((await stored())?.verdict).toBe(true);
  });

  test('a fork PR run: the PR is found by fork owner, branch, SHA and head repository; published on the base repository', async () => {
    await seedBaseline();
    github.token();
    artifactOf({ metrics: { 'eval.accuracy': 0.92, 'eval.f1': 0.9 } });
    github
      .pullsWithHead(REPO, 'someone:changes', [
        { number: 2, state: 'open', head: { sha: RUN_HEAD_SHA, repo: { id: 999 } }, base: { ref: 'master', sha: BASE_SHA, repo: { id: BASE_REPO_ID } } },
        // Same branch name and commit in another fork: not this run's PR.
        { number: 3, state: 'open', head: { sha: RUN_HEAD_SHA, repo: { id: 1000 } }, base: { ref: 'master', sha: BASE_SHA, repo: { id: BASE_REPO_ID } } },
      ])
      .config(REPO, 'master', GATE)
      .createCheck(REPO, 88, 'modelgate / evaluation')
      .listComments(REPO, 2, [])
      .createComment(REPO, 2, 557)
      .updateCheck(REPO, 88);
    const payload = forkWorkflowRunEvent();
    payload.workflow_run.path = '.github/workflows/evaluate.yml';

    await app.receive('workflow_run', payload);

    expect(github.commentCalls).toEqual([`GET /repos/${REPO}/issues/2/comments?per_page=100&page=1`, `POST /repos/${REPO}/issues/2/comments`]);
    expect(github.checkUpdates[0]).toMatchObject({ conclusion: 'success' });
    expect(github.commentBodies[0]).toContain('| `eval.accuracy` | 0.91 | 0.92 | +0.01 |');
  });

  test('out of order: the newer head is published; the older run arriving after it publishes nothing', async () => {
    await seedBaseline();
    await app.store.recordHeadSha({ repoId: BASE_REPO_ID, pr: 2, sha: NEWER_SHA, at: new Date('2020-10-05T17:00:00Z') });
    // The newer run first.
    github.token();
    const newer = prRun({ id: 2, head_sha: NEWER_SHA });
    newer.workflow_run.pull_requests[0].head.sha = NEWER_SHA;
    artifactOf({ commit: NEWER_SHA }, 2);
    github.config(REPO, 'master', GATE).createCheck(REPO, 88, 'modelgate / evaluation').listComments(REPO, 2, []).createComment(REPO, 2, 555).updateCheck(REPO, 88);
    await app.receive('workflow_run', newer);
    expect(github.checkCreates[0].head_sha).toBe(NEWER_SHA);
    assertAllMocksUsed();

    // Then the older run, for RUN_HEAD_SHA: read and stored, never published.
    github = new FakeGitHub();
    artifactOf();
    github.config(REPO, 'master', GATE);
    await app.receive('workflow_run', prRun());

    expect(github.summary).toEqual([
      `GET /repos/${REPO}/actions/runs/${RUN_ID}/artifacts?per_page=100&page=1`,
      `GET /repos/${REPO}/actions/artifacts/8/zip`,
      `GET ${CONFIG_PATH}`,
    ]);
    expect((await stored())?.sha).toBe(RUN_HEAD_SHA);
  });

  test('no modelgate-eval-* artifact: one request (the listing), nothing else', async () => {
    github.token().artifacts(REPO, RUN_ID, [listedArtifact(7, 'coverage')]);
    await app.receive('workflow_run', prRun());
    expect(github.summary.slice(1)).toEqual([`GET /repos/${REPO}/actions/runs/${RUN_ID}/artifacts?per_page=100&page=1`]);
  });

  test('a push run on the default branch is stored as its baseline and publishes nothing; the next PR run compares with it', async () => {
    github.token();
    artifactOf({ commit: MAIN_SHA, pr: null, metrics: { 'eval.accuracy': 0.8, 'eval.f1': 0.8 } }, 5);
    const push = prRun({ id: 5, event: 'push', head_sha: MAIN_SHA, head_branch: 'master', pull_requests: [], run_attempt: 2 });
    await app.receive('workflow_run', push);
    expect(github.summary.slice(1)).toEqual([`GET /repos/${REPO}/actions/runs/5/artifacts?per_page=100&page=1`, `GET /repos/${REPO}/actions/artifacts/8/zip`]);
    expect(await app.store.latestEvaluation({ repoId: BASE_REPO_ID, model: 'sentiment', status: 'success', ref: 'master' })).toMatchObject({
      sha: MAIN_SHA,
      pr: null,
      runId: 5,
      runAttempt: 2,
      verdict: null,
      metrics: { 'eval.accuracy': 0.8, 'eval.f1': 0.8 },
    });
    assertAllMocksUsed();

    github = new FakeGitHub();
    artifactOf();
    github.config(REPO, 'master', GATE).createCheck(REPO, 88, 'modelgate / evaluation').listComments(REPO, 2, []).createComment(REPO, 2, 555).updateCheck(REPO, 88);
    await app.receive('workflow_run', prRun());
    expect(github.commentBodies[0]!.split('\n')[1]).toBe('✅ **The metric gate passed** — compared with the baseline **master \\(evaluation run \\#5\\)** (`bbbbbbb`).');
  });
});

describe('workflow_run.completed: a dispatched run (workflow_dispatch)', () => {
  const dispatched = () => prRun({ event: 'workflow_dispatch', pull_requests: [] });
  const openPull = (sha = RUN_HEAD_SHA, headRepoId = BASE_REPO_ID) => ({
    number: 2,
    state: 'open',
    head: { ref: 'changes', sha, repo: { id: headRepoId, name: 'Hello-World', owner: { login: 'Codertocat' } } },
    base: { ref: 'master', sha: BASE_SHA },
  });

  test('the PR comes from the manifest and is verified with pulls.get (open, same head, same repository)', async () => {
    await seedBaseline();
    github.token();
    artifactOf();
    github.pull(REPO, 2, openPull()).config(REPO, 'master', GATE).createCheck(REPO, 88, 'modelgate / evaluation').listComments(REPO, 2, []).createComment(REPO, 2, 555).updateCheck(REPO, 88);

    await app.receive('workflow_run', dispatched());

    expect(github.summary.slice(1, 4)).toEqual([
      `GET /repos/${REPO}/actions/runs/${RUN_ID}/artifacts?per_page=100&page=1`,
      `GET /repos/${REPO}/actions/artifacts/8/zip`,
      `GET /repos/${REPO}/pulls/2`,
    ]);
    expect(github.checkCreates[0]).toMatchObject({ head_sha: RUN_HEAD_SHA, external_id: deliveryExternalId('evaluation') });
    expect((await stored())?.pr).toBe(2);
  });

  test('the PR has moved on since the dispatch, or the manifest names a fork PR: nothing stored or published', async () => {
    github.token();
    artifactOf();
    github.pull(REPO, 2, openPull(NEWER_SHA));
    await app.receive('workflow_run', dispatched());
    assertAllMocksUsed();

    github = new FakeGitHub();
    artifactOf();
    github.pull(REPO, 2, openPull(RUN_HEAD_SHA, 999));
    await app.receive('workflow_run', dispatched());
    expect(github.checkCreates).toEqual([]);
    await expect(stored()).resolves.toBeNull();
  });
});

describe('workflow_run.completed: runs that give no metrics are reported on the evaluation check', () => {
  test('a failed run of the configured workflow, without artifacts: check failure with a link to the run', async () => {
    github.token().artifacts(REPO, RUN_ID, []).config(REPO, 'master', GATE).reportCheck(REPO);

    await app.receive('workflow_run', prRun({ conclusion: 'failure' }));

    expect(github.checkCreates).toEqual([
      {
        name: 'modelgate / evaluation',
        head_sha: RUN_HEAD_SHA,
        external_id: deliveryExternalId('run'),
        details_url: RUN_URL,
        status: 'completed',
        conclusion: 'failure',
        completed_at: ISO,
        output: {
          title: 'The evaluation run failed',
          summary: [
            `The evaluation run [Evaluate models #163](${RUN_URL}) failed on commit \`ec26c3e\`, so there are no metrics to compare.`,
            '',
            'Open the run for its logs, fix the cause and re-run it (or comment `/modelgate evaluate` on the pull request).',
          ].join('\n'),
        },
      },
    ]);
    expect(github.calls).toHaveLength(4);
  });

  test.each([
    ['timed_out', 'timed_out', 'The evaluation run timed out'],
    ['cancelled', 'cancelled', 'The evaluation run was cancelled'],
    ['startup_failure', 'failure', 'The evaluation run could not start'],
  ])('conclusion %s → check %s', async (conclusion, expected, title) => {
    github.token().artifacts(REPO, RUN_ID, []).config(REPO, 'master', GATE).reportCheck(REPO);
    await app.receive('workflow_run', prRun({ conclusion }));
    expect(github.checkCreates[0]).toMatchObject({ status: 'completed', conclusion: expected, output: { title } });
  });

  test('a failed push run: the models whose own evaluation succeeded are still the branch baselines (per model, not per run)', async () => {
    github.token();
    const ok = evaluationZip({ commit: MAIN_SHA, pr: null, metrics: { 'eval.accuracy': 0.8 } });
    const failed = evaluationZip({ model: 'ner', commit: MAIN_SHA, pr: null, metrics: { 'eval.f1': 0.1 }, manifest: (m) => ({ ...m, exit_code: 1 }) });
    github
      .artifacts(REPO, 6, [listedArtifact(8, 'modelgate-eval-sentiment', ok.byteLength), listedArtifact(9, 'modelgate-eval-ner', failed.byteLength)])
      .download(REPO, 8, ok)
      .download(REPO, 9, failed);
    await app.receive('workflow_run', prRun({ id: 6, event: 'push', conclusion: 'failure', head_sha: MAIN_SHA, head_branch: 'master', pull_requests: [] }));
    expect(await app.store.latestEvaluation({ repoId: BASE_REPO_ID, model: 'sentiment', status: 'success', ref: 'master' })).toMatchObject({ runId: 6, metrics: { 'eval.accuracy': 0.8 } });
    expect(await app.store.latestEvaluation({ repoId: BASE_REPO_ID, model: 'ner', status: 'success', ref: 'master' })).toBeNull();
    assertAllMocksUsed();
  });

  test('a failed run with modelgate artifacts is reported without reading the config', async () => {
    github.token().artifacts(REPO, RUN_ID, [listedArtifact(8, 'modelgate-eval-sentiment')]).reportCheck(REPO);
    await app.receive('workflow_run', prRun({ conclusion: 'failure', path: '.github/workflows/other.yml' }));
    expect(github.checkCreates[0]).toMatchObject({ conclusion: 'failure', details_url: RUN_URL });
  });

  test('a failed run of another workflow, or with no evaluation workflow configured: listing and config only', async () => {
    github.token().artifacts(REPO, RUN_ID, []).config(REPO, 'master', GATE);
    await app.receive('workflow_run', prRun({ conclusion: 'failure', path: '.github/workflows/lint.yml' }));
    github.artifacts(REPO, RUN_ID, []).config(REPO, 'master', null);
    await app.receive('workflow_run', prRun({ conclusion: 'failure' }));
    expect(github.checkCreates).toEqual([]);
    expect(github.calls).toHaveLength(5);
  });

  test('a failed run for a commit the PR has moved on from is not reported', async () => {
    await app.store.recordHeadSha({ repoId: BASE_REPO_ID, pr: 2, sha: NEWER_SHA, at: new Date('2020-10-05T17:00:00Z') });
    github.token().artifacts(REPO, RUN_ID, []).config(REPO, 'master', GATE);
    await app.receive('workflow_run', prRun({ conclusion: 'failure' }));
    expect(github.checkCreates).toEqual([]);
  });

  test('skipped and neutral runs: no request at all', async () => {
    await app.receive('workflow_run', prRun({ conclusion: 'skipped' }));
    await app.receive('workflow_run', prRun({ conclusion: 'neutral' }));
    expect(github.calls).toEqual([]);
  });
});

describe('workflow_run.completed: refused artifacts fail the check and publish nothing else', () => {
  async function expectRefused(problem: string): Promise<void> {
    await app.receive('workflow_run', prRun());
    expect(github.commentCalls).toEqual([]);
    expect(github.checkCreates).toEqual([
      {
        name: 'modelgate / evaluation',
        head_sha: RUN_HEAD_SHA,
        external_id: deliveryExternalId('run'),
        details_url: RUN_URL,
        status: 'completed',
        conclusion: 'failure',
        completed_at: ISO,
        output: {
          title: 'The evaluation results could not be read',
          summary: [
            `modelgate refused the evaluation artifacts of [Evaluate models #163](${RUN_URL}), so no metrics were published:`,
            '',
            `- ${escapeMarkdown(problem)}`,
            '',
            "Evaluation artifacts are written by modelgate's evaluate action (actions/evaluate). Fix the workflow and re-run it.",
          ].join('\n'),
        },
      },
    ]);
    await expect(stored()).resolves.toBeNull();
  }

  test('a zip-slip entry', async () => {
    github.token();
    artifactOf({ extra: { '../../.github/workflows/evil.yml': new TextEncoder().encode('on: push') } });
    github.reportCheck(REPO);
    await expectRefused("modelgate-eval-sentiment: Artifact zip entry '../../.github/workflows/evil.yml' has an unsafe path (it climbs out of the artifact with ..).");
    // As sent: every Markdown character escaped, so an entry name cannot format or link anything.
    expect(github.checkCreates[0].output.summary).toContain(
      '- modelgate\\-eval\\-sentiment\\: Artifact zip entry &#39;\\.\\./\\.\\./\\.github/workflows/evil\\.yml&#39; has an unsafe path',
    );
  });

  test('an oversized artifact is refused from the listing, without downloading it', async () => {
    github.token().artifacts(REPO, RUN_ID, [listedArtifact(8, 'modelgate-eval-sentiment', 60 * 1024 * 1024)]).reportCheck(REPO);
    await expectRefused("Artifact 'modelgate-eval-sentiment' is 60 MiB, over the 50 MiB limit for evaluation artifacts.");
    expect(github.summary).not.toContain(`GET /repos/${REPO}/actions/artifacts/8/zip`);
  });

  test('a missing manifest', async () => {
    github.token();
    artifactOf({ withoutManifest: true });
    github.reportCheck(REPO);
    await expectRefused(
      "modelgate-eval-sentiment: The artifact has no modelgate-eval.json manifest (it holds 'metrics.json'). Upload evaluation artifacts with modelgate's evaluate action (actions/evaluate), which writes it.",
    );
  });

  test('a manifest for another commit than the run evaluated', async () => {
    github.token();
    artifactOf({ commit: NEWER_SHA });
    github.reportCheck(REPO);
    await expectRefused(
      `modelgate-eval-sentiment: the manifest is for commit ${NEWER_SHA}, but the run evaluated ${RUN_HEAD_SHA}. Upload only the evaluation of the commit the workflow checked out.`,
    );
  });

  test('a manifest naming another pull request', async () => {
    github.token();
    artifactOf({ pr: 9 });
    github.reportCheck(REPO);
    await expectRefused('modelgate-eval-sentiment: the manifest names pull request #9, but the run is for #2.');
  });

  test('Markdown and HTML in a hostile manifest are escaped', async () => {
    github.token();
    artifactOf({ manifest: () => '{"schema_version": 1, "model": "<img src=x onerror=alert(1)>"}' });
    github.reportCheck(REPO);
    await app.receive('workflow_run', prRun());
    const summary: string = github.checkCreates[0].output.summary;
    expect(summary).not.toContain('<img');
    expect(github.commentCalls).toEqual([]);
  });
});
