import { z } from 'zod';
import type { KnownRepository } from '../store/index.js';

const RepositorySchema = z.object({ id: z.number().int().positive(), full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/), default_branch: z.string().min(1), html_url: z.string().url() });

/** A delivery's repository and installation, when it has both (a payload without them is not an error here). */
export function knownRepository(repository: unknown, installationId: unknown): KnownRepository | null {
  const repo = RepositorySchema.safeParse(repository);
  if (!repo.success || typeof installationId !== 'number' || !Number.isInteger(installationId) || installationId <= 0) return null;
  return { repoId: repo.data.id, fullName: repo.data.full_name, installationId, defaultBranch: repo.data.default_branch, htmlUrl: repo.data.html_url };
}
