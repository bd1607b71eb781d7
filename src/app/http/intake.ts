/**
 * The webhook endpoint: verify, persist, acknowledge. A delivery is refused before its body is
 * read when its headers already say no (missing headers, a signature not of the sha256=<hex>
 * form, a Content-Length over the cap or over what the budget of unverified bytes has left),
 * and as soon as the cap or the budget is passed otherwise; the signature is computed as the
 * body arrives. A verified, well-formed delivery is written to the inbox and answered 202 once
 * it is committed, and the workers handle it afterwards. Refusals are one warn line (delivery
 * id, event, remote address, size), never the payload.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Inbox } from '../../store/index.js';
import { parseSignature, readSignedBody, type SpillOptions, type UnverifiedBytes } from './body.js';
import { checkDelivery, isHandled } from './delivery.js';
import type { Metrics, RefusalReason } from './metrics.js';

/**
 * Requests the intake is working on, so that the inbox's workers give way to them: the workers
 * share this event loop, and a handler step (parsing a payload, validating cards, rendering) run
 * while a burst of deliveries arrives delays every acknowledgement behind it. `quiet()` resolves
 * once no request is in flight (or after `maxWaitMs`, so a steady stream never starves the
 * workers); the workers await it before they take a delivery and between a handler's steps.
 */
export class IntakeActivity {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly maxWaitMs = 1000) {}

  enter(): void {
    this.inFlight += 1;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0 && this.waiters.length > 0) {
      // After the poll phase: requests whose bytes came in the same turn are counted first.
      setImmediate(() => this.inFlight === 0 && this.wake());
    }
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  quiet(): Promise<void> {
    // Always a macrotask away: a caller that loops on it lets pending I/O (new requests) in.
    if (this.inFlight === 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.maxWaitMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** What a 503 for a full budget suggests: bursts of unverified bytes pass within seconds. */
const BUSY_RETRY_AFTER_S = 10;

export interface IntakeOptions {
  path: string;
  secret: string;
  maxBytes: number;
  /** The process-wide budget of body bytes read but not yet verified (WEBHOOK_MAX_INFLIGHT_BYTES). */
  unverified: UnverifiedBytes;
  /** Where unverified bodies past their first part wait for their signature (WEBHOOK_SPILL_DIR). */
  spill: SpillOptions;
  inbox: Pick<Inbox, 'enqueueDelivery'>;
  /** The event.action pairs with handlers; other verified deliveries are acknowledged and dropped. */
  handled: readonly string[];
  metrics: Metrics;
  log: Logger;
  /** Called after a delivery is written, so a local worker takes it without waiting for its next poll. */
  onEnqueued: () => void;
  /** Counts the webhook requests in flight, for the workers to give way to (see IntakeActivity). */
  activity?: IntakeActivity;
}

export function intakeRoute(options: IntakeOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { metrics, log } = options;
  return async (req, res) => {
    if (req.url?.split('?')[0] !== options.path) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end('{"error":"POST a webhook delivery here"}');
      return true;
    }
    const activity = options.activity;
    if (activity === undefined) return handle(req, res);
    activity.enter();
    try {
      return await handle(req, res);
    } finally {
      activity.leave();
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    metrics.received.inc();
    const delivery = header(req, 'x-github-delivery');
    const event = header(req, 'x-github-event');
    const signature = header(req, 'x-hub-signature-256');
    const declared = Number(req.headers['content-length'] ?? NaN);
    const who = { delivery: delivery ?? null, event: event ?? null, remote: req.socket.remoteAddress ?? null };

    const refuse = (status: number, reason: RefusalReason, message: string, size: number | null, close: boolean, headers: Record<string, string> = {}) => {
      metrics.refused.inc({ reason });
      log.warn({ ...who, size, reason }, `Refused a webhook delivery: ${message}`);
      res.writeHead(status, { 'content-type': 'application/json', ...headers, ...(close ? { connection: 'close' } : {}) }).end(JSON.stringify({ error: message }));
      // The rest of an unread body is never taken from the socket: the connection is closed once the answer is out.
      if (close) res.once('finish', () => req.destroy());
    };

    if (delivery === undefined || event === undefined || signature === undefined) {
      const missing = [delivery === undefined && 'X-GitHub-Delivery', event === undefined && 'X-GitHub-Event', signature === undefined && 'X-Hub-Signature-256'].filter(Boolean);
      refuse(400, 'missing_headers', `missing ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}`, Number.isFinite(declared) ? declared : null, true);
      return true;
    }
    const expected = parseSignature(signature);
    if (expected === null) {
      refuse(401, 'bad_signature', 'the X-Hub-Signature-256 header is not sha256=<64 hex digits>', Number.isFinite(declared) ? declared : null, true);
      return true;
    }
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      refuse(413, 'too_large', `the body (${declared} bytes) is over the ${options.maxBytes}-byte limit`, declared, true);
      return true;
    }
    const busy = (size: number) =>
      // GitHub does not retry a failed delivery by itself: the operator redelivers it (README, Webhook intake).
      refuse(503, 'over_budget', `too many unverified webhook bytes in flight (WEBHOOK_MAX_INFLIGHT_BYTES=${options.unverified.limit}); redeliver later`, size, true, { 'retry-after': String(BUSY_RETRY_AFTER_S) });
    const reserved = Number.isFinite(declared) ? declared : 0;
    if (!options.unverified.reserve(reserved)) {
      busy(declared);
      return true;
    }
    const read = await readSignedBody(req, { secret: options.secret, expected, maxBytes: options.maxBytes, budget: options.unverified, reserved, spill: options.spill, onBytes: (n) => metrics.bodyBytes.inc(n) });
    switch (read.kind) {
      case 'too-large':
        refuse(413, 'too_large', `the body is over the ${options.maxBytes}-byte limit`, read.read, true);
        return true;
      case 'over-budget':
        busy(read.read);
        return true;
      case 'aborted':
        refuse(400, 'aborted', 'the request was aborted before its body ended', read.read, true);
        return true;
      case 'mismatch':
        refuse(401, 'bad_signature', 'the signature does not match the body (check WEBHOOK_SECRET)', read.read, false);
        return true;
      case 'spill-failed':
        // The operator's problem (a full or unwritable WEBHOOK_SPILL_DIR), not the sender's: logged as an error, and redeliverable.
        log.error({ ...who, error: read.message }, 'Could not write a webhook body to its temp file (WEBHOOK_SPILL_DIR).');
        refuse(503, 'spill_unavailable', 'the server could not hold the body until its signature was checked; redeliver later', read.read, true, { 'retry-after': '30' });
        return true;
    }
    const body = read.body;
    metrics.verified.inc({ event });

    const raw = body.toString('utf8');
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      refuse(400, 'malformed', 'the body is not JSON', body.length, false);
      return true;
    }
    const action = typeof payload === 'object' && payload !== null ? (payload as { action?: unknown }).action : undefined;
    if (event === 'ping') {
      metrics.enqueued.inc({ event, outcome: 'ignored' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"pong"}');
      return true;
    }
    if (!isHandled(options.handled, event, action)) {
      metrics.enqueued.inc({ event, outcome: 'ignored' });
      log.debug({ ...who, action: typeof action === 'string' ? action : null }, 'No handler for this event; acknowledged and dropped.');
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"ignored"}');
      return true;
    }
    const checked = checkDelivery(delivery, event, payload, raw);
    if (!checked.ok) {
      refuse(400, 'malformed', checked.reason, body.length, false);
      return true;
    }
    let fresh: boolean;
    try {
      fresh = await options.inbox.enqueueDelivery(checked.delivery);
    } catch (error) {
      // Not acknowledged: GitHub shows the delivery as failed and it can be redelivered.
      metrics.refused.inc({ reason: 'store_unavailable' });
      log.error({ ...who, error: (error as Error).message }, 'Could not write a webhook delivery to the inbox.');
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '30' }).end('{"error":"the inbox is unavailable; redeliver later"}');
      return true;
    }
    metrics.enqueued.inc({ event, outcome: fresh ? 'accepted' : 'duplicate' });
    const d = checked.delivery;
    log.info({ ...who, action: d.action, installation: d.installationId, repo: d.repo, pr: d.pr, size: body.length, duplicate: !fresh }, fresh ? 'Accepted a webhook delivery.' : 'A redelivery of a delivery already in the inbox; acknowledged.');
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: fresh ? 'accepted' : 'duplicate' }));
    if (fresh) options.onEnqueued();
    return true;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
