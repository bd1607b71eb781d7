/**
 * What every Slack listener works with, and the shapes of Slack's requests they read (only the
 * fields used, checked at the boundary with zod: a request that lacks one is answered, not thrown on).
 */
import { z } from 'zod';
import type { Log } from '../app/log.js';
import type { Actor } from '../core/promotion/index.js';
import type { PromotionService } from '../promotion/service.js';
import type { SlackMessage } from '../render/slack/types.js';
import type { Store } from '../store/index.js';
import type { SlackApi } from './api.js';
import type { LinkFlow } from './link.js';
import type { SlackNotifier } from './notifier.js';
import type { RepositoryDirectory } from './repositories.js';

export interface SlackDeps {
  service: PromotionService;
  store: Store;
  api: SlackApi;
  directory: RepositoryDirectory;
  notifier: SlackNotifier;
  /** Null when GitHub OAuth is not configured (seeded links still work). */
  link: LinkFlow | null;
  /** The workspace modelgate's bot is installed in: requests from any other are refused. */
  team: string;
  now: () => Date;
  log: Log;
}

/** A slash command's fields (form-encoded). */
export const CommandSchema = z.object({
  command: z.string(),
  text: z.string().max(4000).default(''),
  team_id: z.string().min(1),
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  response_url: z.string().url().optional(),
  trigger_id: z.string().optional(),
});
export type SlashCommand = z.infer<typeof CommandSchema>;

/** A button click (`block_actions`). */
export const BlockActionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string().min(1) }).nullable().optional(),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ message_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  trigger_id: z.string().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});
export type BlockAction = z.infer<typeof BlockActionSchema>;

/** The reject-reason modal's submission. */
export const ViewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string().min(1) }).nullable().optional(),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string().max(3000),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullable().optional() }))) }),
  }),
});
export type ViewSubmission = z.infer<typeof ViewSubmissionSchema>;

export type Ack = (response?: unknown) => Promise<void>;
/** An answer through the request's response_url: ephemeral (only the person sees it) unless said otherwise. */
export type Respond = (message: SlackMessage & { response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean }) => Promise<unknown>;

/** The GitHub identity of a Slack user, or null when they have not linked one. */
export async function githubActor(deps: SlackDeps, team: string, user: string): Promise<Actor | null> {
  const link = await deps.store.slackLink(team, user);
  return link ? { id: link.githubId, login: link.githubLogin } : null;
}

export function unlinkedMessage(deps: SlackDeps): SlackMessage {
  return {
    text: deps.link
      ? 'You have not linked your GitHub account yet, so modelgate cannot check the promotion policy for you. Run `/modelgate link` (once), then try again.'
      : 'Your Slack account is not linked to a GitHub account, and self-service linking is off here: ask an operator to add you to the links in SLACK_CONFIG.',
  };
}

export const OTHER_WORKSPACE = { text: 'modelgate answers only the Slack workspace it is installed in.' };
