import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { buildManifest, serializeManifest, type Manifest } from '../../src/core/evaluation/manifest.js';
import { MetricTable } from '../../src/core/metrics/table.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface ArtifactOptions {
  model?: string;
  commit: string;
  pr: number | null;
  metrics: Record<string, number>;
  /** The card the evaluation is for (its path is the baseline's fallback). */
  cardPath?: string | null;
  /** Changes to the manifest after it is built (to make it lie, or break it). */
  manifest?: (m: Manifest) => unknown;
  /** Extra zip entries, e.g. a path-traversal one. */
  extra?: Record<string, Uint8Array>;
  /** Leave the manifest out. */
  withoutManifest?: boolean;
}

/** The bytes of a `modelgate-eval-<model>` artifact zip as actions/evaluate uploads it, built with fflate. */
export function evaluationZip(options: ArtifactOptions): Uint8Array {
  const metricsBytes = strToU8(JSON.stringify(options.metrics));
  const built = buildManifest({
    model: { name: options.model ?? 'sentiment', version: 'v3', source: 'card' },
    card: options.cardPath === null ? null : { path: options.cardPath ?? 'models/sentiment/README.md', sha256: 'c'.repeat(64) },
    commit: options.commit,
    pullRequest: options.pr,
    metrics: { metrics: new MetricTable() },
    files: { metrics: { name: 'metrics.json', sha256: sha256(metricsBytes) }, predictions: null },
    startedAt: new Date('2026-01-01T10:00:00Z'),
    finishedAt: new Date('2026-01-01T10:05:00Z'),
    exitCode: 0,
    runner: { os: 'Linux', arch: 'X64', name: 'GitHub Actions 2' },
  });
  const manifest = { ...built, metrics: options.metrics };
  const finalManifest = options.manifest ? options.manifest(manifest) : manifest;
  const entries: Record<string, Uint8Array> = { 'metrics.json': metricsBytes, ...options.extra };
  if (!options.withoutManifest) entries['modelgate-eval.json'] = strToU8(typeof finalManifest === 'string' ? finalManifest : serializeManifest(finalManifest as Manifest));
  return zipSync(entries);
}

/** An entry of the artifact listing (GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts). */
export function listedArtifact(id: number, name: string, size = 1234): object {
  return { id, node_id: `A${id}`, name, size_in_bytes: size, expired: false, archive_download_url: `https://api.github.com/artifacts/${id}/zip` };
}
