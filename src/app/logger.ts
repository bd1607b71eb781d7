/**
 * The server's pino logger. Lines are JSON (LOG_FORMAT=json, the default when
 * NODE_ENV=production) or Probot's pretty format (LOG_FORMAT=pretty, the default elsewhere).
 * Every line has unique keys: Probot's child loggers repeat `name` (probot → event), which pino
 * writes twice, so each line is re-serialised before it is written (JSON.parse keeps the last).
 * A line written while a delivery is handled carries that delivery's id, event, installation,
 * repository and PR (see `withDeliveryContext`). Payloads and secrets are redacted by path.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Transform } from 'node:stream';
import { getTransformStream } from '@probot/pino';
import { pino, type Logger } from 'pino';

type Env = Record<string, string | undefined>;

/** What a log line says about the delivery being handled. */
export interface DeliveryFields {
  delivery: string;
  event: string;
  installation?: number | undefined;
  repo?: string | undefined;
  pr?: number | undefined;
}

const deliveryContext = new AsyncLocalStorage<DeliveryFields>();

/** Runs `fn` so that every line logged inside it (Probot's, Octokit's, the handlers') names the delivery. */
export function withDeliveryContext<T>(fields: DeliveryFields, fn: () => Promise<T>): Promise<T> {
  return deliveryContext.run(fields, fn);
}

/**
 * Where payloads and credentials could appear in what Probot and Octokit log: Probot logs
 * `{ event }` (with its payload) at debug, and failed handlers as errors carrying `event`.
 */
export const REDACTED_PATHS = [
  'payload',
  'event.payload',
  'err.event.payload',
  'err.errors[*].event.payload',
  'err.request.headers.authorization',
  'err.response.headers.authorization',
  'headers.authorization',
  'headers["x-hub-signature-256"]',
  'privateKey',
  'secret',
  'token',
];

export type LogFormat = 'json' | 'pretty';

export function logFormat(env: Env): LogFormat {
  const value = env['LOG_FORMAT']?.trim();
  if (value === 'json' || value === 'pretty') return value;
  return env['NODE_ENV'] === 'production' ? 'json' : 'pretty';
}

/** The server's root logger, writing to `out` (stdout by default). */
export async function createLogger(env: Env, out: NodeJS.WritableStream = process.stdout): Promise<Logger> {
  const format = logFormat(env);
  const unique = uniqueKeys();
  // Written through, not piped: piping adds listeners to stdout for every logger made (one per server in tests).
  const last = format === 'pretty' ? unique.pipe(await getTransformStream({ logFormat: 'pretty' })) : unique;
  last.on('data', (chunk: Buffer | string) => out.write(chunk));
  return pino(
    {
      level: env['LOG_LEVEL'] || 'info',
      messageKey: 'msg',
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // The delivery's fields first: what a line logs itself (and its bindings) are written after them and win.
      mixin: () => deliveryContext.getStore() ?? {},
    },
    unique,
  );
}

/** One JSON line in, the same line with each key once out (the last value of a repeated key wins). */
function uniqueKeys(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      const lines = text.split('\n').filter((line) => line !== '');
      const out = lines.map((line) => {
        try {
          return JSON.stringify(JSON.parse(line));
        } catch {
          return line;
        }
      });
      done(null, out.length > 0 ? `${out.join('\n')}\n` : '');
    },
  });
}
