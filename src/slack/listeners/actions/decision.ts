/**
 * The Approve and Reject buttons of a request's message. A button carries only the request's
 * opaque id; the request, its repository and the clicker's GitHub identity are looked up here, and
 * eligibility is re-checked against GitHub by the service at every click. Every refusal is an
 * ephemeral answer to the clicker; the message itself changes only through the notifier.
 */
import { isPromotionId, type Promotion } from '../../../core/promotion/index.js';
import { repoOf } from '../../../promotion/service.js';
import { escapeSlack } from '../../../render/slack/escape.js';
import { title } from '../../../render/slack/promotion.js';
import { githubActor, OTHER_WORKSPACE, unlinkedMessage, type Ack, type BlockAction, type Respond, type SlackDeps } from '../../context.js';
import { REJECT_VIEW } from '../views/reject-reason.js';

type Found = { kind: 'ok'; promotion: Promotion } | { kind: 'refused'; text: string };

/** The request a click is about, when the click is on the message we posted for it. */
async function clicked(deps: SlackDeps, body: BlockAction): Promise<Found> {
  const team = body.user.team_id ?? body.team?.id ?? '';
  if (team !== deps.team) return { kind: 'refused', text: OTHER_WORKSPACE.text };
  const id = body.actions[0]!.value ?? '';
  if (!isPromotionId(id)) return { kind: 'refused', text: 'This button is not a modelgate request\'s.' };
  const promotion = await deps.store.getPromotion(id);
  if (!promotion) return { kind: 'refused', text: `There is no request \`${id}\`.` };
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  const ours = (await deps.store.slackMessages(id)).some((m) => m.channel === channel && m.ts === ts);
  if (!ours) return { kind: 'refused', text: 'This is not the message modelgate posted for that request; use the buttons on the request itself.' };
  return { kind: 'ok', promotion };
}

export async function approveAction(deps: SlackDeps, body: BlockAction, ack: Ack, respond: Respond): Promise<void> {
  await ack();
  const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
  const found = await clicked(deps, body);
  if (found.kind !== 'ok') return void (await say(found.text));
  const p = found.promotion;
  const actor = await githubActor(deps, body.user.team_id ?? body.team!.id, body.user.id);
  if (!actor) return void (await say(unlinkedMessage(deps).text));
  const outcome = await deps.service.approve({ repo: repoOf(p), id: p.id, approver: actor, via: 'slack' });
  switch (outcome.kind) {
    case 'recorded':
      return void (await say(outcome.missing > 0 ? `Your approval of ${escapeSlack(title(p))} is recorded: ${outcome.missing} more ${outcome.missing === 1 ? 'approval is' : 'approvals are'} needed.` : 'Your approval is recorded.'));
    case 'executed':
      return void (await say(`Approved: ${escapeSlack(title(p))} is ${outcome.view.promotion.state}.`));
    case 'voided':
      return void (await say(`Your approval was not counted: ${escapeSlack(outcome.view.promotion.stateReason ?? outcome.changes.join('; '))}`));
    case 'not-pending':
      return void (await say(`This request is ${outcome.view.promotion.state}, so it cannot be approved any more.`));
    case 'ineligible':
    case 'unknown':
    case 'lookup-failed':
      return void (await say(escapeSlack(outcome.message)));
  }
}

/** Reject opens a modal for the reason (within the click's 3-second trigger); the submission rejects. */
export async function rejectAction(deps: SlackDeps, body: BlockAction, ack: Ack, respond: Respond): Promise<void> {
  await ack();
  const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
  const found = await clicked(deps, body);
  if (found.kind !== 'ok') return void (await say(found.text));
  const p = found.promotion;
  if (p.state !== 'requested') return void (await say(`This request is ${p.state}, so it cannot be rejected any more.`));
  if (!body.trigger_id) return void (await say('Slack did not send what is needed to open the form; try again.'));
  const channel = body.channel?.id ?? body.container?.channel_id ?? '';
  await deps.api.views.open({ trigger_id: body.trigger_id, view: REJECT_VIEW(p, channel) });
}
