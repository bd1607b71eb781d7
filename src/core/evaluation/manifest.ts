import { z } from 'zod';
import { isSafeName, isSafeVersion } from '../cards/identity.js';
import type { MetricSet, MetricValue } from '../metrics/types.js';

/**
 * The manifest of one evaluation: which model, at which commit, with which metrics, run where
 * and when. actions/evaluate writes it as `modelgate-eval.json` next to the metrics (and
 * per-example results) in the artifact `modelgate-eval-<model>`; the App validates every
 * manifest it downloads against the same schema, since artifacts of fork PRs are untrusted.
 */

/** The manifest's file name in the artifact. */
export const MANIFEST_FILE = 'modelgate-eval.json';

/** Bumped on any change a reader of version 1 would misread; readers refuse newer versions. */
export const MANIFEST_SCHEMA_VERSION = 1;

/** Evaluation artifacts are named `modelgate-eval-<model>`; nothing else is ours. */
export const ARTIFACT_NAME_PREFIX = 'modelgate-eval-';

/**
 * A manifest is small: flattened metrics (at most 100,000, from a file of at most 10 MiB) and a
 * few fields. The cap keeps a hostile artifact from making a reader parse gigabytes.
 */
export const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

/** The artifact an evaluation of `model` (a safe name) is uploaded as. */
export function artifactName(model: string): string {
  return `${ARTIFACT_NAME_PREFIX}${model}`;
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256 digest (64 characters)');
const CommitSha = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full lowercase hex commit SHA');
const ModelName = z.string().refine(isSafeName, 'expected a model name: lowercase letters, digits, `.`, `_` and `-`, at most 64 characters');
const ModelVersion = z.string().refine(isSafeVersion, 'expected a version: letters, digits, `.`, `_` and `-`, at most 64 characters');
const Timestamp = z.iso.datetime({ error: 'expected an ISO 8601 UTC timestamp such as 2024-05-01T12:00:00.000Z' });

/** A file in the artifact: flat (no directories), so a reader looks it up by this exact name. */
const ArtifactFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a plain file name (letters, digits, `.`, `_`, `-`; no directories)')
  .refine((name) => name !== MANIFEST_FILE, `must not be ${MANIFEST_FILE}`);

/** A repository-relative path with forward slashes, never leaving the repository. */
const RepoPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '' || s === '.' || s === '..'), {
    error: 'expected a path relative to the repository root, with forward slashes and no `.` or `..` segments',
  });

const INVALID_RAW = ['NaN', 'Infinity', '-Infinity', 'null'] as const;

/**
 * One metric's value. JSON has no NaN or ±Infinity, so a metric the evaluation wrote as one of
 * those (or as null) is a marker object: it must stay visible, and fail any gate, rather than vanish.
 */
export const ManifestMetricValueSchema = z.union([z.number(), z.string(), z.strictObject({ invalid: z.enum(INVALID_RAW) })], {
  error: 'expected a finite number, a string, or {"invalid": "NaN" | "Infinity" | "-Infinity" | "null"}',
});
export type ManifestMetricValue = z.infer<typeof ManifestMetricValueSchema>;

const ArtifactFileSchema = z.strictObject({ name: ArtifactFileName, sha256: Sha256 });
export type ArtifactFile = z.infer<typeof ArtifactFileSchema>;

export const ManifestSchema = z.strictObject({
  schema_version: z.literal(MANIFEST_SCHEMA_VERSION),
  model: z.strictObject({
    name: ModelName,
    version: ModelVersion.nullable(),
    /** `card`: the card's `modelgate:` mapping; `folder`: the card's folder; `input`: named in the workflow. */
    source: z.enum(['card', 'folder', 'input']),
  }),
  /** The model card the evaluation is for, when the workflow named one. */
  card: z.strictObject({ path: RepoPath, sha256: Sha256 }).nullable(),
  /** The commit evaluated: a pull request's head commit, not the merge commit GitHub builds. */
  commit: CommitSha,
  pull_request: z.number().int().positive().nullable(),
  /** Flattened metric name → value, in the order of the metrics file. */
  metrics: z.record(z.string(), ManifestMetricValueSchema),
  /** The files uploaded next to the manifest, by their name in the artifact. */
  files: z.strictObject({ metrics: ArtifactFileSchema, predictions: ArtifactFileSchema.nullable() }),
  started_at: Timestamp,
  finished_at: Timestamp,
  exit_code: z.number().int(),
  /** What ran it, from RUNNER_OS, RUNNER_ARCH and RUNNER_NAME; null outside a runner. */
  runner: z.strictObject({ os: z.string().nullable(), arch: z.string().nullable(), name: z.string().nullable() }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A metric value as the manifest stores it. */
export function manifestMetricValue(value: MetricValue): ManifestMetricValue {
  switch (value.kind) {
    case 'number':
      return value.value;
    case 'invalid':
      return { invalid: value.raw };
    case 'text':
      return value.value;
  }
}

/** The flattened metrics of a metrics file, in file order. */
export function manifestMetrics(set: Pick<MetricSet, 'metrics'>): Record<string, ManifestMetricValue> {
  // fromEntries defines own properties, so even a metric named `__proto__` is kept.
  return Object.fromEntries(Array.from(set.metrics, ([key, entry]) => [key, manifestMetricValue(entry.value)]));
}

export interface ManifestInput {
  model: Manifest['model'];
  card: Manifest['card'];
  commit: string;
  pullRequest: number | null;
  metrics: Pick<MetricSet, 'metrics'>;
  files: Manifest['files'];
  startedAt: Date;
  finishedAt: Date;
  exitCode: number;
  runner: Manifest['runner'];
}

/** Assembles a manifest; the fields come in the order a person reading the file wants them. */
export function buildManifest(input: ManifestInput): Manifest {
  return {
    schema_version: MANIFEST_SCHEMA_VERSION,
    model: input.model,
    card: input.card,
    commit: input.commit,
    pull_request: input.pullRequest,
    metrics: manifestMetrics(input.metrics),
    files: input.files,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    exit_code: input.exitCode,
    runner: input.runner,
  };
}

/** The manifest file's text: indented for people, one trailing newline. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export type ParseManifestResult = { ok: true; manifest: Manifest } | { ok: false; error: string };

/** At most this many schema problems are listed; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

/**
 * Reads a manifest from an artifact. Never throws: anything that is not a valid manifest of a
 * version this code understands is an error naming the field and what was expected.
 */
export function parseManifest(content: string | Uint8Array): ParseManifestResult {
  const size = typeof content === 'string' ? content.length : content.byteLength;
  if (size > MAX_MANIFEST_BYTES) {
    return { ok: false, error: `${MANIFEST_FILE} is ${size} bytes, over the ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB limit.` };
  }
  let text: string;
  try {
    text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return { ok: false, error: `${MANIFEST_FILE} is not valid UTF-8.` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${MANIFEST_FILE} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.` };
  }
  const version = typeof data === 'object' && data !== null && 'schema_version' in data ? (data as { schema_version: unknown }).schema_version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > MANIFEST_SCHEMA_VERSION) {
    return {
      ok: false,
      error: `${MANIFEST_FILE} has schema_version ${version}, newer than this modelgate understands (${MANIFEST_SCHEMA_VERSION}). Update modelgate.`,
    };
  }
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
    const more = issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '';
    return { ok: false, error: `${MANIFEST_FILE} is not a valid evaluation manifest: ${listed.join('; ')}${more}.` };
  }
  return { ok: true, manifest: parsed.data };
}

/** `metrics["eval.accuracy"]`, `files.metrics.sha256`, or `(top level)`. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
