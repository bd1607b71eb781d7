import { createHash } from 'node:crypto';
import { readArtifactZip, type ArtifactEvaluation } from '../../core/evaluation/index.js';
import { downloadArtifact, type ArtifactsClient, type RunArtifact } from '../../github/artifacts.js';
import type { RepoRef } from '../../github/repo-ref.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An evaluation artifact's zip is small (metrics, per-example results, a manifest); more is refused before download. */
export const MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;

export interface RunEvaluations {
  evaluations: ArtifactEvaluation[];
  /** One plain-text line per artifact that was refused, naming it and why (escape it for Markdown). */
  problems: string[];
}

/**
 * Downloads and reads a run's evaluation artifacts (as `listRunArtifacts` found them), one at a
 * time so at most one zip is in memory: one request each (plus GitHub's redirect to the blob).
 * Each is read under the zip caps and validated (see readArtifactZip); a bad one becomes a
 * problem and the others are still read, so every problem is reported at once.
 */
export async function readRunEvaluations(octokit: ArtifactsClient, repo: RepoRef, artifacts: readonly RunArtifact[]): Promise<RunEvaluations> {
  const evaluations: ArtifactEvaluation[] = [];
  const problems: string[] = [];
  for (const artifact of artifacts) {
    const download = await downloadArtifact(octokit, repo, artifact, MAX_ARTIFACT_BYTES);
    if (!download.ok) {
      problems.push(download.error);
      continue;
    }
    const read = readArtifactZip(artifact.name, download.bytes, sha256);
    if (read.ok) evaluations.push(read.evaluation);
    else problems.push(read.error);
  }
  return { evaluations, problems };
}
