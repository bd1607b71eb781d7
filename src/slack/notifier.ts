/**
 * Keeps each request's Slack message true: posted once per channel (the channel it was asked in,
 * or the repository's `promotion.slack_channel` for requests made in PR comments), then updated
 * in place on every change; each outcome (done, failed, rejected, expired, void) is also posted
 * once in the message's thread. Posting is claimed in the store first, so with several replicas
 * one posts and the others update.
 */
import type { Promotion, PromotionView } from '../core/promotion/index.js';
import type { Notify } from '../promotion/ports.js';
import { outcomeText, promotionMessage, TERMINAL } from '../render/slack/promotion.js';
import type { SlackMessages } from '../store/index.js';
import type { SlackApi } from './api.js';

/** A claim whose message was never posted (its replica died) is taken over after this long. */
const STALE_CLAIM_MS = 60_000;

export interface SlackNotifier {
  notify: Notify;
  /** Where a request's messages go: channel and team. */
  targets(p: Promotion): Array<{ channel: string; team: string | null }>;
}

export function slackNotifier(deps: { api: SlackApi; store: SlackMessages; view: (p: Promotion) => Promise<PromotionView>; now: () => Date }): SlackNotifier {
  /** One change at a time per request in this process, in order (a post must finish before its update). */
  const queues = new Map<string, Promise<void>>();
  /** Posts that failed here: the next try takes its own claim over at once. */
  const failed = new Set<string>();

  const targets = (p: Promotion) => {
    if (p.source.kind === 'slack') return [{ channel: p.source.channel, team: p.source.team }];
    if (p.source.slackChannel) return [{ channel: p.source.slackChannel, team: null }];
    return [];
  };

  const tell = async (p: Promotion) => {
    const places = targets(p);
    if (places.length === 0) return;
    const message = promotionMessage(await deps.view(p), { now: deps.now() });
    const known = await deps.store.slackMessages(p.id);
    for (const { channel, team } of places) {
      const key = `${p.id} ${channel}`;
      let ts = known.find((m) => m.channel === channel)?.ts ?? null;
      if (ts === null) {
        // Our own failed post is taken over at once (any claim made up to now); another replica's after a while.
        const staleBefore = new Date(deps.now().getTime() + (failed.has(key) ? 1 : -STALE_CLAIM_MS));
        // Another replica is posting it; its post shows this state or a later update will.
        if (!(await deps.store.claimSlackMessage({ promotionId: p.id, channel, team, staleBefore }))) continue;
        try {
          const posted = await deps.api.chat.postMessage({ channel, ...message, unfurl_links: false, unfurl_media: false });
          if (!posted.ts) throw new Error('Slack did not say which message it posted.');
          ts = posted.ts;
          failed.delete(key);
        } catch (error) {
          failed.add(key);
          throw error;
        }
        await deps.store.setSlackMessage({ promotionId: p.id, channel, ts, team });
      } else {
        await deps.api.chat.update({ channel, ts, ...message });
      }
      if (TERMINAL.has(p.state) && (await deps.store.claimSlackReply(p.id, channel, p.state))) {
        await deps.api.chat.postMessage({ channel, thread_ts: ts, text: outcomeText(p), unfurl_links: false, unfurl_media: false });
      }
    }
  };

  const notify: Notify = (p) => {
    const previous = queues.get(p.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => tell(p));
    queues.set(p.id, next);
    void next.finally(() => queues.get(p.id) === next && queues.delete(p.id)).catch(() => undefined);
    return next;
  };
  return { notify, targets };
}
