/**
 * The inbox's workers: take a delivery (a lease in the store), run the App's handlers on it,
 * then complete it, or record the failure to be retried with exponential backoff, until the
 * last attempt makes it a dead letter (`modelgate deliveries replay <id>` brings it back).
 * A bounded number run at once, and the store bounds each installation's share and keeps one
 * PR's deliveries in order. Leases are renewed while a handler runs; a replica that dies stops
 * renewing, and another takes the delivery over when the lease expires.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Deliveries, Inbox, TakenDelivery } from '../../store/index.js';
import type { Metrics } from '../http/metrics.js';
import { withDeliveryContext } from '../logger.js';

export interface WorkerSettings {
  /** Deliveries handled at once by this process. */
  concurrency: number;
  /** Deliveries of one installation handled at once (across the replicas sharing the store). */
  perInstallation: number;
  /** How long a taken delivery is held without renewal before another worker may take it over. */
  leaseMs: number;
  /** How often the inbox is looked at when nothing nudged the workers. */
  pollMs: number;
  /** Attempts before a delivery becomes a dead letter. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  concurrency: 8,
  perInstallation: 2,
  leaseMs: 120_000,
  pollMs: 1000,
  maxAttempts: 5,
  backoffMs: 10_000,
  maxBackoffMs: 600_000,
};

export interface WorkerDependencies {
  inbox: Pick<Inbox, 'takeDelivery' | 'renewLease' | 'completeDelivery' | 'failDelivery' | 'releaseLeases'> & Pick<Deliveries, 'releaseDelivery'>;
  /** Runs the handlers (Probot's `receive`); throws when one failed. */
  handle: (delivery: { id: string; name: string; payload: unknown }) => Promise<void>;
  settings: WorkerSettings;
  metrics: Metrics;
  log: Logger;
  now?: () => Date;
  /**
   * Resolves when the workers may go on (the intake has no request in flight: see
   * IntakeActivity): awaited before a delivery is taken and before its handlers run, so that
   * acknowledging a burst of deliveries comes first. Default: at once.
   */
  giveWay?: () => Promise<void>;
}

/** The delay before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoffDelay(attempts: number, settings: Pick<WorkerSettings, 'backoffMs' | 'maxBackoffMs'>): number {
  return Math.min(settings.backoffMs * 2 ** Math.max(0, attempts - 1), settings.maxBackoffMs);
}

export class InboxWorker {
  /** This process's name on its leases. */
  readonly owner = `worker-${randomUUID()}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private filling: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(private readonly deps: WorkerDependencies) {}

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.deps.settings.pollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Looks at the inbox now (after an enqueue, or when a slot frees up). */
  nudge(): void {
    if (this.stopping) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill().finally(() => {
      this.filling = null;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  /** How many deliveries this process is handling. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Stops taking deliveries, waits up to `deadlineMs` for those in flight, then gives the rest
   * back to the inbox (their attempt not counted) for another replica or the next start.
   */
  async stop(deadlineMs: number): Promise<{ finished: number; released: number }> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.filling;
    const waiting = this.inFlight.size;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), new Promise((r) => (timeout = setTimeout(r, deadlineMs)))]);
    clearTimeout(timeout);
    const left = this.inFlight.size;
    const released = left > 0 ? await this.deps.inbox.releaseLeases(this.owner) : 0;
    if (left > 0) this.deps.log.warn({ released, unfinished: left }, `Shutdown deadline passed: gave ${released} unfinished deliveries back to the inbox.`);
    return { finished: waiting - left, released };
  }

  private async fill(): Promise<void> {
    const { settings, inbox, log } = this.deps;
    while (!this.stopping && this.inFlight.size < settings.concurrency) {
      let taken: TakenDelivery | null;
      await this.deps.giveWay?.();
      if (this.stopping) return;
      try {
        taken = await inbox.takeDelivery({ owner: this.owner, leaseMs: settings.leaseMs, perInstallation: settings.perInstallation });
      } catch (error) {
        log.warn({ error: (error as Error).message }, 'Could not take a delivery from the inbox; trying again at the next poll.');
        return;
      }
      if (taken === null) return;
      const delivery = taken;
      const run = this.run(delivery).finally(() => {
        this.inFlight.delete(delivery.id);
        this.nudge();
      });
      this.inFlight.set(delivery.id, run);
    }
  }

  private async run(d: TakenDelivery): Promise<void> {
    const { inbox, settings, metrics } = this.deps;
    const now = this.deps.now ?? (() => new Date());
    const fields = { delivery: d.id, event: d.action ? `${d.event}.${d.action}` : d.event, installation: d.installationId ?? undefined, repo: d.repo ?? undefined, pr: d.pr ?? undefined };
    const log = this.deps.log;
    await withDeliveryContext(fields, async () => {
      const renew = setInterval(() => {
        inbox.renewLease(d.id, this.owner, settings.leaseMs).then(
          (held) => held || log.warn({ attempt: d.attempts }, 'Lost the lease on a delivery being handled (another worker may take it over).'),
          (error: unknown) => log.warn({ error: (error as Error).message }, 'Could not renew a delivery lease.'),
        );
      }, Math.max(50, Math.floor(settings.leaseMs / 3)));
      renew.unref();
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        // An attempt after the first follows one that failed or was cut short (a crash): the
        // handlers' own once-per-delivery claim must not refuse it.
        if (d.attempts > 1) await inbox.releaseDelivery(d.id);
        await this.deps.giveWay?.();
        await this.deps.handle({ id: d.id, name: d.event, payload: JSON.parse(d.payload) as unknown });
        clearInterval(renew);
        await inbox.completeDelivery(d.id, this.owner);
        metrics.handlerDuration.observe({ event: fields.event, outcome: 'success' }, seconds());
        log.info({ attempt: d.attempts, seconds: seconds() }, 'Handled a webhook delivery.');
      } catch (error) {
        clearInterval(renew);
        const final = d.attempts >= settings.maxAttempts;
        const message = describe(error);
        metrics.handlerDuration.observe({ event: fields.event, outcome: 'failure' }, seconds());
        metrics.handlerFailures.inc({ event: fields.event, final: String(final) });
        const retryAt = final ? null : new Date(now().getTime() + backoffDelay(d.attempts, settings));
        try {
          await inbox.failDelivery(d.id, this.owner, { error: message, retryAt });
        } catch (storeError) {
          log.error({ error: (storeError as Error).message }, 'Could not record a failed delivery; its lease will expire and it will be retried.');
          return;
        }
        if (final) log.error({ attempt: d.attempts, error: message }, `Handling failed ${d.attempts} times: the delivery is a dead letter (modelgate deliveries replay ${d.id}).`);
        else log.warn({ attempt: d.attempts, error: message, retryAt: retryAt!.toISOString() }, 'Handling failed; the delivery will be retried.');
      }
    });
  }
}

/** One line for the operator: the handlers' errors (Probot gathers them in an AggregateError). */
function describe(error: unknown): string {
  const errors = (error as { errors?: unknown } | null)?.errors;
  const all = Array.isArray(errors) && errors.length > 0 ? errors : [error];
  return all.map((e) => (e as { message?: unknown } | null)?.message ?? String(e)).map(String).join('; ');
}
