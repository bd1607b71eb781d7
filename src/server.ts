/**
 * `npm start`: modelgate's GitHub App on its own HTTP server. With App credentials it serves
 * webhooks at /api/github/webhooks (WEBHOOK_PATH): each delivery is verified on a size-capped
 * body, written to the store's inbox and acknowledged with 202, and the inbox's workers run the
 * Probot handlers afterwards (see src/app/http and src/app/inbox). Without credentials Probot's
 * setup mode serves the page that registers the App from app.yml (as `probot run` does). In
 * both modes /healthz, /readyz and /metrics are served, and the routes a caller adds.
 * Everything is read from the environment (or `.env`); the README's configuration reference
 * lists every variable.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { createProbot, Probot, ProbotOctokit, Server, type Logger } from 'probot';
import { createApp, HANDLED_EVENTS } from './app/index.js';
import { DEFAULT_SPILL_MEMORY_BYTES, UnverifiedBytes } from './app/http/body.js';
import { healthzRoute, readyzRoute } from './app/http/health.js';
import { IntakeActivity, intakeRoute } from './app/http/intake.js';
import { createMetrics, metricsRoute, type Metrics } from './app/http/metrics.js';
import { DEFAULT_WORKER_SETTINGS, InboxWorker, type WorkerSettings } from './app/inbox/worker.js';
import type { Log } from './app/log.js';
import { createLogger } from './app/logger.js';
import type { PromotionOptions } from './app/promotions.js';
import type { RequestClient } from './github/installations.js';
import type { PromotionService } from './promotion/service.js';
import { createSlack, type SlackParts } from './slack/app.js';
import { readSlackConfig, SlackConfigError, type SlackConfig } from './slack/config.js';
import { openStore } from './store/open.js';
import type { Store } from './store/index.js';

type Env = Record<string, string | undefined>;

/** A request handler: true when it answered the request, false to let the next one try. */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

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
  /**
   * More handlers (e.g. the Slack app's), tried in order after modelgate's own routes and
   * before the 404, in every mode; each returns true when it answered the request.
   */
  routes?: Route[];
  /** For tests: worker settings over those the environment gives (short leases, no backoff). */
  worker?: Partial<WorkerSettings>;
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

/** Delivery ids (and handled inbox rows) are kept this long to refuse redeliveries (GitHub offers redelivery for a few days). */
const DELIVERY_RETENTION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How often promotions left in progress are resumed and stale requests expired. */
const SWEEP_MS = 60_000;
/** GitHub's own limit for a delivery's payload. */
const DEFAULT_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;
const WEBHOOK_PATH = '/api/github/webhooks';
/**
 * Webhook body bytes this process holds before their signatures are checked: one delivery at
 * GitHub's 25 MiB limit and a burst of ordinary ones (tens of KB each) beside it, while forged
 * bodies sent at once hold this much at most, all but 256 KiB of each in WEBHOOK_SPILL_DIR. Kept
 * low all the same: each chunk read is a buffer V8 frees only at its next collection, so the
 * bytes read between two of them count in the peak RSS whether they were kept or not
 * (bench/intake.mjs). By default never below WEBHOOK_MAX_BYTES + 1 MiB.
 */
const DEFAULT_WEBHOOK_MAX_INFLIGHT_BYTES = 26 * 1024 * 1024;
/** The room beside one body at the cap that the default budget always leaves. */
const INFLIGHT_HEADROOM_BYTES = 1024 * 1024;

/** The numeric settings read from the environment: name, default, and the smallest value allowed. */
const NUMERIC_SETTINGS = {
  WEBHOOK_MAX_BYTES: { default: DEFAULT_WEBHOOK_MAX_BYTES, min: 1 },
  WEBHOOK_MAX_INFLIGHT_BYTES: { default: DEFAULT_WEBHOOK_MAX_INFLIGHT_BYTES, min: 1 },
  WORKER_CONCURRENCY: { default: DEFAULT_WORKER_SETTINGS.concurrency, min: 1 },
  WORKER_CONCURRENCY_PER_INSTALLATION: { default: DEFAULT_WORKER_SETTINGS.perInstallation, min: 1 },
  INBOX_MAX_ATTEMPTS: { default: DEFAULT_WORKER_SETTINGS.maxAttempts, min: 1 },
  INBOX_LEASE_SECONDS: { default: DEFAULT_WORKER_SETTINGS.leaseMs / 1000, min: 1 },
  INBOX_RETRY_SECONDS: { default: DEFAULT_WORKER_SETTINGS.backoffMs / 1000, min: 0 },
  INBOX_STUCK_SECONDS: { default: 600, min: 1 },
  SHUTDOWN_TIMEOUT_SECONDS: { default: 25, min: 0 },
} as const;
type NumericSetting = keyof typeof NUMERIC_SETTINGS;

function setting(env: Env, name: NumericSetting): number {
  const value = env[name]?.trim();
  return value ? Number(value) : NUMERIC_SETTINGS[name].default;
}

/** The budget of unverified bytes: as set, or by default never less than one body at the cap. */
function inflightBudget(env: Env): number {
  const set = env['WEBHOOK_MAX_INFLIGHT_BYTES']?.trim();
  return set ? Number(set) : Math.max(DEFAULT_WEBHOOK_MAX_INFLIGHT_BYTES, setting(env, 'WEBHOOK_MAX_BYTES') + INFLIGHT_HEADROOM_BYTES);
}

export function createServer(env: Env = process.env, options: ServerOptions = {}): ModelgateServer {
  let store: Store | null = null;
  let http: HttpServer | null = null;
  let setupServer: Server | null = null;
  let worker: InboxWorker | null = null;
  let proxy: { close(): void } | undefined;
  let slack: SlackParts | null = null;
  let address: { port: number; host: string } | null = null;
  const timers: NodeJS.Timeout[] = [];
  const clearTimers = () => timers.splice(0).forEach((t) => clearInterval(t));
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
    timers.push(setInterval(() => void run(), SWEEP_MS).unref());
  };

  async function startApp(opened: Store, log: Logger, metrics: Metrics, ops: Route[], slackConfig: SlackConfig | null): Promise<void> {
    // The workers, and the handlers after each GitHub answer, give way to webhook requests in flight.
    const activity = new IntakeActivity();
    const Octokit = instrumented(options.Octokit ?? ProbotOctokit, metrics, activity);
    const probot = createProbot({ env: env as Record<string, string>, overrides: { log, Octokit } });
    // The Slack app: its notifier joins the promotion service's, and it gets the service back once the App is loaded.
    const slackParts = slackConfig
      ? createSlack({ config: slackConfig, store: opened, env, log, ...(options.promotions?.now ? { now: options.promotions.now } : {}), ...(options.slackRetries !== undefined ? { retries: options.slackRetries } : {}) })
      : null;
    slack = slackParts;
    await probot.load(
      createApp({
        store: opened,
        observeValidation: (seconds, outcome) => metrics.validationDuration.observe({ outcome }, seconds),
        promotions: { ...options.promotions, notifiers: [...(options.promotions?.notifiers ?? []), ...(slackParts ? [slackParts.notify] : [])] },
        onPromotions: (service, appLog, app) => {
          sweep(service, appLog);
          slackParts?.attach({ service, clients: async (id) => (await app.auth(id)) as unknown as RequestClient });
        },
      }),
    );
    // The label is a path or a URL with its password redacted.
    log.info(`modelgate store: ${opened.label}`);
    const prune = () =>
      Promise.all([opened.pruneDeliveries(DELIVERY_RETENTION_DAYS), opened.pruneInbox(DELIVERY_RETENTION_DAYS)]).then(
        ([count]) => count > 0 && log.info(`Forgot ${count} webhook deliveries older than ${DELIVERY_RETENTION_DAYS} days.`),
        (error: unknown) => log.warn(`Could not prune old webhook deliveries: ${(error as Error).message}`),
      );
    void prune();
    timers.push(setInterval(() => void prune(), DAY_MS).unref());

    const settings: WorkerSettings = {
      ...DEFAULT_WORKER_SETTINGS,
      concurrency: setting(env, 'WORKER_CONCURRENCY'),
      perInstallation: setting(env, 'WORKER_CONCURRENCY_PER_INSTALLATION'),
      maxAttempts: setting(env, 'INBOX_MAX_ATTEMPTS'),
      leaseMs: setting(env, 'INBOX_LEASE_SECONDS') * 1000,
      backoffMs: setting(env, 'INBOX_RETRY_SECONDS') * 1000,
      ...options.worker,
    };
    const started = new InboxWorker({
      inbox: opened,
      handle: (event) => probot.receive(event as never),
      settings,
      metrics,
      log: log.child({ component: 'worker' }),
      giveWay: () => activity.quiet(),
    });
    worker = started;
    const path = env['WEBHOOK_PATH'] || WEBHOOK_PATH;
    const intake = intakeRoute({
      path,
      secret: env['WEBHOOK_SECRET'] ?? '',
      maxBytes: setting(env, 'WEBHOOK_MAX_BYTES'),
      unverified: new UnverifiedBytes(inflightBudget(env)),
      spill: { dir: env['WEBHOOK_SPILL_DIR']?.trim() || tmpdir(), memoryBytes: DEFAULT_SPILL_MEMORY_BYTES },
      inbox: opened,
      handled: HANDLED_EVENTS,
      metrics,
      log: log.child({ component: 'intake' }),
      onEnqueued: () => started.nudge(),
      activity,
    });
    const ping: Route = (req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/ping') return false;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return true;
    };
    // Slack's routes (/slack/events, /slack/link/callback) on the same server and port.
    const slackRoute: Route[] = slackParts ? [(req, res) => slackParts.route(req, res)] : [];
    http = serve([...ops, intake, ping, ...slackRoute, ...(options.routes ?? [])], log);
    address = await listen(http, env['HOST'] || 'localhost', Number(env['PORT'] || 3000));
    log.info(`Listening on http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`);
    started.start();
    // Checked once the server is up (the Slack routes answer 503 until then); a refused token stops the start.
    if (slackParts) await slackParts.start();
    else log.info({ slack: 'off' }, 'Slack is off: SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not set.');
    if (env['WEBHOOK_PROXY_URL']) proxy = await webhookProxy(env['WEBHOOK_PROXY_URL'], address, path, log);
  }

  /** Probot's own setup server (the page that registers the App), with modelgate's routes added. */
  async function startSetup(log: Logger, ops: Route[]): Promise<void> {
    // Probot's Server cannot listen on port 0 (it reads 0 as "use 3000"), so find a free port first.
    const host = env['HOST'] || 'localhost';
    const port = env['PORT'] === '0' ? await freePort(host) : Number(env['PORT'] || 3000);
    const server = new Server({
      host,
      port,
      log,
      ...(env['WEBHOOK_PROXY_URL'] ? { webhookProxy: env['WEBHOOK_PROXY_URL'] } : {}),
      Probot: Probot.defaults({ appId: 1, privateKey: 'dummy value for setup, see probot#1512', log, ...(env['WEBHOOK_SECRET'] ? { secret: env['WEBHOOK_SECRET'] } : {}) }),
    });
    for (const route of [...ops, await setupPageRoute(env['WEBHOOK_PATH'] || WEBHOOK_PATH), ...(options.routes ?? [])]) server.addHandler(route);
    const { setupAppFactory } = await probotInternal<{ setupAppFactory: (o: { host: string; port: number; log: Logger }) => () => Promise<Route> }>('apps/setup.js');
    await server.loadHandlerFactory(setupAppFactory({ host: server.host, port: server.port, log: log.child({ name: 'setup' }) }) as never);
    await server.start();
    setupServer = server;
  }

  return {
    async start() {
      if (store || http || setupServer) throw new Error('The server is already started.');
      const cwd = options.cwd ?? process.cwd();
      checkEnv(env, cwd);
      let slackConfig: SlackConfig | null;
      try {
        const read = readSlackConfig(env, cwd);
        slackConfig = 'off' in read ? null : read;
      } catch (error) {
        throw error instanceof SlackConfigError ? new EnvError(error.message) : error;
      }
      // Opened first, so a bad DATABASE_URL (or a schema from a newer modelgate) stops the start.
      const opened = await (options.openStore ?? openStore)({ DATABASE_URL: env['DATABASE_URL'] }, cwd);
      store = opened;
      try {
        const log = options.log ?? (await createLogger(env));
        const metrics = createMetrics(opened);
        const ops: Route[] = [
          healthzRoute,
          readyzRoute({ store: opened, stuckAfterMs: setting(env, 'INBOX_STUCK_SECONDS') * 1000, timeoutMs: 2000 }),
          metricsRoute(metrics, env['METRICS_TOKEN'] || undefined),
        ];
        if (hasCredentials(env, cwd)) await startApp(opened, log, metrics, ops, slackConfig);
        else {
          if (slackConfig) log.warn({ slack: 'off' }, 'Slack is off in setup mode: register the GitHub App first, then restart.');
          await startSetup(log, ops);
        }
      } catch (error) {
        await this.stop().catch(() => undefined);
        throw error;
      }
    },
    /**
     * Stops accepting requests, lets the workers finish what they hold until the deadline
     * (SHUTDOWN_TIMEOUT_SECONDS) and gives the rest back to the inbox, then closes the store.
     */
    async stop() {
      clearTimers();
      proxy?.close();
      proxy = undefined;
      const deadline = setting(env, 'SHUTDOWN_TIMEOUT_SECONDS') * 1000;
      try {
        const closing = http ? close(http, deadline) : Promise.resolve();
        await worker?.stop(deadline);
        // Slack work already acknowledged finishes before the store closes.
        await slack?.stop();
        await closing;
        await setupServer?.stop();
      } finally {
        http = null;
        setupServer = null;
        worker = null;
        slack = null;
        address = null;
        const s = store;
        store = null;
        await s?.close();
      }
    },
    get port() {
      return requireStarted(address, setupServer).port;
    },
    get host() {
      return requireStarted(address, setupServer).host;
    },
  };
}

/** The App's HTTP server: routes tried in order, a 404 after them, a 500 (and one log line) for a route that throws. */
function serve(routes: Route[], log: Logger): HttpServer {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      for (const route of routes) if (await route(req, res)) return;
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    } catch (error) {
      log.error({ method: req.method, path: req.url?.split('?')[0], error: (error as Error).message }, 'A request failed.');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    }
  };
  const server = createHttpServer((req, res) => void answer(req, res));
  // A client that trickles its request is cut off rather than holding a socket for Node's default 5 minutes.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  return server;
}

function listen(server: HttpServer, host: string, port: number): Promise<{ port: number; host: string }> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? Object.assign(error, { message: `Port ${port} is already in use. Set PORT to use a different port.` }) : error);
    });
    server.listen({ port, host }, () => {
      const a = server.address();
      resolveListen(typeof a === 'object' && a !== null ? { port: a.port, host: a.address } : { port, host });
    });
  });
}

/** Stops listening; connections still open at the deadline are closed. */
function close(server: HttpServer, deadlineMs: number): Promise<void> {
  return new Promise((resolveClose) => {
    const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolveClose();
    });
    server.closeIdleConnections();
  });
}

/**
 * Counts GitHub API calls by method and status, and keeps the rate limit's remaining count. A
 * handler goes on after a GitHub answer only once the intake is quiet: what it does next
 * (validating, rendering) must not hold up the acknowledgement of deliveries arriving meanwhile.
 */
function instrumented(Base: typeof ProbotOctokit, metrics: Metrics, activity: IntakeActivity): typeof ProbotOctokit {
  type Hooked = { hook: { after(name: 'request', fn: (response: { status: number; headers: Record<string, unknown> }, options: { method: string }) => Promise<void>): void; error(name: 'request', fn: (error: { status?: number; response?: { headers: Record<string, unknown> } }, options: { method: string }) => never): void } };
  const remaining = (headers: Record<string, unknown> | undefined) => {
    const value = Number(headers?.['x-ratelimit-remaining']);
    if (Number.isFinite(value)) metrics.rateLimitRemaining.set(value);
  };
  return Base.plugin((octokit: unknown) => {
    const { hook } = octokit as Hooked;
    hook.after('request', async (response, options) => {
      metrics.githubCalls.inc({ method: options.method, status: String(response.status) });
      remaining(response.headers);
      if (activity.busy) await activity.quiet();
    });
    hook.error('request', (error, options) => {
      metrics.githubCalls.inc({ method: options.method, status: String(error.status ?? 'error') });
      remaining(error.response?.headers);
      throw error;
    });
    return {};
  }) as unknown as typeof ProbotOctokit;
}

/**
 * A module of Probot's that its package does not export (the setup app, the smee proxy),
 * loaded from Probot's own folder so setup mode and WEBHOOK_PROXY_URL work as with `probot run`.
 */
async function probotInternal<T>(file: string): Promise<T> {
  const entry = createRequire(import.meta.url).resolve('probot');
  return (await import(pathToFileURL(join(dirname(entry), file)).href)) as T;
}

interface ManifestCreation {
  readonly pkg: { name?: string; version?: string; description?: string };
  readonly createAppUrl: string;
  getManifest(options: { pkg: object; baseUrl: string }): string;
}

/**
 * GET /probot, the setup page, as Probot's setup app renders it, with one change: the App is
 * registered with its webhook URL on our webhook path. Probot's manifest points the webhook at
 * the smee.io channel (WEBHOOK_PROXY_URL) or else at the site root, which receives nothing here
 * (the server serves webhooks at `webhookPath`). A URL that app.yml names is kept.
 */
async function setupPageRoute(webhookPath: string): Promise<Route> {
  const { ManifestCreation } = await probotInternal<{ ManifestCreation: new () => ManifestCreation }>('manifest-creation.js');
  const { setupView } = await probotInternal<{ setupView: (view: object) => string }>('views/setup.js');
  return async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/probot') return false;
    const setup = new ManifestCreation();
    const pkg = setup.pkg;
    const baseUrl = publicBaseUrl(req);
    const manifest = JSON.parse(setup.getManifest({ pkg, baseUrl })) as { hook_attributes?: { url?: unknown } };
    // Probot's own default: neither a smee.io channel nor app.yml said where webhooks go.
    if (manifest.hook_attributes?.url === `${baseUrl}/`) manifest.hook_attributes.url = `${baseUrl}${webhookPath}`;
    const page = setupView({ name: pkg.name, version: pkg.version, description: pkg.description, createAppUrl: setup.createAppUrl, manifest: JSON.stringify(manifest) });
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    return true;
  };
}

/**
 * The URL the browser reached this server at, behind a proxy too: X-Forwarded-Proto and
 * X-Forwarded-Host (their first values) when set, else the connection's protocol and Host.
 */
function publicBaseUrl(req: IncomingMessage): string {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
  const protocol = first(req.headers['x-forwarded-proto']) ?? ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  const host = first(req.headers['x-forwarded-host']) ?? req.headers.host ?? 'localhost';
  return `${protocol}://${host}`;
}

async function webhookProxy(url: string, address: { port: number; host: string }, path: string, log: Logger): Promise<{ close(): void } | undefined> {
  const { createWebhookProxy } = await probotInternal<{ createWebhookProxy: (o: object) => Promise<{ close(): void } | undefined> }>('helpers/webhook-proxy.js');
  return createWebhookProxy({ host: address.host, port: address.port, path, logger: log, url });
}

function hasCredentials(env: Env, cwd: string): boolean {
  return Boolean(env['APP_ID']) && privateKeyProblem(env, cwd).present;
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
  if (env['LOG_FORMAT'] && !['json', 'pretty'].includes(env['LOG_FORMAT'])) {
    problems.push(`LOG_FORMAT must be json or pretty; got "${env['LOG_FORMAT']}".`);
  }
  for (const [name, { min }] of Object.entries(NUMERIC_SETTINGS)) {
    const value = env[name]?.trim();
    if (value && !(/^\d+$/.test(value) && Number(value) >= min)) problems.push(`${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}; got "${value}".`);
  }
  const [inflight, maxBytes] = [env['WEBHOOK_MAX_INFLIGHT_BYTES']?.trim(), env['WEBHOOK_MAX_BYTES']?.trim() || String(DEFAULT_WEBHOOK_MAX_BYTES)];
  if (inflight && /^\d+$/.test(inflight) && /^\d+$/.test(maxBytes) && Number(inflight) < Number(maxBytes)) {
    problems.push(`WEBHOOK_MAX_INFLIGHT_BYTES (${inflight}) must be at least WEBHOOK_MAX_BYTES (${maxBytes}), or a delivery that size could never be accepted.`);
  }
  const spillDir = env['WEBHOOK_SPILL_DIR']?.trim();
  if (spillDir && !(isAbsolute(spillDir) && isDirectory(spillDir))) {
    problems.push(`WEBHOOK_SPILL_DIR must be the absolute path of an existing directory (for webhook bodies past their first 256 KiB until their signatures are checked); got "${spillDir}".`);
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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

function requireStarted(address: { port: number; host: string } | null, setup: Server | null): { port: number; host: string } {
  if (address) return address;
  if (setup) return { port: setup.port, host: setup.host };
  throw new Error('The server is not started.');
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
  // Containers send SIGTERM: stop accepting, finish or give back the deliveries in hand, close the store.
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
