/** The reject-reason modal: opened by the Reject button, submitted to reject the request. */
import type { Promotion } from '../../../core/promotion/index.js';
import { isPromotionId } from '../../../core/promotion/index.js';
import { repoOf } from '../../../promotion/service.js';
import { escapeSlack } from '../../../render/slack/escape.js';
import { title } from '../../../render/slack/promotion.js';
import { githubActor, OTHER_WORKSPACE, unlinkedMessage, type Ack, type SlackDeps, type ViewSubmission } from '../../context.js';

export const REJECT_CALLBACK = 'modelgate_reject_reason';
const MAX_REASON = 500;

export function REJECT_VIEW(p: Promotion, channel: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: REJECT_CALLBACK,
    private_metadata: JSON.stringify({ id: p.id, channel }),
    title: { type: 'plain_text', text: 'Reject the request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${escapeSlack(title(p))} (\`${p.id}\`)` } },
      {
        type: 'input',
        block_id: 'reason',
        optional: true,
        label: { type: 'plain_text', text: 'Why? (shown on the request)' },
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: MAX_REASON },
      },
    ],
  };
}

export async function rejectSubmission(deps: SlackDeps, body: ViewSubmission, ack: Ack): Promise<void> {
  let meta: { id?: unknown; channel?: unknown };
  try {
    meta = JSON.parse(body.view.private_metadata) as typeof meta;
  } catch {
    meta = {};
  }
  const id = typeof meta.id === 'string' && isPromotionId(meta.id) ? meta.id : null;
  const channel = typeof meta.channel === 'string' && /^[CGD][A-Z0-9]{2,20}$/.test(meta.channel) ? meta.channel : null;
  // Newlines and control characters become spaces: the reason is one line of plain text.
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const reason = (body.view.state.values['reason']?.['reason']?.value ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  if (reason.length > MAX_REASON) return void (await ack({ response_action: 'errors', errors: { reason: `At most ${MAX_REASON} characters.` } }));
  await ack();
  const team = body.user.team_id ?? body.team?.id ?? '';
  const tell = (text: string) => (channel ? deps.api.chat.postEphemeral({ channel, user: body.user.id, text }).then(() => undefined) : Promise.resolve());
  if (team !== deps.team) return tell(OTHER_WORKSPACE.text);
  if (!id) return tell('That form is not a modelgate request\'s.');
  const actor = await githubActor(deps, team, body.user.id);
  if (!actor) return tell(unlinkedMessage(deps).text);
  const p = await deps.store.getPromotion(id);
  if (!p) return tell(`There is no request \`${id}\`.`);
  const outcome = await deps.service.reject({ repo: repoOf(p), id, actor, reason: reason || null });
  switch (outcome.kind) {
    case 'rejected':
      return tell(`Rejected ${escapeSlack(title(p))}.`);
    case 'not-pending':
      return tell(`This request is ${outcome.view.promotion.state}, so it cannot be rejected any more.`);
    default:
      return tell(escapeSlack(outcome.message));
  }
}
