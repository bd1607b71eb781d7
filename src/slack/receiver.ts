/**
 * Slack's requests on modelgate's own HTTP server: POST /slack/events, for slash commands and
 * interactivity (Bolt's receiver contract, so Bolt's listeners run unchanged).
 *
 * Order matters: the body is read up to a cap (a bigger one is refused unread), the signature and
 * timestamp are checked before anything is parsed, a retry of a request already taken is
 * answered without acting again, and the HTTP answer goes out as soon as a listener acks (or
 * after a short fallback), never after the work: Slack gives three seconds.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver } from '@slack/bolt';
import type { Log } from '../app/log.js';
import type { Deliveries } from '../store/index.js';
import { verifySlackSignature } from './verify.js';

/** Slack's own requests are a few KiB; a command's text is at most 4,000 characters. */
export const SLACK_MAX_BODY = 512 * 1024;
/** The answer is sent by then even if no listener has acked (Slack times out at 3 s). */
const ACK_FALLBACK_MS = 2500;

export const SLACK_EVENTS_PATH = '/slack/events';

export interface ReceiverOptions {
  signingSecret: string;
  store: Pick<Deliveries, 'claimDelivery'>;
  log: Log;
  now?: () => number;
  maxBody?: number;
}

export class SlackReceiver implements Receiver {
  private app: App | null = null;
  private readonly now: () => number;
  /** Work still running after its ack: a graceful stop waits for it. */
  private readonly inFlight = new Set<Promise<void>>();
  constructor(private readonly options: ReceiverOptions) {
    this.now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Handles POST /slack/events; false for any other request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.url?.split('?')[0] !== SLACK_EVENTS_PATH) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    const max = this.options.maxBody ?? SLACK_MAX_BODY;
    const body = await readCapped(req, max);
    if (body === null) {
      this.options.log.warn({ slack: 'refused', reason: 'too large', bytes: Number(req.headers['content-length'] ?? 0) || null }, 'Refused a Slack request over the size limit.');
      res.writeHead(413, { connection: 'close' }).end();
      req.destroy();
      return true;
    }
    const verdict = verifySlackSignature(this.options.signingSecret, { signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') }, body, this.now());
    if (!verdict.ok) {
      this.options.log.warn({ slack: 'refused', reason: verdict.reason, bytes: body.length, remote: req.socket.remoteAddress ?? null }, 'Refused a Slack request: its signature or timestamp is not valid.');
      res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
      return true;
    }
    const parsed = parseBody(body, header(req, 'content-type') ?? '');
    if (parsed === null) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unreadable body');
      return true;
    }
    if (parsed['type'] === 'url_verification' && typeof parsed['challenge'] === 'string') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: parsed['challenge'] }));
      return true;
    }
    // Slack retries a request it got no answer to in 3 s, byte for byte: the second one is
    // answered and dropped. (Double clicks are distinct requests; the service makes them one effect.)
    const key = `slack:${createHash('sha256').update(body).digest('hex')}`;
    if (!(await this.options.store.claimDelivery(key, 'slack'))) {
      res.writeHead(200).end();
      return true;
    }
    if (!this.app) {
      res.writeHead(503, { 'retry-after': '5' }).end();
      return true;
    }
    let answered = false;
    const answer = (response?: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(fallback);
      if (response === undefined || response === null || response === '') res.writeHead(200).end();
      else if (typeof response === 'string') res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(response);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
    };
    const fallback = setTimeout(() => {
      this.options.log.warn({ slack: 'late-ack' }, 'A Slack listener had not acknowledged in time; answered for it.');
      answer();
    }, ACK_FALLBACK_MS);
    const retry = header(req, 'x-slack-retry-num');
    const work = this.app
      .processEvent({
        body: parsed,
        ack: async (response?: unknown) => answer(response),
        ...(retry ? { retryNum: Number(retry) } : {}),
        ...(header(req, 'x-slack-retry-reason') ? { retryReason: header(req, 'x-slack-retry-reason')! } : {}),
        customProperties: {},
      })
      .catch((error: unknown) => {
        this.options.log.warn({ slack: 'error', error: (error as Error).message }, 'A Slack request failed.');
        answer();
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return true;
  }

  /** Waits for work still running after its ack (a graceful stop), up to `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs).unref()));
    while (this.inFlight.size > 0) {
      const settled = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => true), deadline.then(() => false)]);
      if (!settled) break;
    }
    clearTimeout(timer);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or null once it passes `max` bytes (then nothing more is read). */
export function readCapped(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Commands are form-encoded fields; interactivity is a form field `payload` holding JSON. */
function parseBody(body: Buffer, contentType: string): Record<string, unknown> | null {
  const text = body.toString('utf8');
  try {
    if (contentType.startsWith('application/json')) {
      const json: unknown = JSON.parse(text);
      return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
    }
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload !== null) {
      const json: unknown = JSON.parse(payload);
      return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
    }
    return Object.fromEntries(form);
  } catch {
    return null;
  }
}
