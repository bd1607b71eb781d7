import { describe, expect, test } from '@jest/globals';
import { COMMANDS_HELP as HELP_TEXT } from '../../../src/render/markdown/commands.js';
import { FakeGitHub } from '../../helpers/fake-github.js';
import { example, HEAD_SHA, REPO_ID } from '../../helpers/payloads.js';
import type { TestApp } from '../../helpers/probot.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const REPO = 'Codertocat/Hello-World';
const COMMENT_ID = 492700400;
const CONFIG = 'evaluation:\n  workflow: evaluate.yml\n';

let app: TestApp;
let github: FakeGitHub;

useTestApp((a, g) => {
  app = a;
  github = g;
});

/** A comment on PR #2 of Codertocat/Hello-World by `login`. */
function commentEvent(body: string, login = 'Codertocat', type = 'User'): any {
  const payload = example('issue_comment', 'created');
  payload.installation = { id: 1, node_id: 'x' };
  payload.repository = { ...payload.repository, id: REPO_ID, name: 'Hello-World', full_name: REPO, owner: { ...payload.repository.owner, login: 'Codertocat' }, default_branch: 'master' };
  payload.issue.number = 2;
  payload.issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/2` };
  payload.comment = { ...payload.comment, id: COMMENT_ID, body, user: { ...payload.comment.user, login, type } };
  return payload;
}

const openPull = (headRepoId = REPO_ID) => ({
  number: 2,
  state: 'open',
  head: { ref: 'changes', sha: HEAD_SHA, repo: { id: headRepoId, name: 'Hello-World', owner: { login: headRepoId === REPO_ID ? 'Codertocat' : 'someone' } } },
  base: { ref: 'master', sha: 'f'.repeat(40) },
});

const replies = () => github.calls.filter((c) => c.method === 'POST' && c.path === `/repos/${REPO}/issues/2/comments`).map((c) => c.body);

describe('issue_comment: /modelgate evaluate', () => {
  test('by a writer: 👀 on the comment, then the workflow is dispatched on the PR branch with the model, PR and commit', async () => {
    github.token().permission(REPO, 'Codertocat', 'write').reaction(REPO, COMMENT_ID).pull(REPO, 2, openPull()).config(REPO, 'master', CONFIG).dispatch(REPO, 'evaluate.yml');

    await app.receive('issue_comment', commentEvent('/modelgate evaluate sentiment-v2\n\nplease'));

    expect(github.summary.slice(1)).toEqual([
      `GET /repos/${REPO}/collaborators/Codertocat/permission`,
      `POST /repos/${REPO}/issues/comments/${COMMENT_ID}/reactions`,
      `GET /repos/${REPO}/pulls/2`,
      `GET /repos/${REPO}/contents/.github%2Fmodelgate.yml?ref=master`,
      `POST /repos/${REPO}/actions/workflows/evaluate.yml/dispatches`,
    ]);
    expect(github.calls[2]!.body).toEqual({ content: 'eyes' });
    expect(github.calls[5]!.body).toEqual({ ref: 'changes', inputs: { model: 'sentiment-v2', pr: '2', sha: HEAD_SHA } });
  });

  test('without a model: every model (empty input); maintain counts as write', async () => {
    github.token().permission(REPO, 'Codertocat', 'write', 'maintain').reaction(REPO, COMMENT_ID).pull(REPO, 2, openPull()).config(REPO, 'master', CONFIG).dispatch(REPO, 'evaluate.yml');
    await app.receive('issue_comment', commentEvent('/modelgate evaluate'));
    expect(github.calls.at(-1)!.body).toEqual({ ref: 'changes', inputs: { model: '', pr: '2', sha: HEAD_SHA } });
  });

  test('by a reader: a polite refusal, no reaction and no dispatch', async () => {
    github.token().permission(REPO, 'Codertocat', 'read').createComment(REPO, 2, 900);
    await app.receive('issue_comment', commentEvent('/modelgate evaluate'));
    expect(replies()).toEqual([
      {
        body: 'Sorry @Codertocat, `/modelgate evaluate` starts the evaluation workflow, so only people with write access to this repository can use it. A maintainer can run it for you.',
      },
    ]);
    expect(github.calls).toHaveLength(3);
  });

  test('on a fork PR: the writer is told that the fork\'s own workflow runs the evaluation; nothing dispatched', async () => {
    github.token().permission(REPO, 'Codertocat', 'admin').reaction(REPO, COMMENT_ID).pull(REPO, 2, openPull(999)).config(REPO, 'master', CONFIG).createComment(REPO, 2, 901);
    await app.receive('issue_comment', commentEvent('/modelgate evaluate'));
    expect(replies()[0].body).toMatch(/^This pull request comes from a fork, and GitHub does not let the modelgate App start workflows on a fork's branch\./);
    expect(replies()[0].body).toContain('`.github/workflows/evaluate.yml` with `on: pull_request`');
  });

  test('no evaluation workflow configured, or GitHub refuses the dispatch: the reason as a reply', async () => {
    github.token().permission(REPO, 'Codertocat', 'write').reaction(REPO, COMMENT_ID).pull(REPO, 2, openPull()).config(REPO, 'master', null).createComment(REPO, 2, 902);
    await app.receive('issue_comment', commentEvent('/modelgate evaluate'));
    github.permission(REPO, 'Codertocat', 'write').reaction(REPO, COMMENT_ID).pull(REPO, 2, openPull()).config(REPO, 'master', CONFIG).dispatch(REPO, 'evaluate.yml', 404, 'Not Found').createComment(REPO, 2, 903);
    await app.receive('issue_comment', commentEvent('/modelgate evaluate'));
    expect(replies().map((r) => r.body)).toEqual([
      'No evaluation workflow is configured. Name it in `.github/modelgate.yml` on the default branch, e.g. `evaluation: { workflow: evaluate.yml }`, and give that workflow a `workflow_dispatch` trigger.',
      "Could not start the evaluation workflow\\: \\.github/workflows/evaluate\\.yml was not found on &#39;changes&#39;\\. Add the workflow there, with \\`on\\: workflow\\_dispatch\\` among its triggers\\.",
    ]);
  });
});

describe('issue_comment: other comments', () => {
  test('an unknown verb gets the help text, with a suggestion, as a reply', async () => {
    github.token().createComment(REPO, 2, 904);
    await app.receive('issue_comment', commentEvent('/modelgate evalute'));
    expect(replies()).toEqual([{ body: `Unknown command \`evalute\`. Did you mean \`/modelgate evaluate\`?\n\n${HELP_TEXT}` }]);
  });

  test('/modelgate help gets the help text', async () => {
    github.token().createComment(REPO, 2, 905);
    await app.receive('issue_comment', commentEvent('/modelgate help'));
    expect(replies()).toEqual([{ body: HELP_TEXT }]);
  });

  test('`evaluate` on an issue (not a pull request): one reply saying where it runs', async () => {
    github.token().createComment(REPO, 2, 5);
    const onIssue = commentEvent('/modelgate evaluate');
    delete onIssue.issue.pull_request;
    await app.receive('issue_comment', onIssue);
    expect(github.commentBodies).toEqual(['`/modelgate evaluate` runs on a pull request: comment it there.']);
  });

  test('bots, and comments that are not commands: no request at all', async () => {
    await app.receive('issue_comment', commentEvent('/modelgate evaluate', 'modelgate[bot]', 'Bot'));
    await app.receive('issue_comment', commentEvent('Looks good. Run `/modelgate evaluate` later?'));
    await app.receive('issue_comment', commentEvent('> /modelgate evaluate\n\nquoting the docs'));
    expect(github.calls).toEqual([]);
  });
});
