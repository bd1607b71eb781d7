/**
 * The server's Prometheus metrics (prom-client), on a registry of its own so two servers in one
 * process (tests) never share counters. The inbox gauges are read from the store at scrape time,
 * so every replica reports the shared inbox as it is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Inbox } from '../../store/index.js';

export type RefusalReason = 'missing_headers' | 'too_large' | 'over_budget' | 'bad_signature' | 'malformed' | 'aborted' | 'store_unavailable' | 'spill_unavailable';

export interface Metrics {
  readonly registry: Registry;
  received: Counter<never>;
  verified: Counter<'event'>;
  refused: Counter<'reason'>;
  bodyBytes: Counter<never>;
  enqueued: Counter<'event' | 'outcome'>;
  handlerDuration: Histogram<'event' | 'outcome'>;
  handlerFailures: Counter<'event' | 'final'>;
  validationDuration: Histogram<'outcome'>;
  githubCalls: Counter<'method' | 'status'>;
  rateLimitRemaining: Gauge<never>;
}

export function createMetrics(inbox: Pick<Inbox, 'inboxStats'> | null): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'modelgate_' });
  const registers = [registry];
  if (inbox !== null) {
    const stats = () => inbox.inboxStats();
    new Gauge({
      name: 'modelgate_inbox_depth',
      help: 'Deliveries in the inbox by state (pending includes leased; dead letters wait for a replay).',
      labelNames: ['state'],
      registers,
      async collect() {
        const s = await stats();
        this.set({ state: 'pending' }, s.pending);
        this.set({ state: 'leased' }, s.leased);
        this.set({ state: 'dead' }, s.dead);
      },
    });
    new Gauge({
      name: 'modelgate_inbox_oldest_due_age_seconds',
      help: 'Age of the oldest pending delivery that is due (0 when none is).',
      registers,
      async collect() {
        const s = await stats();
        this.set(s.oldestDueAt === null ? 0 : Math.max(0, (Date.now() - Date.parse(s.oldestDueAt)) / 1000));
      },
    });
  }
  return {
    registry,
    received: new Counter({ name: 'modelgate_webhook_deliveries_received_total', help: 'Requests to the webhook endpoint.', registers }),
    verified: new Counter({ name: 'modelgate_webhook_deliveries_verified_total', help: 'Deliveries whose signature verified, by event.', labelNames: ['event'], registers }),
    refused: new Counter({ name: 'modelgate_webhook_deliveries_refused_total', help: 'Deliveries refused, by reason.', labelNames: ['reason'], registers }),
    bodyBytes: new Counter({ name: 'modelgate_webhook_body_bytes_read_total', help: 'Bytes of webhook request bodies read from sockets.', registers }),
    enqueued: new Counter({
      name: 'modelgate_webhook_deliveries_enqueued_total',
      help: 'Verified deliveries by what the intake did: accepted into the inbox, duplicate (a redelivery), ignored (no handler).',
      labelNames: ['event', 'outcome'],
      registers,
    }),
    handlerDuration: new Histogram({
      name: 'modelgate_handler_duration_seconds',
      help: 'Time to handle one delivery taken from the inbox, by event and outcome.',
      labelNames: ['event', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    handlerFailures: new Counter({
      name: 'modelgate_handler_failures_total',
      help: 'Failed handling attempts by event; final="true" when the delivery became a dead letter.',
      labelNames: ['event', 'final'],
      registers,
    }),
    validationDuration: new Histogram({
      name: 'modelgate_card_validation_duration_seconds',
      help: 'Time to validate one model card (the card check, and the registration of merged versions), by outcome: valid, or invalid (errors found).',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    githubCalls: new Counter({ name: 'modelgate_github_api_calls_total', help: 'GitHub API requests made, by method and status.', labelNames: ['method', 'status'], registers }),
    rateLimitRemaining: new Gauge({ name: 'modelgate_github_rate_limit_remaining', help: 'x-ratelimit-remaining of the latest GitHub API response.', registers }),
  };
}

/** GET /metrics in the Prometheus text format; with a token, only for `Authorization: Bearer <token>`. */
export function metricsRoute(metrics: Metrics, token: string | undefined): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return false;
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('A bearer token is required.\n');
      return true;
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(body);
    return true;
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
