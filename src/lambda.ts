/**
 * modelgate's GitHub App on AWS Lambda, behind API Gateway (REST or HTTP API) or a function URL,
 * through @probot/adapter-aws-lambda-serverless's request handler: `export { handler } from 'modelgate/lib/lambda.js'`
 * or a handler setting of `lib/lambda.handler`. docs/deploy.md has the steps.
 *
 * The store must be PostgreSQL: a Lambda instance's filesystem is ephemeral (gone at the next
 * cold start) and never shared between concurrent instances, so a SQLite file would forget
 * which deliveries were handled, which comment is whose and every promotion. The store and the
 * Probot instance are made once per container, on its first invocation, and reused by the
 * following ones; a failed start is retried by the next invocation.
 */
import lambdaFunction from '@probot/adapter-aws-lambda-serverless/lambda-function.js';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { createProbot, type Logger, type Probot, type ProbotOctokit } from 'probot';
import { createApp } from './app/index.js';
import type { PromotionOptions } from './app/promotions.js';
import type { PromotionService } from './promotion/service.js';
import { checkEnv } from './server.js';
import { openStore, resolveDatabaseLocation } from './store/open.js';
import type { Store } from './store/index.js';

type Env = Record<string, string | undefined>;
export type LambdaEvent = APIGatewayProxyEvent | LambdaFunctionURLEvent;
/** What the handler answers, to API Gateway and function URLs alike (always an object with a statusCode). */
export type LambdaResult = APIGatewayProxyResult;
export type LambdaHandler = (event: LambdaEvent, context: Context) => Promise<LambdaResult>;

export interface LambdaOptions {
  /** For tests: an Octokit class with retries and throttling off. */
  Octokit?: typeof ProbotOctokit;
  log?: Logger;
  /** For tests: how the store is opened (default: openStore, from DATABASE_URL). */
  openStore?: typeof openStore;
  promotions?: PromotionOptions;
}

/** A problem with the function's environment, worded for the person who configured it. */
export class LambdaEnvError extends Error {
  override name = 'LambdaEnvError';
}

const WHY_POSTGRES =
  "on AWS Lambda modelgate needs PostgreSQL (DATABASE_URL=postgres://user:password@host/db): a Lambda instance's filesystem is ephemeral and " +
  'is not shared between concurrent instances, so a SQLite file would forget handled deliveries (a redelivery would post twice), ' +
  'sticky comments and promotions at every cold start.';

/** Delivery ids are kept this long to refuse redeliveries, as by the server; older ones are forgotten at each cold start. */
const DELIVERY_RETENTION_DAYS = 14;

/** Promotions left in progress are resumed, and stale requests expired, at most this often (Lambda has no timers between invocations). */
const SWEEP_MS = 60_000;

/** What the function's environment must hold; throws a LambdaEnvError listing every problem. */
export function checkLambdaEnv(env: Env): void {
  const problems: string[] = [];
  if (!env['APP_ID'] || !(env['PRIVATE_KEY'] || env['PRIVATE_KEY_PATH']) || !env['WEBHOOK_SECRET']) {
    const missing = ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET'].filter((name) => !env[name] && !(name === 'PRIVATE_KEY' && env['PRIVATE_KEY_PATH']));
    problems.push(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: the function runs a registered GitHub App (there is no setup page on Lambda); set them from the App's settings page.`);
  }
  const url = env['DATABASE_URL']?.trim();
  if (!url) {
    problems.push(`DATABASE_URL is not set: ${WHY_POSTGRES}`);
  } else {
    try {
      const location = resolveDatabaseLocation(url, process.cwd());
      if (location.kind === 'sqlite') problems.push(`DATABASE_URL names a SQLite database (${location.path}): ${WHY_POSTGRES}`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length === 0) {
    try {
      // The server's checks of the same settings (APP_ID's form, the key, GHE_HOST, LOG_LEVEL).
      checkEnv(env, process.cwd());
    } catch (error) {
      problems.push(...(error as Error).message.split('\n'));
    }
  }
  if (problems.length > 0) throw new LambdaEnvError(problems.join('\n'));
}

interface Started {
  probot: Probot;
  store: Store;
  receive: LambdaHandler;
  sweep: () => Promise<void>;
}

/**
 * A Lambda handler over `env` (read on the first invocation). Webhook deliveries are POSTed
 * with GitHub's headers; the signature (X-Hub-Signature-256) is checked before the payload is
 * parsed, and a missing or bad one is refused with 401. The adapter's `GET /probot` page is
 * served; any other request is refused.
 */
export function createHandler(env: Env = process.env, options: LambdaOptions = {}): LambdaHandler & { close(): Promise<void> } {
  let starting: Promise<Started> | null = null;
  let lastSweep = 0;

  const start = async (): Promise<Started> => {
    checkLambdaEnv(env);
    const store = await (options.openStore ?? openStore)({ DATABASE_URL: env['DATABASE_URL'] }, process.cwd());
    try {
      const probot = createProbot({
        env,
        overrides: { ...(options.Octokit ? { Octokit: options.Octokit } : {}), ...(options.log ? { log: options.log } : {}) },
      });
      let service: PromotionService | null = null;
      const app = createApp({ store, ...(options.promotions ? { promotions: options.promotions } : {}), onPromotions: (promotions) => (service = promotions) });
      // What the adapter's createLambdaFunction does (see src/types/adapter-aws-lambda-serverless.d.ts), awaited.
      await probot.load(app);
      // The adapter answers an object ({ statusCode, body }) to every event.
      const receive: LambdaHandler = async (event, context) => (await lambdaFunction(probot, event, context)) as LambdaResult;
      probot.log.info(`modelgate store: ${store.label}`);
      // Lambda has no daily timer: each new container forgets old delivery ids once.
      const pruned = await store.pruneDeliveries(DELIVERY_RETENTION_DAYS);
      if (pruned > 0) probot.log.info(`Forgot ${pruned} webhook deliveries older than ${DELIVERY_RETENTION_DAYS} days.`);
      const sweep = async () => {
        if (!service) return;
        try {
          await service.expire();
          const resumed = await service.resume();
          if (resumed.length > 0) probot.log.info(`Resumed ${resumed.length} promotion${resumed.length === 1 ? '' : 's'} left in progress.`);
        } catch (error) {
          probot.log.warn(`Could not resume or expire promotions: ${(error as Error).message}`);
        }
      };
      return { probot, store, receive, sweep };
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  };

  const handler = async (event: LambdaEvent, context: Context): Promise<LambdaResult> => {
    let started: Started;
    try {
      starting ??= start();
      started = await starting;
    } catch (error) {
      starting = null;
      // One clear line in the function's log; the caller learns only that the function is misconfigured.
      console.error(`modelgate: ${(error as Error).message.split('\n').join('\nmodelgate: ')}`);
      return json(500, { error: 'modelgate could not start; its log says why.' });
    }
    const result = await deliver(started, event, context);
    if (Date.now() - lastSweep >= SWEEP_MS) {
      lastSweep = Date.now();
      await started.sweep();
    }
    return result;
  };

  return Object.assign(handler, {
    /** Closes the store (for tests; Lambda freezes and discards containers itself). */
    async close() {
      const started = await starting?.catch(() => null);
      starting = null;
      await started?.store.close();
    },
  });
}

async function deliver({ probot, receive }: Started, event: LambdaEvent, context: Context): Promise<LambdaResult> {
  const method = 'httpMethod' in event ? event.httpMethod : event.requestContext.http.method;
  const path = 'httpMethod' in event ? event.path : event.rawPath;
  if (method === 'GET' && path === '/probot') return receive(event, context);
  if (method !== 'POST') return json(405, { error: 'Webhook deliveries are POSTed.' });

  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const id = headers['x-github-delivery'];
  const name = headers['x-github-event'];
  const signature = headers['x-hub-signature-256'];
  const body = event.body == null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const source = 'httpMethod' in event ? event.requestContext?.identity?.sourceIp : event.requestContext.http.sourceIp;
  const refused = (status: number, reason: string) => {
    probot.log.warn(`Refused webhook delivery ${id || '(no id)'} (${name || 'no event'}) from ${source ?? 'unknown'}, ${Buffer.byteLength(body)} bytes: ${reason}`);
    return json(status, { error: reason });
  };
  if (!id || !name) return refused(400, 'X-GitHub-Event and X-GitHub-Delivery are required.');
  if (!signature) return refused(401, 'X-Hub-Signature-256 is missing.');
  if (!(await probot.webhooks.verify(body, signature).catch(() => false))) return refused(401, 'The signature does not match the payload and the webhook secret.');
  try {
    JSON.parse(body);
  } catch {
    return refused(400, 'The payload is not JSON.');
  }
  try {
    return await receive({ ...event, headers: { 'x-github-delivery': id, 'x-github-event': name, 'x-hub-signature-256': signature }, body, isBase64Encoded: false }, context);
  } catch (error) {
    // Probot has logged each handler's error; GitHub shows the delivery as failed, to redeliver.
    probot.log.error(`Webhook delivery ${id} (${name}) failed: ${(error as Error).message}`);
    return json(500, { error: 'The delivery could not be handled.' });
  }
}

function json(statusCode: number, body: object): LambdaResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The function's entry: `lib/lambda.handler`. */
export const handler: LambdaHandler = createHandler();
