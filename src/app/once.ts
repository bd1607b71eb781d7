import type { Deliveries, DeliverySteps } from '../store/index.js';
import { openJournal, type Journal } from './journal.js';

/** The parts of a Probot context the wrapper uses. */
interface DeliveryContext {
  /** The X-GitHub-Delivery id: the same for every redelivery of one event. */
  id: string;
  name: string;
  payload: unknown;
  log: { info(obj: object, msg: string): void };
}

/**
 * Handles each webhook delivery once, across restarts and replicas: a redelivery (GitHub's
 * retry, or "Redeliver" in the App's settings) of a delivery already handled does nothing.
 * When the handler fails, the claim is released so a redelivery can try again. The handler gets
 * the delivery's journal: a retry (after a failure, or a crash after a GitHub write) repeats none
 * of the side effects an earlier attempt had (see journal.ts).
 */
export function once<C extends DeliveryContext>(
  store: Pick<Deliveries, 'claimDelivery' | 'releaseDelivery'> & DeliverySteps,
  handler: (context: C, journal: Journal) => Promise<void>,
): (context: C) => Promise<void> {
  return async (context) => {
    const action = (context.payload as { action?: unknown }).action;
    const event = typeof action === 'string' ? `${context.name}.${action}` : context.name;
    if (!(await store.claimDelivery(context.id, event))) {
      context.log.info({ delivery: context.id, event }, 'This delivery was already handled; ignoring the redelivery.');
      return;
    }
    try {
      await handler(context, await openJournal(store, context.id));
    } catch (error) {
      // Best effort: the handler's error is the one worth surfacing (Probot logs it).
      await store.releaseDelivery(context.id).catch(() => undefined);
      throw error;
    }
  };
}
