import type { Context } from 'probot';
import { parseCommand } from '../../core/commands/index.js';
import type { PromotionService } from '../../promotion/service.js';
import { commandHelpReply } from '../../render/markdown/commands.js';
import { runEvaluateCommand } from '../flows/evaluate-command.js';
import { runPromotionCommand } from '../flows/promotion-command.js';
import { replyOnce } from '../flows/reply.js';
import type { Journal } from '../journal.js';

/**
 * `/modelgate …` as the first line of a comment on an issue or pull request. `help`, unknown
 * verbs and bad arguments get the help; `evaluate` runs its flow (pull requests only); the
 * promotion verbs go to the promotion service. Comments by bots, and comments that are not
 * commands, are ignored without a request.
 */
export async function onIssueComment(context: Context<'issue_comment.created'>, promotions: PromotionService, journal: Journal): Promise<void> {
  const { issue, comment, repository, installation } = context.payload;
  if (comment.user?.type === 'Bot') return;
  const command = parseCommand(comment.body);
  if (command === null) return;

  const repo = { owner: repository.owner.login, repo: repository.name };
  const reply = replyOnce(context.octokit, journal, { ...repo, issue_number: issue.number, since: comment.created_at });
  switch (command.kind) {
    case 'help':
    case 'unknown':
    case 'invalid':
      await reply(commandHelpReply(command));
      return;
    case 'evaluate':
      if (!issue.pull_request) {
        await reply('`/modelgate evaluate` runs on a pull request: comment it there.');
        return;
      }
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
        journal,
      );
      return;
    case 'promotion':
      if (!comment.user || installation === undefined) return;
      await runPromotionCommand(
        promotions,
        reply,
        {
          repo: {
            id: repository.id,
            owner: repository.owner.login,
            name: repository.name,
            fullName: repository.full_name,
            defaultBranch: repository.default_branch,
            htmlUrl: repository.html_url,
            installationId: installation.id,
          },
          issue: issue.number,
          author: { id: comment.user.id, login: comment.user.login },
          association: comment.author_association,
          command: command.command,
        },
        context.log,
      );
  }
}
