import type { DeliverySteps } from '../store/index.js';

/**
 * What handling one webhook delivery has done on GitHub so far, so that every side effect
 * happens once per delivery even when the delivery is handled again: a worker killed after a
 * GitHub write and before the delivery was marked done, a failed attempt retried, GitHub's
 * redelivery of a delivery whose handler failed. Each step's result (a check run's id) is
 * recorded in the store right after the step; a later attempt finds it there. A crash can
 * still fall between the write and its record, so on a later attempt (`resumed`) a step that
 * has no record first looks on GitHub for what the earlier attempt may have left (see `journaled`).
 * A first attempt costs no GitHub request more than before: one store read and one write per
 * step.
 */
export interface Journal {
  /** The delivery being handled (it marks our check runs: see `externalIdFor`); null outside a delivery. */
  readonly deliveryId: string | null;
  /** Whether an earlier attempt of this delivery began: its effects may be on GitHub without a record. */
  readonly resumed: boolean;
  /** When the delivery's first attempt began (its effects are no older); null outside a delivery. */
  readonly begunAt: Date | null;
  /** The recorded value of a step; null when the step has no record. */
  recalled(step: string): number | null;
  /** Records a step's value; the first record wins (returned). */
  record(step: string, value: number): Promise<number>;
}

/** The step every handling records first, with the time in seconds: a delivery that has it has been begun before. */
export const BEGUN_STEP = 'begun';

/**
 * The journal of a delivery about to be handled: its recorded steps, read once; the first
 * attempt marks the delivery as begun.
 */
export async function openJournal(store: DeliverySteps, deliveryId: string, now: () => Date = () => new Date()): Promise<Journal> {
  const steps = await store.deliverySteps(deliveryId);
  const resumed = steps.has(BEGUN_STEP);
  if (!resumed) steps.set(BEGUN_STEP, await store.recordDeliveryStep({ deliveryId, step: BEGUN_STEP, value: Math.floor(now().getTime() / 1000) }));
  return {
    deliveryId,
    resumed,
    begunAt: new Date(steps.get(BEGUN_STEP)! * 1000),
    recalled: (step) => steps.get(step) ?? null,
    async record(step, value) {
      const stored = await store.recordDeliveryStep({ deliveryId, step, value });
      steps.set(step, stored);
      return stored;
    },
  };
}

/**
 * The journal of work done outside any delivery (a flow called directly): nothing was done
 * before it, and nothing needs remembering after it.
 */
export function freshJournal(): Journal {
  const steps = new Map<string, number>();
  return {
    deliveryId: null,
    resumed: false,
    begunAt: null,
    recalled: (step) => steps.get(step) ?? null,
    record: (step, value) => {
      if (!steps.has(step)) steps.set(step, value);
      return Promise.resolve(steps.get(step)!);
    },
  };
}

/**
 * Runs one side-effecting step of a delivery once: its recorded value when an earlier attempt
 * recorded it; else, on a resumed delivery, what `find` finds on GitHub (the earlier attempt
 * may have crashed between the write and its record); else `act`, recorded right after.
 * `again` tells whether the effect was already there (the caller may still have to finish it).
 */
export async function journaled(
  journal: Journal,
  step: string,
  effect: { act: () => Promise<number>; find?: () => Promise<number | null> },
): Promise<{ value: number; again: boolean }> {
  const recalled = journal.recalled(step);
  if (recalled !== null) return { value: recalled, again: true };
  if (journal.resumed && effect.find) {
    const found = await effect.find();
    if (found !== null) return { value: await journal.record(step, found), again: true };
  }
  const value = await effect.act();
  return { value: await journal.record(step, value), again: false };
}
