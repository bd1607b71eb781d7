/**
 * GET /healthz: the process is alive and answering (no I/O, so a slow database never gets a
 * healthy process restarted). GET /readyz: this replica can do its work: the store answers
 * within a deadline, its schema is the one this modelgate knows, and the inbox is not stuck
 * (the oldest due delivery has waited less than `stuckAfterMs`). 503 with the failed checks otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LATEST_SCHEMA_VERSION } from '../../store/migrations.js';
import type { Inbox } from '../../store/index.js';

type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

const isGet = (req: IncomingMessage, path: string) => (req.method === 'GET' || req.method === 'HEAD') && req.url?.split('?')[0] === path;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

export const healthzRoute: Route = (req, res) => {
  if (!isGet(req, '/healthz')) return false;
  json(res, 200, { status: 'ok' });
  return true;
};

export interface ReadinessOptions {
  store: Pick<Inbox, 'schemaVersion' | 'inboxStats'>;
  stuckAfterMs: number;
  /** How long the store may take to answer. */
  timeoutMs: number;
  now?: () => number;
}

export function readyzRoute(options: ReadinessOptions): Route {
  const now = options.now ?? Date.now;
  return async (req, res) => {
    if (!isGet(req, '/readyz')) return false;
    const checks: Record<string, string> = {};
    try {
      const [version, stats] = await withTimeout(Promise.all([options.store.schemaVersion(), options.store.inboxStats()]), options.timeoutMs);
      checks['store'] = 'ok';
      checks['migrations'] = version === LATEST_SCHEMA_VERSION ? 'ok' : `schema version ${version}, expected ${LATEST_SCHEMA_VERSION}`;
      const waited = stats.oldestDueAt === null ? 0 : now() - Date.parse(stats.oldestDueAt);
      checks['inbox'] = waited < options.stuckAfterMs ? 'ok' : `stuck: the oldest due delivery has waited ${Math.round(waited / 1000)} s`;
    } catch (error) {
      checks['store'] = `unavailable: ${(error as Error).message}`;
    }
    const ready = Object.values(checks).every((c) => c === 'ok') && checks['store'] === 'ok';
    json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    return true;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
