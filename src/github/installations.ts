/**
 * Which repositories the App is installed on: one looked up by name (`owner/repo:model` in
 * Slack), or all of them (to find the repository that holds a model). Requests go through a
 * narrow `request` so the App's JWT client and installation clients both fit.
 */
import { z } from 'zod';
import type { KnownRepository } from '../store/index.js';
import { httpStatus } from './http-status.js';

export interface RequestClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown }>;
}

/** The App's own client (JWT) and an installation's client. */
export type AppClients = (installationId?: number) => Promise<RequestClient>;

const RepoSchema = z.object({ id: z.number().int().positive(), full_name: z.string(), default_branch: z.string(), html_url: z.string() });
const InstallationSchema = z.object({ id: z.number().int().positive() });

/** Bounds on the crawl of every installation (it runs at most once per few minutes). */
const MAX_INSTALLATIONS = 100;
const MAX_REPOSITORIES = 500;

/** The repository, if the App is installed on it; null when it is not (or it does not exist). */
export async function installedRepository(clients: AppClients, owner: string, name: string): Promise<KnownRepository | null> {
  let installationId: number;
  try {
    const { data } = await (await clients()).request('GET /repos/{owner}/{repo}/installation', { owner, repo: name });
    installationId = InstallationSchema.parse(data).id;
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
  const { data } = await (await clients(installationId)).request('GET /repos/{owner}/{repo}', { owner, repo: name });
  return known(RepoSchema.parse(data), installationId);
}

/** Every repository of every installation, up to the bounds. */
export async function installedRepositories(clients: AppClients): Promise<KnownRepository[]> {
  const app = await clients();
  const installations: number[] = [];
  for (let page = 1; installations.length < MAX_INSTALLATIONS; page++) {
    const { data } = await app.request('GET /app/installations', { per_page: 100, page });
    const list = z.array(InstallationSchema).parse(data);
    installations.push(...list.map((i) => i.id));
    if (list.length < 100) break;
  }
  const repos: KnownRepository[] = [];
  for (const id of installations.slice(0, MAX_INSTALLATIONS)) {
    const client = await clients(id);
    for (let page = 1; repos.length < MAX_REPOSITORIES; page++) {
      const { data } = await client.request('GET /installation/repositories', { per_page: 100, page });
      const list = z.object({ repositories: z.array(RepoSchema) }).parse(data).repositories;
      repos.push(...list.map((r) => known(r, id)));
      if (list.length < 100) break;
    }
    if (repos.length >= MAX_REPOSITORIES) break;
  }
  return repos.slice(0, MAX_REPOSITORIES);
}

function known(repo: z.infer<typeof RepoSchema>, installationId: number): KnownRepository {
  return { repoId: repo.id, fullName: repo.full_name, installationId, defaultBranch: repo.default_branch, htmlUrl: repo.html_url };
}
