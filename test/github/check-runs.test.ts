import { describe, expect, jest, test } from '@jest/globals';
import {
  CHECK_NAME,
  completeCheckRun,
  startCheckRun,
  type CheckAnnotation,
  type ChecksClient,
} from '../../src/github/check-runs.js';
import { type LooseMethod, fakeClient } from '../helpers/fake-client.js';

type Create = LooseMethod;
type Update = LooseMethod;
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const repo = { owner: 'octo', repo: 'models' };

function client() {
  const create = jest.fn<Create>().mockResolvedValue({ data: { id: 991 } });
  const update = jest.fn<Update>().mockResolvedValue({});
  const octokit = fakeClient<ChecksClient>({ checks: { create, update } });
  return { octokit, create, update };
}

const annotation = (line: number): CheckAnnotation => ({
  path: 'models/a/README.md',
  start_line: line,
  end_line: line,
  start_column: 1,
  end_column: 4,
  annotation_level: 'failure',
  title: 'card/invalid-license',
  message: `problem on line ${line}`,
});

describe('startCheckRun', () => {
  test('creates the named check run in progress on the head SHA and returns its id', async () => {
    const { octokit, create } = client();
    await expect(startCheckRun(octokit, repo, { headSha: 'abc', externalId: 'pull/7' })).resolves.toBe(991);
    expect(create.mock.calls).toEqual([
      [{ owner: 'octo', repo: 'models', name: 'modelgate / model cards', head_sha: 'abc', status: 'in_progress', started_at: ISO, external_id: 'pull/7' }],
    ]);
    expect(CHECK_NAME).toBe('modelgate / model cards');
  });
});

describe('completeCheckRun', () => {
  test('no annotations: one completing request without an annotations key', async () => {
    const { octokit, update } = client();
    await completeCheckRun(octokit, repo, 5, { conclusion: 'neutral', title: 'No model cards changed', summary: 'Nothing.', annotations: [] });
    expect(update.mock.calls).toEqual([
      [
        {
          owner: 'octo',
          repo: 'models',
          check_run_id: 5,
          status: 'completed',
          conclusion: 'neutral',
          completed_at: ISO,
          output: { title: 'No model cards changed', summary: 'Nothing.' },
        },
      ],
    ]);
  });

  test('120 annotations: 50 with the completion, then 50 and 20, each repeating title and summary', async () => {
    const { octokit, update } = client();
    const annotations = Array.from({ length: 120 }, (_, i) => annotation(i + 1));
    await completeCheckRun(octokit, repo, 5, { conclusion: 'failure', title: 'T', summary: 'S', annotations });
    const calls = update.mock.calls.map(([p]) => p);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.output.annotations?.length)).toEqual([50, 50, 20]);
    expect(calls.map((c) => [c.output.title, c.output.summary])).toEqual([['T', 'S'], ['T', 'S'], ['T', 'S']]);
    expect(calls.map((c) => [c.status, c.conclusion])).toEqual([['completed', 'failure'], [undefined, undefined], [undefined, undefined]]);
    expect(calls.flatMap((c) => c.output.annotations!.map((a: CheckAnnotation) => a.start_line))).toEqual(annotations.map((a) => a.start_line));
    expect(calls[2]).toEqual({ owner: 'octo', repo: 'models', check_run_id: 5, output: { title: 'T', summary: 'S', annotations: annotations.slice(100) } });
  });

  test('exactly 50 annotations fit in the completing request', async () => {
    const { octokit, update } = client();
    await completeCheckRun(octokit, repo, 5, { conclusion: 'failure', title: 'T', summary: 'S', annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 1)) });
    expect(update).toHaveBeenCalledTimes(1);
  });

  test('annotations GitHub would reject are made valid: columns only on one line, lines from 1', async () => {
    const { octokit, update } = client();
    await completeCheckRun(octokit, repo, 5, {
      conclusion: 'failure',
      title: 'T',
      summary: 'S',
      annotations: [
        { ...annotation(3), end_line: 5 },
        { ...annotation(0), end_line: 0 },
        { ...annotation(2), start_column: 9, end_column: 3 },
      ],
    });
    expect(update.mock.calls[0]![0].output.annotations).toEqual([
      { path: 'models/a/README.md', start_line: 3, end_line: 5, annotation_level: 'failure', title: 'card/invalid-license', message: 'problem on line 3' },
      { ...annotation(0), start_line: 1, end_line: 1 },
      { ...annotation(2), start_column: 9, end_column: 9 },
    ]);
  });

  test('a summary over 65,535 characters is cut at a line and says so', async () => {
    const { octokit, update } = client();
    const summary = Array.from({ length: 2000 }, (_, i) => `| row ${i} | ${'x'.repeat(40)} |`).join('\n');
    await completeCheckRun(octokit, repo, 5, { conclusion: 'failure', title: 'T', summary, annotations: [] });
    const sent = update.mock.calls[0]![0].output.summary;
    expect(sent.length).toBeLessThanOrEqual(65_535);
    expect(sent).toMatch(/\| row \d+ \| x{40} \|\n\n_The summary was cut to fit GitHub's size limit; every finding is still an annotation\._$/);
  });
});
