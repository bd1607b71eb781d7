/**
 * Evaluations: the manifest actions/evaluate writes, reading untrusted artifacts, the recorded
 * evaluation, and the decisions the App makes about a run (where its results belong, what they
 * are compared against, the verdict). Plain data in, plain data out.
 */
export {
  ARTIFACT_NAME_PREFIX,
  artifactName,
  buildManifest,
  MANIFEST_FILE,
  MANIFEST_SCHEMA_VERSION,
  ManifestMetricValueSchema,
  ManifestSchema,
  manifestMetrics,
  manifestMetricValue,
  MAX_MANIFEST_BYTES,
  parseManifest,
  serializeManifest,
  type ArtifactFile,
  type Manifest,
  type ManifestInput,
  type ManifestMetricValue,
  type ParseManifestResult,
} from './manifest.js';
export { DEFAULT_ZIP_LIMITS, readZip, unsafePathReason, type ZipLimits, type ZipReadResult } from './unzip.js';
export { readArtifactZip, readEvaluationArtifact, type ArtifactEvaluation, type ReadArtifactResult, type Sha256 } from './artifact.js';
export {
  EvaluationSchema,
  EvaluationStatusSchema,
  NewEvaluationSchema,
  StoredMetricsSchema,
  StoredMetricValueSchema,
  type Evaluation,
  type EvaluationStatus,
  type JsonValue,
  type NewEvaluation,
  type StoredMetrics,
  type StoredMetricValue,
} from './evaluation.js';
export { gateVerdict, newEvaluation, pullRequestRef, type RecordedRun } from './record.js';
export {
  chooseBaseline,
  emptyMetricSet,
  evaluationBaseline,
  evaluationMetricSet,
  isCardMetricSet,
  needsCardBaseline,
  noBaseline,
  type BaseCommit,
  type BaselineSources,
  type FoundBaseline,
  type StageBaseline,
} from './baseline.js';
export { cardsWithMetrics, type CardWithMetrics, type HeadCard } from './card-metrics.js';
export { evaluationsThatCount, failedRun, type FailedRun, type FailedRunConclusion } from './run-outcome.js';
export {
  commitProblems,
  destinationFromPull,
  destinationFromRunPulls,
  planDestination,
  runHasPulls,
  type DestinationLookup,
  type EvaluatedPull,
  type OpenPull,
  type RunDestination,
  type RunFacts,
} from './routing.js';
export { evaluationVerdict, type EvaluationVerdict, type ModelResult } from './verdict.js';
