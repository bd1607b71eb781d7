import type { Context } from 'probot';
import { HELP_TEXT, parseCommand } from '../../core/commands/parse.js';
import { escapeMarkdown } from '../../render/markdown/escape.js';
import { forkEvaluationNote, startEvaluation } from '../flows/start-evaluation.js';
import type { DispatchClient } from '../../github/dispatch.js';
import { getOpenPullRequest, type PullRequestsClient } from '../../github/find-pull-requests.js';
import { hasWriteAccess, type PermissionsClient } from '../../github/permissions.js';
import { acknowledge, type ReactionsClient } from '../../github/reactions.js';
import { readConfig } from '../../github/read-config.js';
import type { ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';

type Client = PermissionsClient & ReactionsClient & PullRequestsClient & ContentsClient & DispatchClient & {
  rest: { issues: { createComment(params: RepoRef & { issue_number: number; body: string }): Promise<unknown> } };
};

/**
 * `/modelgate …` in a pull request comment. `evaluate [model]` dispatches the evaluation
 * workflow on the PR's head for people with write access (it spends the repository's Actions
 * minutes and may read its secrets), acknowledged with 👀; others get a polite refusal.
 * `help`, unknown verbs and bad arguments get the help text. Comments by bots, on issues, and
 * comments that are not commands are ignored without a request.
 */
export async function onIssueComment(context: Context<'issue_comment.created'>): Promise<void> {
  const { issue, comment, repository } = context.payload;
  if (!issue.pull_request || comment.user?.type === 'Bot') return;
  const command = parseCommand(comment.body);
  if (command === null) return;

  const octokit: Client = context.octokit;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const reply = (body: string) => octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body });
  const author = comment.user?.login ?? '';

  switch (command.kind) {
    case 'help':
      await reply(HELP_TEXT);
      return;
    case 'unknown':
    case 'invalid':
      await reply(command.help);
      return;
    case 'evaluate':
      break;
  }

  if (!author || !(await hasWriteAccess(octokit, repo, author))) {
    await reply(
      `Sorry @${author}, \`/modelgate evaluate\` starts the evaluation workflow, so only people with write access to this repository can use it. A maintainer can run it for you.`,
    );
    return;
  }
  await acknowledge(octokit, repo, comment.id);

  const pr = await getOpenPullRequest(octokit, repo, issue.number);
  if (pr === null) {
    await reply('This pull request is closed, so there is nothing to evaluate.');
    return;
  }
  const loaded = await readConfig(octokit, repo, repository.default_branch);
  const workflow = loaded.ok ? loaded.config.evaluation.workflow : null;
  if (workflow === null) {
    await reply(
      loaded.ok
        ? 'No evaluation workflow is configured. Name it in `.github/modelgate.yml` on the default branch, e.g. `evaluation: { workflow: evaluate.yml }`, and give that workflow a `workflow_dispatch` trigger.'
        : '`.github/modelgate.yml` on the default branch is invalid (the "modelgate / model cards" check lists its errors), so the evaluation workflow is unknown.',
    );
    return;
  }
  const head = pr.head as { ref?: string; sha: string; repo: { id?: number } | null };
  const started = await startEvaluation(
    octokit,
    { base: repo, number: issue.number, headRef: head.ref ?? '', headSha: head.sha, sameRepository: head.repo?.id === repository.id },
    workflow,
    command.model,
  );
  if (started.started) {
    context.log.info({ pull: issue.number, workflow, model: command.model }, 'Dispatched the evaluation workflow.');
    return;
  }
  await reply(started.reason === 'fork' ? forkEvaluationNote(workflow) : escapeMarkdown(started.error));
}
