import type { Context } from 'probot';
import { parseCommand } from '../../core/commands/index.js';
import { commandHelpReply } from '../../render/markdown/commands.js';
import { runEvaluateCommand } from '../flows/evaluate-command.js';

/**
 * `/modelgate …` in a pull request comment. `help`, unknown verbs and bad arguments get the
 * help; `evaluate` runs its flow. Comments by bots, on issues, and comments that are not
 * commands are ignored without a request.
 */
export async function onIssueComment(context: Context<'issue_comment.created'>): Promise<void> {
  const { issue, comment, repository } = context.payload;
  if (!issue.pull_request || comment.user?.type === 'Bot') return;
  const command = parseCommand(comment.body);
  if (command === null) return;

  const repo = { owner: repository.owner.login, repo: repository.name };
  const reply = (body: string) => context.octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body });
  switch (command.kind) {
    case 'help':
    case 'unknown':
    case 'invalid':
      await reply(commandHelpReply(command));
      return;
    case 'evaluate':
      await runEvaluateCommand(
        context.octokit,
        {
          repo,
          repoId: repository.id,
          defaultBranch: repository.default_branch,
          pull: issue.number,
          commentId: comment.id,
          author: comment.user?.login ?? '',
          model: command.model,
        },
        reply,
        context.log,
      );
  }
}
