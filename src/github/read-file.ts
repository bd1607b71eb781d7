import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import type { RepoRef } from './repo-ref.js';

/** The one endpoint this module needs: GET /repos/{owner}/{repo}/contents/{path}. */
export interface ContentsClient {
  rest: { repos: Pick<Rest['repos'], 'getContent'> };
}

export type FileRead =
  | { kind: 'file'; bytes: Uint8Array }
  | { kind: 'missing' }
  /** A directory, symlink or submodule: nothing to validate. */
  | { kind: 'not-a-file'; type: string };

/**
 * Reads one file's exact bytes at a commit. Bytes, not text, so the validator can tell
 * binary and invalid UTF-8 apart from a card. One request for files up to 1 MB (base64 in
 * JSON); GitHub sends larger files without content, so those take a second, raw request.
 */
export async function readFile(octokit: ContentsClient, repo: RepoRef, path: string, ref: string): Promise<FileRead> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path, ref }));
  } catch (error) {
    if (httpStatus(error) === 404) return { kind: 'missing' };
    throw error;
  }
  if (Array.isArray(data)) return { kind: 'not-a-file', type: 'dir' };
  const entry = (data ?? {}) as { type?: unknown; encoding?: unknown; content?: unknown };
  if (entry.type !== 'file') return { kind: 'not-a-file', type: String(entry.type) };
  if (entry.encoding === 'base64' && typeof entry.content === 'string') {
    return { kind: 'file', bytes: new Uint8Array(Buffer.from(entry.content, 'base64')) };
  }
  const raw = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path, ref, mediaType: { format: 'raw' } });
  return { kind: 'file', bytes: toBytes(raw.data) };
}

/** Octokit hands raw bodies back as text or as an ArrayBuffer, depending on the content type. */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  throw new Error(`Unexpected raw file response (${typeof data}).`);
}
