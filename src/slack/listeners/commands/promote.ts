/**
 * `/promote <model> <version> [stage] [--dry-run] [--emergency "reason"]` and
 * `/rollback <model> <stage> [--dry-run]`: checked like a PR comment's command (the core's
 * grammar and allow-lists), made by the Slack user's linked GitHub identity, and answered
 * privately; the request itself is posted in the channel by the service's notifier.
 */
import { parsePromotionArguments } from '../../../core/commands/index.js';
import { plain, problemText, refusedMessage, existsMessage } from '../../../render/slack/messages.js';
import { promotionMessage } from '../../../render/slack/promotion.js';
import { describeSlackError, slackError } from '../../api.js';
import { githubActor, OTHER_WORKSPACE, unlinkedMessage, type Ack, type Respond, type SlackDeps, type SlashCommand } from '../../context.js';

export async function moveCommand(deps: SlackDeps, verb: 'promote' | 'rollback', command: SlashCommand, ack: Ack, respond: Respond): Promise<void> {
  await ack();
  const say = (message: Parameters<Respond>[0]) => respond({ response_type: 'ephemeral', ...message });
  if (command.team_id !== deps.team) return void (await say(OTHER_WORKSPACE));
  const parsed = parsePromotionArguments(verb, command.text);
  if (!parsed.ok) return void (await say({ text: problemText(`/${verb}`, parsed.problem) }));
  const move = parsed.command;
  if (move.kind !== 'promote' && move.kind !== 'rollback') return;
  const actor = await githubActor(deps, command.team_id, command.user_id);
  if (!actor) return void (await say(unlinkedMessage(deps)));
  const where = await deps.directory.resolve(move.ref, command.channel_id);
  if (where.kind !== 'ok') return void (await say(plain(where.message)));
  const repo = where.repo;
  if (!(await (await deps.service.github(repo)).hasWriteAccess(actor.login))) {
    return void (await say(plain(`GitHub @${actor.login} has no write access to ${repo.fullName}, so cannot request promotions there.`)));
  }
  let outcome;
  try {
    outcome = await deps.service.request({
      repo,
      requester: actor,
      kind: move.kind,
      model: move.ref.model,
      version: move.kind === 'promote' ? move.version : null,
      stage: move.stage,
      emergency: move.emergency,
      dryRun: move.dryRun,
      source: { kind: 'slack', team: command.team_id, channel: command.channel_id, user: command.user_id },
    });
  } catch (error) {
    // The request may exist and only its message failed: asking again says which.
    const why = slackError(error) ? describeSlackError(error) : 'something went wrong on modelgate\'s side.';
    deps.log.warn({ slack: 'promote-failed', error: (error as Error).message }, 'A Slack promotion request failed.');
    return void (await say(plain(`The request could not be completed: ${why} Run the command again to see where it stands.`)));
  }
  switch (outcome.kind) {
    case 'created':
      deps.log.info({ promotion: outcome.view.promotion.id, channel: command.channel_id }, 'Posted the promotion request in Slack.');
      await say({ text: `Requested \`${outcome.view.promotion.id}\`: the request is in this channel, waiting for approval.` });
      return;
    case 'dry-run':
      await say(promotionMessage(outcome.view, { dryRun: true, unsatisfiable: outcome.unsatisfiable, now: deps.now() }));
      return;
    case 'exists': {
      const p = outcome.view.promotion;
      const channel = deps.notifier.targets(p)[0]?.channel ?? null;
      await say(existsMessage(p, channel));
      // Its message may never have been posted (modelgate was not in the channel then): try again.
      await deps.notifier.notify(p).catch((error: unknown) => {
        if (!slackError(error)) throw error;
        return say(plain(describeSlackError(error)));
      });
      return;
    }
    case 'refused':
      await say(refusedMessage(outcome.message, outcome.view?.checks ?? null));
      return;
    case 'not-configured':
      await say(plain(outcome.message));
      return;
  }
}
