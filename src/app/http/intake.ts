/**
 * The webhook endpoint: verify, persist, acknowledge. A delivery is refused before its body is
 * read when its headers already say no (missing headers, a Content-Length over the cap), and
 * as soon as the cap is passed otherwise; a verified, well-formed delivery is written to the
 * inbox and answered 202 at once, and the workers handle it afterwards. Refusals are one warn
 * line (delivery id, event, remote address, size), never the payload.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Inbox } from '../../store/index.js';
import { readCappedBody } from './body.js';
import { checkDelivery, isHandled } from './delivery.js';
import type { Metrics, RefusalReason } from './metrics.js';
import { signatureMatches } from './signature.js';

export interface IntakeOptions {
  path: string;
  secret: string;
  maxBytes: number;
  inbox: Pick<Inbox, 'enqueueDelivery'>;
  /** The event.action pairs with handlers; other verified deliveries are acknowledged and dropped. */
  handled: readonly string[];
  metrics: Metrics;
  log: Logger;
  /** Called after a delivery is written, so a local worker takes it without waiting for its next poll. */
  onEnqueued: () => void;
}

export function intakeRoute(options: IntakeOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { metrics, log } = options;
  return async (req, res) => {
    if (req.url?.split('?')[0] !== options.path) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end('{"error":"POST a webhook delivery here"}');
      return true;
    }
    metrics.received.inc();
    const delivery = header(req, 'x-github-delivery');
    const event = header(req, 'x-github-event');
    const signature = header(req, 'x-hub-signature-256');
    const declared = Number(req.headers['content-length'] ?? NaN);
    const who = { delivery: delivery ?? null, event: event ?? null, remote: req.socket.remoteAddress ?? null };

    const refuse = (status: number, reason: RefusalReason, message: string, size: number | null, close: boolean) => {
      metrics.refused.inc({ reason });
      log.warn({ ...who, size, reason }, `Refused a webhook delivery: ${message}`);
      res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) }).end(JSON.stringify({ error: message }));
      // The rest of an unread body is never taken from the socket: the connection is closed once the answer is out.
      if (close) res.once('finish', () => req.destroy());
    };

    if (delivery === undefined || event === undefined || signature === undefined) {
      const missing = [delivery === undefined && 'X-GitHub-Delivery', event === undefined && 'X-GitHub-Event', signature === undefined && 'X-Hub-Signature-256'].filter(Boolean);
      refuse(400, 'missing_headers', `missing ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}`, Number.isFinite(declared) ? declared : null, true);
      return true;
    }
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      refuse(413, 'too_large', `the body (${declared} bytes) is over the ${options.maxBytes}-byte limit`, declared, true);
      return true;
    }
    const read = await readCappedBody(req, options.maxBytes, (n) => metrics.bodyBytes.inc(n));
    if (read.kind === 'too-large') {
      refuse(413, 'too_large', `the body is over the ${options.maxBytes}-byte limit`, read.read, true);
      return true;
    }
    if (read.kind === 'aborted') {
      refuse(400, 'aborted', 'the request was aborted before its body ended', read.read, true);
      return true;
    }
    const body = read.body;
    if (!signatureMatches(options.secret, body, signature)) {
      refuse(401, 'bad_signature', 'the signature does not match the body (check WEBHOOK_SECRET)', body.length, false);
      return true;
    }
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
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
