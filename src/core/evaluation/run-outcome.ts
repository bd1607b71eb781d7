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

/**
 * Of a run that did not succeed, the evaluations that still count. Each model is evaluated in
 * its own job and uploads its artifact only when its own command succeeded (its manifest says
 * exit code 0), so one model's failure does not void another's evaluation: baselines are per
 * model, not per run.
 */
export function evaluationsThatCount<T extends { manifest: { exit_code: number } }>(evaluations: readonly T[]): T[] {
  return evaluations.filter((e) => e.manifest.exit_code === 0);
}
