/**
 * Reads one evaluation artifact (`modelgate-eval-<model>`, uploaded by actions/evaluate): its
 * manifest, its metrics and its optional per-example results. Artifacts of fork PRs are
 * untrusted, so everything is validated and nothing is executed: the zip is read in memory
 * under caps, the manifest against its schema, each file against the digest the manifest
 * records for it, and the metrics with the same reader the CLI uses. The SHA-256 function is
 * passed in (the core does no I/O and has no crypto of its own).
 */
import { artifactName, MANIFEST_FILE, parseManifest, type ArtifactFile, type Manifest } from './manifest.js';
import { truncate } from '../common/text.js';
import { DEFAULT_ZIP_LIMITS, readZip, type ZipLimits } from './unzip.js';
import { formatInputError, readMetrics, readPredictions, type MetricSet, type PredictionSet } from '../metrics/index.js';

export interface ArtifactEvaluation {
  /** The artifact's name, e.g. `modelgate-eval-sentiment`. */
  artifact: string;
  manifest: Manifest;
  metrics: MetricSet;
  predictions: PredictionSet | null;
}

/** `error` is plain text naming the artifact and the file: escape it wherever it is rendered as Markdown. */
/** SHA-256 of some bytes, as lowercase hex (node:crypto's, in the adapters). */
export type Sha256 = (bytes: Uint8Array) => string;

export type ReadArtifactResult = { ok: true; evaluation: ArtifactEvaluation } | { ok: false; error: string };

/** Unzips an artifact's bytes (as downloaded) and reads it. */
export function readArtifactZip(name: string, zip: Uint8Array, sha256: Sha256, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ReadArtifactResult {
  const unzipped = readZip(zip, limits);
  if (!unzipped.ok) return { ok: false, error: `${name}: ${unzipped.error}` };
  return readEvaluationArtifact(name, unzipped.entries, sha256);
}

/**
 * Reads an artifact's files, looked up by their exact names. The manifest is required and
 * names the metrics file (and the per-example results, if any); both must match the SHA-256
 * the manifest records. The artifact must be named after the manifest's model, so one
 * model's artifact cannot speak for another. Never throws.
 */
export function readEvaluationArtifact(name: string, entries: ReadonlyMap<string, Uint8Array>, sha256: Sha256): ReadArtifactResult {
  const fail = (error: string): ReadArtifactResult => ({ ok: false, error: `${name}: ${error}` });

  const manifestBytes = entries.get(MANIFEST_FILE);
  if (manifestBytes === undefined) {
    return fail(`The artifact has no ${MANIFEST_FILE} manifest (it holds ${describeFiles(entries)}). Upload evaluation artifacts with modelgate's evaluate action (actions/evaluate), which writes it.`);
  }
  const parsed = parseManifest(manifestBytes);
  if (!parsed.ok) return fail(parsed.error);
  const manifest = parsed.manifest;
  const expected = artifactName(manifest.model.name);
  if (name !== expected) {
    return fail(`The manifest is for model '${manifest.model.name}', whose artifact would be named '${expected}'. Each model's evaluation must be uploaded as its own artifact.`);
  }

  const metricsFile = verifiedFile(entries, manifest.files.metrics, 'metrics', sha256);
  if (!metricsFile.ok) return fail(metricsFile.error);
  const metrics = readMetrics(manifest.files.metrics.name, metricsFile.bytes);
  if (!metrics.ok) return fail(formatInputError(metrics.error));

  let predictions: PredictionSet | null = null;
  if (manifest.files.predictions !== null) {
    const file = verifiedFile(entries, manifest.files.predictions, 'per-example results', sha256);
    if (!file.ok) return fail(file.error);
    const read = readPredictions(manifest.files.predictions.name, file.bytes);
    if (!read.ok) return fail(formatInputError(read.error));
    predictions = read.value;
  }

  return { ok: true, evaluation: { artifact: name, manifest, metrics: metrics.value, predictions } };
}

function verifiedFile(
  entries: ReadonlyMap<string, Uint8Array>,
  file: ArtifactFile,
  role: string,
  sha256: Sha256,
): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const bytes = entries.get(file.name);
  if (bytes === undefined) {
    return { ok: false, error: `${MANIFEST_FILE} names '${file.name}' as the ${role} file, but the artifact does not hold it (it holds ${describeFiles(entries)}).` };
  }
  const digest = sha256(bytes);
  if (digest !== file.sha256) {
    return { ok: false, error: `'${file.name}' does not match the SHA-256 digest in ${MANIFEST_FILE} (${file.sha256}; the file's is ${digest}). The file changed after the manifest was written.` };
  }
  return { ok: true, bytes };
}

/** The files an artifact holds, for messages: a few names, then a count. */
function describeFiles(entries: ReadonlyMap<string, Uint8Array>): string {
  const names = [...entries.keys()];
  if (names.length === 0) return 'no files';
  const shown = names.slice(0, 5).map((n) => `'${truncate(n, 100)}'`).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}
