/**
 * `npm start`: modelgate's GitHub App behind Probot's own server. With App credentials it
 * serves webhooks at /api/github/webhooks; without them Probot's setup mode serves the
 * page that registers the App from app.yml (as `probot run` does). Everything is read from
 * the environment (or `.env`), the way Probot documents it: APP_ID, PRIVATE_KEY or
 * PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, GHE_HOST, GHE_PROTOCOL; and
 * modelgate's own DATABASE_URL (the store: ./data/modelgate.db unless it names another SQLite
 * file or a PostgreSQL database).
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { run, type ApplicationFunction, type Logger, type Probot, type ProbotOctokit, type Server } from 'probot';
import { createApp } from './app/index.js';
import type { Log } from './app/log.js';
import type { RequestClient } from './github/installations.js';
import type { PromotionOptions } from './app/promotions.js';
import type { PromotionService } from './promotion/service.js';
import { createSlack, type SlackParts } from './slack/app.js';
import { readSlackConfig, SlackConfigError } from './slack/config.js';
import { openStore } from './store/open.js';
import type { Store } from './store/index.js';

type Env = Record<string, string | undefined>;

export interface ServerOptions {
  /** For tests: an Octokit class with retries and throttling off. */
  Octokit?: typeof ProbotOctokit;
  log?: Logger;
  /** Where `.pem` files are looked for (Probot finds a lone one) and a relative DATABASE_URL points. Default: the working directory. */
  cwd?: string;
  /** For tests: how the store is opened (default: openStore, from DATABASE_URL). */
  openStore?: typeof openStore;
  /** For tests: the promotion service's clock, ids and extra notifiers. */
  promotions?: PromotionOptions;
  /** For tests: Slack Web API retries (default 3). */
  slackRetries?: number;
}

export interface ModelgateServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The port actually listened on (a free one when PORT=0). */
  readonly port: number;
  readonly host: string;
}

/** A problem with the environment, worded for the person who set it. */
export class EnvError extends Error {
  override name = 'EnvError';
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Delivery ids are kept this long to refuse redeliveries (GitHub offers redelivery for a few days). */
const DELIVERY_RETENTION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How often promotions left in progress are resumed and stale requests expired. */
const SWEEP_MS = 60_000;

export function createServer(env: Env = process.env, options: ServerOptions = {}): ModelgateServer {
  let server: Server | null = null;
  let store: Store | null = null;
  let pruning: NodeJS.Timeout | null = null;
  let sweeping: NodeJS.Timeout | null = null;
  let slack: SlackParts | null = null;
  /** Resumes promotions left behind (a crash, a restart) and expires stale requests: at start, then every minute. */
  const sweep = (service: PromotionService, log: Log) => {
    const run = () =>
      service
        .expire()
        .then(() => service.resume())
        .then(
          (resumed) => resumed.length > 0 && log.info({ promotions: resumed.map((p) => p.id) }, `Resumed ${resumed.length} promotion${resumed.length === 1 ? '' : 's'} left in progress.`),
          (error: unknown) => log.warn({ error: (error as Error).message }, 'Could not resume or expire promotions.'),
        );
    void run();
    sweeping = setInterval(() => void run(), SWEEP_MS).unref();
  };
  return {
    async start() {
      if (server || store) throw new Error('The server is already started.');
      const cwd = options.cwd ?? process.cwd();
      checkEnv(env, cwd);
      let slackConfig;
      try {
        slackConfig = readSlackConfig(env, cwd);
      } catch (error) {
        throw error instanceof SlackConfigError ? new EnvError(error.message) : error;
      }
      // Opened first, so a bad DATABASE_URL (or a schema from a newer modelgate) stops the start.
      store = await (options.openStore ?? openStore)({ DATABASE_URL: env['DATABASE_URL'] }, cwd);
      try {
        // Probot's Server cannot listen on port 0 (it reads 0 as "use 3000"), so find a free port first.
        const port = env['PORT'] === '0' ? await freePort(env['HOST'] || 'localhost') : undefined;
        // The App's own logger once Probot has made it (the Slack app logs through it too).
        let appLog: Log | null = options.log ? structuredLog(options.log) : null;
        const lazyLog: Log = { info: (fields, message) => (appLog ?? CONSOLE_LOG).info(fields, message), warn: (fields, message) => (appLog ?? CONSOLE_LOG).warn(fields, message) };
        if (!('off' in slackConfig)) {
          slack = createSlack({ config: slackConfig, store, env, log: lazyLog, ...(options.promotions?.now ? { now: options.promotions.now } : {}), ...(options.slackRetries !== undefined ? { retries: options.slackRetries } : {}) });
        }
        const slackParts = slack;
        const app = createApp({
          store,
          promotions: { ...options.promotions, notifiers: [...(options.promotions?.notifiers ?? []), ...(slackParts ? [slackParts.notify] : [])] },
          onPromotions: (service, log, probot) => {
            appLog = log;
            sweep(service, log);
            slackParts?.attach({ service, clients: async (id) => (await probot.auth(id)) as unknown as RequestClient });
          },
        });
        server = await run(withServerParts(app, store, (timer) => (pruning = timer), slackParts), {
          env: port === undefined ? env : { ...env, PORT: String(port) },
          ...(options.Octokit ? { Octokit: options.Octokit } : {}),
          ...(options.log ? { log: options.log } : {}),
        });
        // Checked once the server is up (its Slack routes answer 503 until then); a refused token stops the start.
        if (slack) await slack.start();
        else lazyLog.info({ slack: 'off' }, `Slack is off: ${'off' in slackConfig ? slackConfig.off : ''}; set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on.`);
      } catch (error) {
        if (pruning) clearInterval(pruning);
        if (sweeping) clearInterval(sweeping);
        pruning = sweeping = null;
        await slack?.stop().catch(() => undefined);
        slack = null;
        await server?.stop().catch(() => undefined);
        server = null;
        await store.close().catch(() => undefined);
        store = null;
        throw error;
      }
    },
    async stop() {
      if (pruning) clearInterval(pruning);
      if (sweeping) clearInterval(sweeping);
      pruning = sweeping = null;
      try {
        await server?.stop();
        // After the server stops taking requests: Slack work already acknowledged finishes first.
        await slack?.stop();
      } finally {
        slack = null;
        server = null;
        await store?.close();
        store = null;
      }
    },
    get port() {
      return requireStarted(server).port;
    },
    get host() {
      return requireStarted(server).host;
    },
  };
}

/**
 * What the App adds to Probot's server, through the app function (so it exists when the App
 * runs with credentials): GET /healthz, answering 200 for load balancers and container probes
 * (setup mode, refused by Probot when NODE_ENV=production, has Probot's GET /ping instead);
 * the store's location in the log; and a daily pruning of old delivery ids.
 */
function withServerParts(app: (probot: Probot) => void, store: Store, onTimer: (timer: NodeJS.Timeout) => void, slack: SlackParts | null): ApplicationFunction {
  return (probot, options) => {
    options.addHandler(healthz);
    // Slack's routes (/slack/events, /slack/link/callback) on the same server and port.
    if (slack) options.addHandler((req, res) => slack.route(req, res));
    // The label is a path or a URL with its password redacted.
    probot.log.info(`modelgate store: ${store.label}`);
    const prune = () =>
      store.pruneDeliveries(DELIVERY_RETENTION_DAYS).then(
        (count) => count > 0 && probot.log.info(`Forgot ${count} webhook deliveries older than ${DELIVERY_RETENTION_DAYS} days.`),
        (error: unknown) => probot.log.warn(`Could not prune old webhook deliveries: ${(error as Error).message}`),
      );
    void prune();
    onTimer(setInterval(() => void prune(), DAY_MS).unref());
    app(probot);
  };
}

/** Probot's logger (pino: fields, then message), as the Slack app logs. */
function structuredLog(log: Logger): Log {
  return { info: (fields, message) => log.info(fields, message), warn: (fields, message) => log.warn(fields, message) };
}

/** Before Probot's logger exists. */
const CONSOLE_LOG: Log = { info: (_fields, message) => console.log(message), warn: (_fields, message) => console.warn(message) };

function healthz(req: IncomingMessage, res: ServerResponse): boolean {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url?.split('?')[0] !== '/healthz') return false;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"status":"ok"}');
  return true;
}

/**
 * Checks what Probot would otherwise accept silently or with a stack trace: a PORT of
 * "abc" (Probot falls back to 3000), a missing key file (Probot logs the error and drops
 * into setup mode), half the credentials, or credentials without a webhook secret
 * (Probot would accept deliveries signed with the public default "development").
 */
export function checkEnv(env: Env, cwd: string): void {
  const problems: string[] = [];
  if (env['PORT'] && !(/^\d+$/.test(env['PORT']) && Number(env['PORT']) <= 65535)) {
    problems.push(`PORT must be a port number from 0 to 65535 (0 picks a free port); got "${env['PORT']}".`);
  }
  if (env['LOG_LEVEL'] && !LOG_LEVELS.includes(env['LOG_LEVEL'])) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${env['LOG_LEVEL']}".`);
  }
  if (env['GHE_HOST'] && /[/:]/.test(env['GHE_HOST'].replace(/:\d+$/, ''))) {
    problems.push(`GHE_HOST is a host name such as github.example.com, without a scheme or path; got "${env['GHE_HOST']}".`);
  }
  if (env['GHE_PROTOCOL'] && !['http', 'https'].includes(env['GHE_PROTOCOL'])) {
    problems.push(`GHE_PROTOCOL must be https (or http); got "${env['GHE_PROTOCOL']}".`);
  }
  if (env['APP_ID'] && !/^\d+$/.test(env['APP_ID'])) {
    problems.push(`APP_ID must be the numeric App ID from the GitHub App's settings page; got "${env['APP_ID']}".`);
  }
  const key = privateKeyProblem(env, cwd);
  if (key.problem) problems.push(key.problem);
  if (env['APP_ID'] && !key.present) {
    problems.push('APP_ID is set but no private key is: set PRIVATE_KEY (the .pem contents) or PRIVATE_KEY_PATH (its path). Unset APP_ID to register a new App through the setup page instead.');
  }
  if (!env['APP_ID'] && key.present) {
    problems.push('A private key is set but APP_ID is not: set APP_ID to the App ID from the GitHub App\'s settings page.');
  }
  if (env['APP_ID'] && key.present && !env['WEBHOOK_SECRET']) {
    problems.push('WEBHOOK_SECRET is not set: set it to the webhook secret in the GitHub App\'s settings, so only GitHub\'s deliveries are accepted.');
  }
  if (problems.length > 0) throw new EnvError(problems.join('\n'));
}

function privateKeyProblem(env: Env, cwd: string): { present: boolean; problem?: string } {
  if (env['PRIVATE_KEY']) {
    const raw = env['PRIVATE_KEY'];
    const text = /^[A-Za-z0-9+/=\s]+$/.test(raw) ? Buffer.from(raw, 'base64').toString() : raw;
    return /-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)
      ? { present: true }
      : { present: true, problem: 'PRIVATE_KEY is not a PEM private key: paste the whole .pem file (or its base64), including the BEGIN and END lines.' };
  }
  if (env['PRIVATE_KEY_PATH']) {
    return existsSync(resolve(cwd, env['PRIVATE_KEY_PATH']))
      ? { present: true }
      : { present: true, problem: `PRIVATE_KEY_PATH points to "${env['PRIVATE_KEY_PATH']}", which does not exist.` };
  }
  // Like Probot, accept a single .pem file in the working directory.
  return { present: readdirSync(cwd).filter((f) => f.endsWith('.pem')).length === 1 };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function requireStarted(server: Server | null): Server {
  if (!server) throw new Error('The server is not started.');
  return server;
}

/** Probot's `.env` handling (its values win over the environment), applied before checking. */
function loadDotEnv(cwd: string): void {
  const path = resolve(cwd, '.env');
  if (existsSync(path)) Object.assign(process.env, parseEnv(readFileSync(path, 'utf8')));
}

async function main(): Promise<void> {
  loadDotEnv(process.cwd());
  const server = createServer(process.env);
  try {
    await server.start();
  } catch (error) {
    // A clear line for a bad setting, not a stack trace; LOG_LEVEL=debug shows the stack.
    const debug = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
    console.error(`modelgate: ${debug && error instanceof Error ? error.stack : (error as Error).message ?? String(error)}`);
    process.exit(1);
  }
  // Containers send SIGTERM; Probot also stops its server on SIGINT, but only ours closes the store.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) void main();
