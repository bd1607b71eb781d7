import type { PromotionCommand } from '../../core/commands/index.js';
import type { Actor } from '../../core/promotion/index.js';
import { COMMENT_MAX_CHARS } from '../../github/limits.js';
import { existsMarkdown, messageMarkdown, promotionMarkdown, refusedMarkdown, statusMarkdown } from '../../render/markdown/promotion.js';
import type { PromotionRepo } from '../../promotion/ports.js';
import type { PromotionService } from '../../promotion/service.js';
import type { Log } from '../log.js';
import { commentIssue } from './promotion-comment.js';

/** A promotion command as a comment gave it. */
export interface CommentCommand {
  repo: PromotionRepo;
  /** The issue or pull request the comment is on: where replies go. */
  issue: number;
  author: Actor;
  /** GitHub's `author_association` of the comment: who the author is to this repository. */
  association: string;
  command: PromotionCommand;
}

/** Who may request a promotion from a comment: people of this repository, never a drive-by commenter. */
const REQUESTERS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/**
 * Runs `/modelgate promote|approve|reject|rollback|status`. A new request gets its own comment,
 * which every later change updates in place (the service's notifier); everything else is one
 * reply (on `c.issue`, through `reply`). Costs: one comment write per command, none when the
 * request's comment is updated.
 */
export async function runPromotionCommand(
  service: PromotionService,
  reply: (body: string) => Promise<unknown>,
  c: CommentCommand,
  log: Log,
): Promise<void> {
  const { command } = c;
  if ('ref' in command && command.ref?.repo) {
    const named = `${command.ref.repo.owner}/${command.ref.repo.name}`;
    if (named.toLowerCase() !== c.repo.fullName.toLowerCase()) {
      await reply(messageMarkdown(`A comment here acts on ${c.repo.fullName}; name the model without a repository (${named} is another one).`));
      return;
    }
  }
  switch (command.kind) {
    case 'promote':
    case 'rollback': {
      if (!REQUESTERS.has(c.association)) {
        await reply(messageMarkdown(`Sorry @${c.author.login}, only owners, members and collaborators of ${c.repo.fullName} can request promotions.`));
        return;
      }
      const outcome = await service.request({
        repo: c.repo,
        requester: c.author,
        kind: command.kind,
        model: command.ref.model,
        version: command.kind === 'promote' ? command.version : null,
        stage: command.stage,
        emergency: command.emergency,
        dryRun: command.dryRun,
        source: { kind: 'github', issue: c.issue },
      });
      switch (outcome.kind) {
        case 'created':
          // The service posted the request's comment (and its Slack message) through its notifier.
          log.info({ promotion: outcome.view.promotion.id, issue: c.issue }, 'Posted the promotion request.');
          return;
        case 'dry-run':
          await reply(promotionMarkdown(outcome.view, { maxLength: COMMENT_MAX_CHARS, dryRun: true, unsatisfiable: outcome.unsatisfiable }));
          return;
        case 'exists':
          await reply(existsMarkdown(outcome.view.promotion));
          return;
        case 'refused':
          await reply(refusedMarkdown(outcome.message, outcome.view, { maxLength: COMMENT_MAX_CHARS }));
          return;
        case 'not-configured':
          await reply(messageMarkdown(outcome.message));
          return;
      }
      return;
    }
    case 'approve': {
      const outcome = await service.approve({ repo: c.repo, id: command.id, approver: c.author, via: 'github' });
      switch (outcome.kind) {
        case 'recorded':
        case 'executed':
          // The request's own comment was updated; say so here only when it lives elsewhere.
          if (commentIssue(outcome.view.promotion) !== c.issue) {
            const p = outcome.view.promotion;
            await reply(messageMarkdown(`Approved ${p.id} (${p.model} ${p.version} to ${p.stage}): ${outcome.kind === 'executed' ? `it is ${p.state}` : `${outcome.missing} more approval${outcome.missing === 1 ? '' : 's'} needed`}.`));
          }
          return;
        case 'voided':
          await reply(messageMarkdown(`Your approval was not counted: ${outcome.view.promotion.stateReason ?? outcome.changes.join('; ')}`));
          return;
        case 'not-pending':
          await reply(messageMarkdown(`\`${outcome.view.promotion.id}\` is ${outcome.view.promotion.state}, so it cannot be approved any more.${outcome.view.promotion.stateReason ? ` ${outcome.view.promotion.stateReason}` : ''}`));
          return;
        case 'ineligible':
        case 'unknown':
        case 'lookup-failed':
          await reply(messageMarkdown(outcome.message));
          return;
      }
      return;
    }
    case 'reject': {
      const outcome = await service.reject({ repo: c.repo, id: command.id, actor: c.author, reason: command.reason });
      if (outcome.kind === 'rejected') {
        if (commentIssue(outcome.view.promotion) !== c.issue) await reply(messageMarkdown(`Rejected ${outcome.view.promotion.id}.`));
        return;
      }
      if (outcome.kind === 'not-pending') {
        await reply(messageMarkdown(`\`${outcome.view.promotion.id}\` is ${outcome.view.promotion.state}, so it cannot be rejected any more.`));
        return;
      }
      await reply(messageMarkdown(outcome.message));
      return;
    }
    case 'status': {
      const outcome = await service.status({ repo: c.repo, model: command.ref?.model ?? null });
      if (outcome.kind === 'status') await reply(`**Models of ${messageMarkdown(c.repo.fullName)}**\n\n${statusMarkdown(outcome.models, outcome.stages, { maxLength: COMMENT_MAX_CHARS - 200 })}`);
      else await reply(messageMarkdown(outcome.message));
      return;
    }
  }
}
