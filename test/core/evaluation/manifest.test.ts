import { describe, expect, it } from '@jest/globals';
import {
  artifactName,
  buildManifest,
  ManifestSchema,
  manifestMetrics,
  MAX_MANIFEST_BYTES,
  parseManifest,
  serializeManifest,
  type Manifest,
  type ManifestInput,
} from '../../../src/core/evaluation/manifest.js';
import { readMetrics } from '../../../src/core/metrics/index.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const DIGEST = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function metricsOf(text: string, file = 'metrics.json') {
  const read = readMetrics(file, text);
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

const input = (overrides: Partial<ManifestInput> = {}): ManifestInput => ({
  model: { name: 'sentiment', version: 'v3', source: 'card' },
  card: { path: 'models/sentiment/README.md', sha256: DIGEST },
  commit: SHA,
  pullRequest: 7,
  metrics: metricsOf('{"eval": {"accuracy": 0.91, "loss": NaN}, "best": Infinity, "worst": -Infinity, "missing": null, "note": "ok"}'),
  files: { metrics: { name: 'metrics.json', sha256: DIGEST }, predictions: { name: 'predictions.jsonl', sha256: DIGEST } },
  startedAt: new Date('2024-05-01T12:00:00.000Z'),
  finishedAt: new Date('2024-05-01T12:10:00.250Z'),
  exitCode: 0,
  runner: { os: 'Linux', arch: 'X64', name: 'gpu-runner-1' },
  ...overrides,
});

const valid = (): Manifest => buildManifest(input());

describe('buildManifest', () => {
  it('assembles every field, metrics flattened in file order, non-finite values as markers', () => {
    const manifest = valid();
    expect(manifest).toEqual({
      schema_version: 1,
      model: { name: 'sentiment', version: 'v3', source: 'card' },
      card: { path: 'models/sentiment/README.md', sha256: DIGEST },
      commit: SHA,
      pull_request: 7,
      metrics: {
        'eval.accuracy': 0.91,
        'eval.loss': { invalid: 'NaN' },
        best: { invalid: 'Infinity' },
        worst: { invalid: '-Infinity' },
        missing: { invalid: 'null' },
        note: 'ok',
      },
      files: { metrics: { name: 'metrics.json', sha256: DIGEST }, predictions: { name: 'predictions.jsonl', sha256: DIGEST } },
      started_at: '2024-05-01T12:00:00.000Z',
      finished_at: '2024-05-01T12:10:00.250Z',
      exit_code: 0,
      runner: { os: 'Linux', arch: 'X64', name: 'gpu-runner-1' },
    });
    expect(Object.keys(manifest.metrics)).toEqual(['eval.accuracy', 'eval.loss', 'best', 'worst', 'missing', 'note']);
    expect(ManifestSchema.safeParse(manifest).success).toBe(true);
  });

  it('percent strings are stored as the fraction they were read as', () => {
    expect(manifestMetrics(metricsOf('metric,value\naccuracy,67.5%\n', 'm.csv'))).toEqual({ accuracy: 0.675 });
  });

  it('keeps a metric named __proto__ as an own key', () => {
    const metrics = manifestMetrics(metricsOf('{"__proto__": 0.5, "a": 1}'));
    expect(Object.keys(metrics)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(metrics)).toBe('{"__proto__":0.5,"a":1}');
  });

  it('serializes with two-space indentation and a trailing newline, and reads back equal', () => {
    const manifest = valid();
    const text = serializeManifest(manifest);
    expect(text.startsWith('{\n  "schema_version": 1,\n  "model": {\n    "name": "sentiment",')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseManifest(text)).toEqual({ ok: true, manifest });
    expect(parseManifest(new TextEncoder().encode(text))).toEqual({ ok: true, manifest });
  });
});

describe('artifactName', () => {
  it('prefixes the model name', () => {
    expect(artifactName('fraud.v2')).toBe('modelgate-eval-fraud.v2');
  });
});

describe('parseManifest', () => {
  const withChange = (change: (m: Record<string, unknown>) => void): string => {
    const m = JSON.parse(JSON.stringify(valid())) as Record<string, unknown>;
    change(m);
    return JSON.stringify(m);
  };
  const error = (text: string | Uint8Array): string => {
    const result = parseManifest(text);
    if (result.ok) throw new Error('expected an invalid manifest');
    return result.error;
  };

  it('accepts a manifest without card or predictions, and with null runner fields', () => {
    const manifest = buildManifest(
      input({ model: { name: 'x', version: null, source: 'input' }, card: null, pullRequest: null, files: { metrics: { name: 'metrics', sha256: DIGEST }, predictions: null }, runner: { os: null, arch: null, name: null } }),
    );
    expect(parseManifest(serializeManifest(manifest))).toEqual({ ok: true, manifest });
  });

  it('refuses text that is not JSON, not UTF-8, or too large', () => {
    expect(error('{"schema_version": 1,')).toMatch(/^modelgate-eval\.json is not valid JSON: .+\.$/);
    expect(error(new Uint8Array([0x7b, 0xff, 0x7d]))).toBe('modelgate-eval.json is not valid UTF-8.');
    expect(error(' '.repeat(MAX_MANIFEST_BYTES + 1))).toBe(`modelgate-eval.json is ${MAX_MANIFEST_BYTES + 1} bytes, over the 20 MiB limit.`);
  });

  it('refuses a newer schema version with advice, rather than misreading it', () => {
    expect(error(withChange((m) => (m['schema_version'] = 2)))).toBe(
      'modelgate-eval.json has schema_version 2, newer than this modelgate understands (1). Update modelgate.',
    );
  });

  it.each<[string, (m: Record<string, any>) => void, string]>([
    ['an unsafe model name', (m) => (m['model'].name = '../etc'), 'model.name: expected a model name: lowercase letters, digits, `.`, `_` and `-`, at most 64 characters'],
    ['a version git refuses', (m) => (m['model'].version = 'v1.lock'), 'model.version: expected a version: letters, digits, `.`, `_` and `-`, at most 64 characters'],
    ['an abbreviated commit', (m) => (m['commit'] = 'a1b2c3d'), 'commit: expected a full lowercase hex commit SHA'],
    ['a card path leaving the repository', (m) => (m['card'].path = 'models/../../secret'), 'card.path: expected a path relative to the repository root, with forward slashes and no `.` or `..` segments'],
    ['an absolute card path', (m) => (m['card'].path = '/etc/passwd'), 'card.path: expected a path relative to the repository root, with forward slashes and no `.` or `..` segments'],
    ['a file name with a directory', (m) => (m['files'].metrics.name = 'sub/metrics.json'), 'files.metrics.name: expected a plain file name (letters, digits, `.`, `_`, `-`; no directories)'],
    ['the manifest as a data file', (m) => (m['files'].predictions.name = 'modelgate-eval.json'), 'files.predictions.name: must not be modelgate-eval.json'],
    ['an uppercase digest', (m) => (m['files'].metrics.sha256 = DIGEST.toUpperCase()), 'files.metrics.sha256: expected a lowercase hex SHA-256 digest (64 characters)'],
    ['a boolean metric', (m) => (m['metrics']['eval.accuracy'] = true), 'metrics["eval.accuracy"]: expected a finite number, a string, or {"invalid": "NaN" | "Infinity" | "-Infinity" | "null"}'],
    ['an unknown invalid marker', (m) => (m['metrics'].best = { invalid: 'inf' }), 'metrics.best: expected a finite number, a string, or {"invalid": "NaN" | "Infinity" | "-Infinity" | "null"}'],
    ['a PR number of 0', (m) => (m['pull_request'] = 0), 'pull_request: Too small: expected number to be >0'],
    ['a local time without zone', (m) => (m['started_at'] = '2024-05-01 12:00'), 'started_at: expected an ISO 8601 UTC timestamp such as 2024-05-01T12:00:00.000Z'],
    ['an unknown top-level key', (m) => (m['extra'] = 1), '(top level): Unrecognized key: "extra"'],
  ])('names the field: %s', (_, change, message) => {
    expect(error(withChange(change))).toBe(`modelgate-eval.json is not a valid evaluation manifest: ${message}.`);
  });

  it('lists at most five problems and counts the rest', () => {
    const text = withChange((m) => {
      for (let i = 0; i < 8; i++) (m['metrics'] as Record<string, unknown>)[`bad${i}`] = [];
    });
    const message = error(text);
    expect(message.match(/metrics\.bad\d/g)).toEqual(['metrics.bad0', 'metrics.bad1', 'metrics.bad2', 'metrics.bad3', 'metrics.bad4']);
    expect(message.endsWith('; and 3 more.')).toBe(true);
  });

  it('refuses a document that is not an object', () => {
    expect(error('[1, 2]')).toBe('modelgate-eval.json is not a valid evaluation manifest: (top level): Invalid input: expected object, received array.');
  });
});
