import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { readArtifactZip, readEvaluationArtifact, type ArtifactEvaluation } from '../../../src/core/evaluation/artifact.js';
import { buildManifest, serializeManifest, type Manifest } from '../../../src/core/evaluation/manifest.js';
import { DEFAULT_ZIP_LIMITS } from '../../../src/core/evaluation/unzip.js';
import { MetricTable } from '../../../src/core/metrics/table.js';

const NAME = 'modelgate-eval-sentiment';
const COMMIT = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const METRICS = '{"eval": {"accuracy": 0.91, "f1": 0.88}, "loss": NaN}';
const PREDICTIONS = '{"id": "q1", "accuracy": 1}\n{"id": "q2", "accuracy": 0}\n';
const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    ...buildManifest({
      model: { name: 'sentiment', version: 'v3', source: 'card' },
      card: { path: 'models/sentiment/README.md', sha256: sha256('card') },
      commit: COMMIT,
      pullRequest: 7,
      metrics: { metrics: new MetricTable() },
      files: { metrics: { name: 'metrics.json', sha256: sha256(METRICS) }, predictions: { name: 'predictions.jsonl', sha256: sha256(PREDICTIONS) } },
      startedAt: new Date('2026-01-01T10:00:00Z'),
      finishedAt: new Date('2026-01-01T10:05:00Z'),
      exitCode: 0,
      runner: { os: 'Linux', arch: 'X64', name: 'GitHub Actions 2' },
    }),
    metrics: { 'eval.accuracy': 0.91, 'eval.f1': 0.88, loss: { invalid: 'NaN' } },
    ...overrides,
  };
}

function files(entries: Record<string, string>): Map<string, Uint8Array> {
  return new Map(Object.entries(entries).map(([name, text]) => [name, strToU8(text)]));
}

const complete = (m: Manifest = manifest()) =>
  files({ 'modelgate-eval.json': serializeManifest(m), 'metrics.json': METRICS, 'predictions.jsonl': PREDICTIONS });

function evaluationOf(result: ReturnType<typeof readEvaluationArtifact>): ArtifactEvaluation {
  if (!result.ok) throw new Error(`expected the artifact to read: ${result.error}`);
  return result.evaluation;
}

function errorOf(result: ReturnType<typeof readEvaluationArtifact>): string {
  if (result.ok) throw new Error('expected the artifact to be rejected');
  return result.error;
}

describe('readEvaluationArtifact', () => {
  it('reads the manifest, the metrics and the per-example results', () => {
    const evaluation = evaluationOf(readEvaluationArtifact(NAME, complete(), sha256));
    expect(evaluation.artifact).toBe(NAME);
    expect(evaluation.manifest).toEqual(manifest());
    expect(evaluation.metrics.file).toBe('metrics.json');
    expect(evaluation.metrics.format).toBe('json');
    expect(Object.fromEntries([...evaluation.metrics.metrics].map(([k, e]) => [k, e.value]))).toEqual({
      'eval.accuracy': { kind: 'number', value: 0.91 },
      'eval.f1': { kind: 'number', value: 0.88 },
      loss: { kind: 'invalid', raw: 'NaN' },
    });
    expect(evaluation.predictions?.file).toBe('predictions.jsonl');
    expect(Array.from(evaluation.predictions?.ids ?? [])).toEqual(['q1', 'q2']);
    expect([...(evaluation.predictions?.columns.get('accuracy') ?? [])]).toEqual([1, 0]);
  });

  it('reads an artifact without per-example results', () => {
    const m = manifest({ files: { metrics: { name: 'metrics.json', sha256: sha256(METRICS) }, predictions: null } });
    const evaluation = evaluationOf(readEvaluationArtifact(NAME, files({ 'modelgate-eval.json': serializeManifest(m), 'metrics.json': METRICS }), sha256));
    expect(evaluation.predictions).toBeNull();
  });

  it('a missing manifest is a clear error that lists what the artifact holds', () => {
    expect(errorOf(readEvaluationArtifact(NAME, files({ 'metrics.json': METRICS, 'notes.txt': 'hi' }), sha256))).toBe(
      "modelgate-eval-sentiment: The artifact has no modelgate-eval.json manifest (it holds 'metrics.json', 'notes.txt'). " +
        "Upload evaluation artifacts with modelgate's evaluate action (actions/evaluate), which writes it.",
    );
    expect(errorOf(readEvaluationArtifact(NAME, new Map(), sha256))).toContain('(it holds no files)');
  });

  it('an invalid manifest lists the schema issues', () => {
    const bad = { ...manifest(), commit: 'main', pull_request: -1 };
    const error = errorOf(readEvaluationArtifact(NAME, files({ 'modelgate-eval.json': JSON.stringify(bad), 'metrics.json': METRICS }), sha256));
    expect(error.startsWith('modelgate-eval-sentiment: modelgate-eval.json is not a valid evaluation manifest: ')).toBe(true);
    expect(error).toContain('commit: expected a full lowercase hex commit SHA');
    expect(error).toContain('pull_request: ');
  });

  it('a manifest that is not JSON says so', () => {
    expect(errorOf(readEvaluationArtifact(NAME, files({ 'modelgate-eval.json': 'not json' }), sha256))).toMatch(
      /^modelgate-eval-sentiment: modelgate-eval\.json is not valid JSON: .+\.$/,
    );
  });

  it('refuses a manifest for another model than the artifact is named for', () => {
    expect(errorOf(readEvaluationArtifact('modelgate-eval-fraud', complete(), sha256))).toBe(
      "modelgate-eval-fraud: The manifest is for model 'sentiment', whose artifact would be named 'modelgate-eval-sentiment'. " +
        "Each model's evaluation must be uploaded as its own artifact.",
    );
  });

  it('a metrics file the manifest names but the artifact lacks is an error', () => {
    const entries = complete();
    entries.delete('metrics.json');
    expect(errorOf(readEvaluationArtifact(NAME, entries, sha256))).toBe(
      "modelgate-eval-sentiment: modelgate-eval.json names 'metrics.json' as the metrics file, but the artifact does not hold it " +
        "(it holds 'modelgate-eval.json', 'predictions.jsonl').",
    );
  });

  it('refuses a metrics file that does not match its digest', () => {
    const entries = complete();
    entries.set('metrics.json', strToU8('{"eval": {"accuracy": 0.99}}'));
    expect(errorOf(readEvaluationArtifact(NAME, entries, sha256))).toBe(
      `modelgate-eval-sentiment: 'metrics.json' does not match the SHA-256 digest in modelgate-eval.json (${sha256(METRICS)}; ` +
        `the file's is ${sha256('{"eval": {"accuracy": 0.99}}')}). The file changed after the manifest was written.`,
    );
  });

  it('refuses per-example results that are missing or altered', () => {
    const missing = complete();
    missing.delete('predictions.jsonl');
    expect(errorOf(readEvaluationArtifact(NAME, missing, sha256))).toContain("names 'predictions.jsonl' as the per-example results file, but the artifact does not hold it");
    const altered = complete();
    altered.set('predictions.jsonl', strToU8('{"id": "q1", "accuracy": 0}\n'));
    expect(errorOf(readEvaluationArtifact(NAME, altered, sha256))).toContain("'predictions.jsonl' does not match the SHA-256 digest");
  });

  it('reports an unreadable metrics file with its position', () => {
    const broken = '{"accuracy": 0.91,';
    const m = manifest({ files: { metrics: { name: 'metrics.json', sha256: sha256(broken) }, predictions: null } });
    const error = errorOf(readEvaluationArtifact(NAME, files({ 'modelgate-eval.json': serializeManifest(m), 'metrics.json': broken }), sha256));
    expect(error).toMatch(/^modelgate-eval-sentiment: metrics\.json:1:\d+: Invalid JSON: .+/);
  });

  it('reports unreadable per-example results with their position', () => {
    const broken = '{"id": "q1", "accuracy": 1}\n{"id": "q1", "accuracy": 0}\n';
    const m = manifest({ files: { metrics: { name: 'metrics.json', sha256: sha256(METRICS) }, predictions: { name: 'predictions.jsonl', sha256: sha256(broken) } } });
    const entries = files({ 'modelgate-eval.json': serializeManifest(m), 'metrics.json': METRICS, 'predictions.jsonl': broken });
    expect(errorOf(readEvaluationArtifact(NAME, entries, sha256))).toBe(
      'modelgate-eval-sentiment: predictions.jsonl:2:1: The id "q1" appears twice (first on line 1). Each example needs a unique id to be paired.',
    );
  });
});

describe('readArtifactZip', () => {
  const zipOf = (entries: Map<string, Uint8Array>) => zipSync(Object.fromEntries(entries));

  it('unzips and reads a real artifact zip', () => {
    const evaluation = evaluationOf(readArtifactZip(NAME, zipOf(complete()), sha256));
    expect(evaluation.manifest.commit).toBe(COMMIT);
    expect(evaluation.metrics.metrics.size).toBe(3);
    expect(Array.from(evaluation.predictions?.ids ?? [])).toEqual(['q1', 'q2']);
  });

  it('names the artifact in zip errors', () => {
    const evil = zipSync({ ...Object.fromEntries(complete()), '../evil': strToU8('x') });
    expect(errorOf(readArtifactZip(NAME, evil, sha256))).toBe(
      "modelgate-eval-sentiment: Artifact zip entry '../evil' has an unsafe path (it climbs out of the artifact with ..).",
    );
  });

  it('applies the limits it is given', () => {
    expect(errorOf(readArtifactZip(NAME, zipOf(complete()), sha256, { ...DEFAULT_ZIP_LIMITS, maxEntries: 2 }))).toBe(
      'modelgate-eval-sentiment: The artifact zip has 3 entries, over the limit of 2.',
    );
  });

  it('a zip without a manifest is the missing-manifest error', () => {
    expect(errorOf(readArtifactZip(NAME, zipSync({ 'metrics.json': strToU8(METRICS) }), sha256))).toContain('The artifact has no modelgate-eval.json manifest');
  });
});
