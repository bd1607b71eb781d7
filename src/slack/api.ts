/**
 * The part of Slack's Web API modelgate calls (Bolt's WebClient has it): posting and updating
 * messages, ephemeral answers, and the reject-reason modal. Scopes: `chat:write` only.
 */
import type { Block } from '../render/slack/types.js';

export interface PostArgs {
  channel: string;
  text: string;
  blocks?: Block[];
  thread_ts?: string;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
}

export interface SlackApi {
  chat: {
    postMessage(args: PostArgs): Promise<{ ts?: string }>;
    update(args: { channel: string; ts: string; text: string; blocks?: Block[] }): Promise<unknown>;
    postEphemeral(args: { channel: string; user: string; text: string; blocks?: Block[] }): Promise<unknown>;
  };
  views: {
    open(args: { trigger_id: string; view: Record<string, unknown> }): Promise<unknown>;
  };
}

/** Slack's error code of a failed Web API call (`not_in_channel`, …), or null. */
export function slackError(error: unknown): string | null {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : null;
}

/** A Web API failure, worded for the person in Slack. */
export function describeSlackError(error: unknown): string {
  switch (slackError(error)) {
    case 'not_in_channel':
    case 'channel_not_found':
      return 'modelgate is not in this channel: invite it with `/invite @modelgate`, then run the command again.';
    case 'is_archived':
      return 'This channel is archived.';
    case 'ratelimited':
      return 'Slack is rate-limiting modelgate; try again in a minute.';
    default:
      return `Slack refused the message (${slackError(error) ?? (error as Error).message}).`;
  }
}
