import { ARTIFACT_NAME_PREFIX } from '../core/evaluation/index.js';
import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

/** What we use of an entry of GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts. */
export interface ArtifactData {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
}

/** An evaluation artifact of a run. */
export interface RunArtifact {
  id: number;
  name: string;
  /** The zip's size, as GitHub reports it. */
  sizeInBytes: number;
}

export interface ArtifactsClient {
  rest: { actions: Pick<Rest['actions'], 'listWorkflowRunArtifacts' | 'downloadArtifact'> };
}

const PER_PAGE = 100;
/** A run with more artifacts than this is not one we wrote; stop listing rather than page on. */
const MAX_PAGES = 10;

/** The run's evaluation artifacts (`modelgate-eval-<model>`) that can still be downloaded, in GitHub's order. */
export async function listRunArtifacts(octokit: ArtifactsClient, repo: RepoRef, runId: number): Promise<RunArtifact[]> {
  const found: RunArtifact[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data, headers } = await octokit.rest.actions.listWorkflowRunArtifacts({
      owner: repo.owner,
      repo: repo.repo,
      run_id: runId,
      per_page: PER_PAGE,
      page,
    });
    for (const a of data.artifacts) {
      if (a.name.startsWith(ARTIFACT_NAME_PREFIX) && !a.expired) found.push({ id: a.id, name: a.name, sizeInBytes: a.size_in_bytes });
    }
    if (!/rel="next"/.test(headers.link ?? '') || data.artifacts.length === 0) break;
  }
  return found;
}

export type DownloadResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

const MIB = 1024 * 1024;

/**
 * Downloads an artifact's zip. GitHub answers with a redirect to a short-lived blob URL, which
 * the request follows (fetch drops the Authorization header on the way to the other host).
 * The size is capped twice: from the listing before any download, and while the body streams
 * in, so a wrong `size_in_bytes` cannot make us buffer more than `maxBytes`. An artifact that
 * expired or was deleted in the meantime (410, 404) is an error to report; others are thrown.
 */
export async function downloadArtifact(octokit: ArtifactsClient, repo: RepoRef, artifact: RunArtifact, maxBytes: number): Promise<DownloadResult> {
  const tooBig = (size: string) =>
    ({ ok: false, error: `Artifact '${artifact.name}' is ${size}, over the ${formatSize(maxBytes)} limit for evaluation artifacts.` }) as const;
  if (artifact.sizeInBytes > maxBytes) return tooBig(formatSize(artifact.sizeInBytes));

  let response: { data: unknown; headers: Record<string, string | number | undefined> };
  try {
    response = await octokit.rest.actions.downloadArtifact({
      owner: repo.owner,
      repo: repo.repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
      // The raw body stream, so the cap holds while downloading, not after.
      request: { parseSuccessResponseBody: false },
    });
  } catch (error) {
    const status = httpStatus(error);
    if (status === 410 || status === 404) return { ok: false, error: `Artifact '${artifact.name}' has expired or was deleted (HTTP ${status}).` };
    throw error;
  }

  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await cancel(response.data);
    return tooBig(formatSize(declared));
  }
  const bytes = await readCapped(response.data, maxBytes);
  return bytes === null ? tooBig(`over ${formatSize(maxBytes)}`) : { ok: true, bytes };
}

/** The body's bytes, or null as soon as they pass `maxBytes` (the rest is never read). */
async function readCapped(body: unknown, maxBytes: number): Promise<Uint8Array | null> {
  if (body instanceof ArrayBuffer) return body.byteLength > maxBytes ? null : new Uint8Array(body);
  if (body instanceof Uint8Array) return body.byteLength > maxBytes ? null : body;
  if (!isReadableStream(body)) throw new Error(`Unexpected artifact download body (${typeof body}).`);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function isReadableStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof body === 'object' && body !== null && typeof (body as { getReader?: unknown }).getReader === 'function';
}

async function cancel(body: unknown): Promise<void> {
  if (isReadableStream(body)) await body.cancel().catch(() => {});
}

function formatSize(bytes: number): string {
  if (bytes >= MIB) return `${Number.isInteger(bytes / MIB) ? bytes / MIB : (bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Number.isInteger(bytes / 1024) ? bytes / 1024 : (bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
