import { EXECUTION_STEPS, type ExecutionStep, type PromotionState } from './types.js';

/** Every legal move of a request; anything else is refused. */
const NEXT: Readonly<Record<PromotionState, readonly PromotionState[]>> = {
  requested: ['approved', 'rejected', 'expired', 'void'],
  // Approved requests are re-checked just before execution: changed evidence voids them, a
  // policy that can no longer be met fails them.
  approved: ['executing', 'void', 'failed'],
  executing: ['done', 'failed'],
  done: [],
  failed: [],
  rejected: [],
  expired: [],
  void: [],
};

export function canTransition(from: PromotionState, to: PromotionState): boolean {
  return NEXT[from].includes(to);
}

/** The states a request may move to `to` from (the store's compare-and-set condition). */
export function statesBefore(to: PromotionState): PromotionState[] {
  return (Object.keys(NEXT) as PromotionState[]).filter((from) => NEXT[from].includes(to));
}

export function isTerminal(state: PromotionState): boolean {
  return NEXT[state].length === 0;
}

/** The next execution step, given the steps already recorded; null when all are done. */
export function nextStep(done: ReadonlySet<ExecutionStep>): ExecutionStep | null {
  return EXECUTION_STEPS.find((step) => !done.has(step)) ?? null;
}
