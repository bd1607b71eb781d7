/**
 * What an evaluation workflow run's conclusion means for the evaluation check: a success gives
 * metrics to compare; these conclusions mean there are none, and the check mirrors them.
 */

export type FailedRunConclusion = 'failure' | 'timed_out' | 'cancelled';

export interface FailedRun {
  conclusion: FailedRunConclusion;
  /** How the run ended, in words: "failed", "timed out", … */
  verb: string;
}

const FAILED: Readonly<Record<string, FailedRun>> = {
  failure: { conclusion: 'failure', verb: 'failed' },
  timed_out: { conclusion: 'timed_out', verb: 'timed out' },
  cancelled: { conclusion: 'cancelled', verb: 'was cancelled' },
  startup_failure: { conclusion: 'failure', verb: 'could not start' },
};

/** The failure a run's conclusion reports, or null when it is not one (success, skipped, neutral, …). */
export function failedRun(conclusion: string | null): FailedRun | null {
  return conclusion !== null && Object.hasOwn(FAILED, conclusion) ? FAILED[conclusion]! : null;
}
