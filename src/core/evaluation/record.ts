import type { ManifestMetricValue } from './manifest.js';
import type { MetricsDiff } from '../metrics/index.js';
import type { NewEvaluation, StoredMetrics, StoredMetricValue } from './evaluation.js';
import type { ArtifactEvaluation } from './artifact.js';

/** The parts of a `workflow_run` payload an evaluation records. */
export interface RecordedRun {
  id: number;
  run_attempt?: number | null;
  html_url: string;
  head_sha: string;
  updated_at: string;
}

/**
 * One model's evaluation as the store keeps it. `ref` is a branch for runs on a branch (what
 * baselines are looked up by) and `refs/pull/<n>/head` for a pull request's run, so a fork's
 * branch named `main` can never become the base branch's baseline.
 */
export function newEvaluation(
  run: RecordedRun,
  repository: { id: number; full_name: string },
  evaluation: ArtifactEvaluation,
  where: { ref: string; pr: number | null; diff: MetricsDiff | null },
): NewEvaluation {
  const { manifest } = evaluation;
  return {
    repoId: repository.id,
    repoFullName: repository.full_name,
    model: manifest.model.name,
    modelVersion: manifest.model.version,
    sha: run.head_sha,
    ref: where.ref,
    pr: where.pr,
    runId: run.id,
    runAttempt: run.run_attempt ?? null,
    runUrl: run.html_url,
    status: 'success',
    metrics: storedMetrics(manifest.metrics),
    predictionsDigest: manifest.files.predictions?.sha256 ?? null,
    cardDigest: manifest.card?.sha256 ?? null,
    manifest,
    verdict: gateVerdict(where.diff),
    createdAt: new Date(run.updated_at),
  };
}

/** An evaluation's verdict: whether its gates passed, or null when no gate applied (nothing was judged). */
export function gateVerdict(diff: MetricsDiff | null): boolean | null {
  if (diff === null || diff.gates.pass + diff.gates.fail === 0) return null;
  return diff.gatesPassed;
}

export const pullRequestRef = (number: number): string => `refs/pull/${number}/head`;

function storedMetrics(metrics: Record<string, ManifestMetricValue>): StoredMetrics {
  // fromEntries defines own properties, so even a metric named `__proto__` is kept.
  return Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, storedValue(value)]));
}

function storedValue(value: ManifestMetricValue): StoredMetricValue {
  if (typeof value === 'number' || typeof value === 'string') return value;
  return value.invalid === 'null' ? null : { invalid: value.invalid };
}
