/**
 * The Slack app on modelgate's own HTTP server: Bolt with modelgate's receiver (signature,
 * timestamp window, size cap, retries) at POST /slack/events, the identity-link callback at
 * GET /slack/link/callback, and the notifier that keeps each request's Slack message true.
 * Socket Mode (SLACK_APP_TOKEN) replaces the events route for local development.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import bolt from '@slack/bolt';
import type { Log } from '../app/log.js';
import type { Promotion } from '../core/promotion/index.js';
import { githubUrls } from '../github/oauth.js';
import type { AppClients } from '../github/installations.js';
import type { Notify } from '../promotion/ports.js';
import type { PromotionService } from '../promotion/service.js';
import type { Store } from '../store/index.js';
import type { SlackApi } from './api.js';
import type { SlackConfig } from './config.js';
import type { SlackDeps } from './context.js';
import { LinkFlow } from './link.js';
import { registerListeners } from './listeners/index.js';
import { slackNotifier } from './notifier.js';
import { SlackReceiver } from './receiver.js';
import { RepositoryDirectory } from './repositories.js';

const { App, LogLevel, SocketModeReceiver, webApi } = bolt;

export interface SlackOptions {
  config: SlackConfig;
  store: Store;
  env: Record<string, string | undefined>;
  log: Log & { error?(fields: object, message: string): void };
  now?: () => Date;
  /** Web API retries (tests turn them off). */
  retries?: number;
}

export interface SlackParts {
  /** The routes: POST /slack/events and GET /slack/link/callback. */
  route(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** For the promotion service: each request's Slack message. */
  notify: Notify;
  /** Checks the bot token (auth.test) and learns the workspace; the routes answer 503 until then. */
  start(): Promise<void>;
  /** Hands over the promotion service and the App's GitHub clients, once the App is loaded. */
  attach(parts: { service: PromotionService; clients: AppClients }): void;
  stop(): Promise<void>;
}

export function createSlack(options: SlackOptions): SlackParts {
  const { config, store, log } = options;
  const now = options.now ?? (() => new Date());
  const client = new webApi.WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: options.retries ?? 3, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    logger: boltLogger(log),
    timeout: 15_000,
  });
  const api = client as unknown as SlackApi;
  let service: PromotionService | null = null;
  const notifier = slackNotifier({
    api,
    store,
    now,
    view: (p: Promotion) => {
      if (!service) throw new Error('The Slack app is not attached to the promotion service yet.');
      return service.view(p);
    },
  });
  // Wall time, not the service's clock: a signature's freshness is Slack's clock against ours.
  const receiver = new SlackReceiver({ signingSecret: config.signingSecret, store, log });
  const link = config.oauth
    ? new LinkFlow({
        store,
        urls: githubUrls(options.env),
        oauth: config.oauth,
        now,
        log,
        tell: async (responseUrl, text) => {
          const answer = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }), signal: AbortSignal.timeout(10_000) });
          if (!answer.ok) throw new Error(`Slack answered ${answer.status}`);
        },
      })
    : null;
  let identity: { team: string; botUserId: string; botId: string } | null = null;
  let app: InstanceType<typeof App> | null = null;
  let pending: { service: PromotionService; clients: AppClients } | null = null;

  const build = () => {
    if (!identity || !pending || app) return;
    service = pending.service;
    const deps: SlackDeps = {
      service: pending.service,
      store,
      api,
      notifier,
      link,
      team: identity.team,
      now,
      log,
      directory: new RepositoryDirectory({
        store,
        clients: pending.clients,
        channels: config.file.channels,
        now: () => now().getTime(),
        readModels: async (repo) => {
          const status = await pending!.service.status({ repo, model: null });
          return status.kind === 'status' ? status.models.map((m) => m.model) : null;
        },
      }),
    };
    const common = {
      token: config.botToken,
      botId: identity.botId,
      botUserId: identity.botUserId,
      tokenVerificationEnabled: false,
      logger: boltLogger(log),
      logLevel: LogLevel.WARN,
      clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: options.retries ?? 3 } },
    };
    app = config.appToken
      ? new App({ ...common, receiver: new SocketModeReceiver({ appToken: config.appToken, logger: boltLogger(log), logLevel: LogLevel.WARN }) })
      : new App({ ...common, receiver });
    registerListeners(app, deps);
  };

  return {
    notify: notifier.notify,
    async start() {
      let auth;
      try {
        auth = await client.auth.test();
      } catch (error) {
        throw new Error(`Slack refused SLACK_BOT_TOKEN (${(error as { data?: { error?: string } }).data?.error ?? (error as Error).message}): copy the bot token from the Slack app's OAuth & Permissions page.`, { cause: error });
      }
      if (!auth.team_id || !auth.user_id || !auth.bot_id) throw new Error('SLACK_BOT_TOKEN is not a bot token of a workspace (auth.test named no team or bot).');
      identity = { team: auth.team_id, botUserId: auth.user_id, botId: auth.bot_id };
      // Seeded links: the operator's file is the truth for the users it names, on every start.
      for (const l of config.file.links) await store.linkSlackUser({ team: l.slack_team, user: l.slack_user, githubId: l.github_id, githubLogin: l.github_login, source: 'seed' });
      build();
      log.info({ slack: 'on', team: identity.team, socketMode: config.appToken !== null, linking: link !== null }, `Slack is on for workspace ${identity.team}${config.appToken ? ' (Socket Mode)' : ' at /slack/events'}.`);
      if (app && config.appToken) await app.start();
    },
    attach(parts) {
      pending = parts;
      build();
    },
    async route(req, res) {
      if (link && (await link.handle(req, res))) return true;
      if (config.appToken) return false;
      return receiver.handle(req, res);
    },
    async stop() {
      if (app && config.appToken) await app.stop();
      // Commands and clicks already acknowledged finish before the store closes.
      await receiver.drain(10_000);
    },
  };
}

/** Bolt's and the Web API's logger, onto modelgate's log (warnings and errors only, never bodies). */
function boltLogger(log: SlackOptions['log']) {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : '')).filter(Boolean).join(' ').slice(0, 500);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => log.warn({ slack: 'bolt' }, text(parts)),
    error: (...parts: unknown[]) => log.warn({ slack: 'bolt' }, text(parts)),
    setLevel: (l: typeof level) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
