import { httpStatus } from './http-status.js';
import { readFile, type ContentsClient, type FileRead } from './read-file.js';
import type { RepoRef } from './repo-ref.js';

/** Where a pull request's head commit can be read from. */
export interface HeadSource {
  base: RepoRef;
  /** The fork (or the same repository); null when unknown or the fork was deleted. */
  head: RepoRef | null;
  sha: string;
}

export interface CardFile {
  path: string;
  read: FileRead;
}

const CONCURRENCY = 4;

/**
 * Reads the changed cards at the head commit, one request each. Fork PRs are read from the
 * fork first; when the installation cannot see the fork (a private fork gives 404 or 403),
 * the base repository serves the same commit (GitHub keeps PR commits under refs/pull/*).
 * The first read finds out which works and the rest go straight there, so a fork costs one
 * extra request at most, not one per card.
 */
export async function readCards(octokit: ContentsClient, source: HeadSource, paths: readonly string[]): Promise<CardFile[]> {
  let fromHead = source.head !== null && !sameRepo(source.head, source.base);

  const readOne = async (path: string): Promise<CardFile> => {
    if (fromHead && source.head) {
      const read = await readFile(octokit, source.head, path, source.sha).catch((error: unknown) => {
        if (httpStatus(error) === 403) return { kind: 'missing' } as const;
        throw error;
      });
      if (read.kind !== 'missing') return { path, read };
      fromHead = false;
    }
    return { path, read: await readFile(octokit, source.base, path, source.sha) };
  };

  const [first, ...rest] = paths;
  if (first === undefined) return [];
  const results: CardFile[] = [await readOne(first)];
  results.push(...(await mapWithConcurrency(rest, CONCURRENCY, readOne)));
  return results;
}

function sameRepo(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}

/** Like Promise.all over a map, with at most `limit` calls in flight; results keep input order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
