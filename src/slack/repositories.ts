/**
 * Which repository a model named in Slack belongs to. In order: the one named (`owner/repo:model`),
 * the channel's default repository (SLACK_CONFIG), else the one repository that holds a model of
 * that name. Several candidates are answered with the list, never guessed. What the App knows is
 * the store's index (repositories seen in webhooks, models read from their registries); a miss
 * refreshes it from GitHub, at most once every few minutes.
 */
import type { ModelRef } from '../core/commands/index.js';
import { installedRepositories, installedRepository, type AppClients } from '../github/installations.js';
import type { PromotionRepo } from '../promotion/ports.js';
import type { KnownRepository, Repositories } from '../store/index.js';

export type Resolution = { kind: 'ok'; repo: PromotionRepo } | { kind: 'refused'; message: string };

/** Reads a repository's model names (its registry). */
export type ReadModels = (repo: PromotionRepo) => Promise<string[] | null>;

const REFRESH_MS = 5 * 60_000;
/** Registries read per refresh (one GraphQL query each). */
const MAX_REGISTRY_READS = 100;

export class RepositoryDirectory {
  private lastRefresh = -Infinity;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      store: Repositories;
      clients: AppClients;
      readModels: ReadModels;
      channels: Readonly<Record<string, string>>;
      now: () => number;
    },
  ) {}

  /** The repository a command in `channel` means by `ref`. */
  async resolve(ref: ModelRef, channel: string): Promise<Resolution> {
    const named = ref.repo ? `${ref.repo.owner}/${ref.repo.name}` : (this.deps.channels[channel] ?? null);
    if (named !== null) {
      const repo = await this.byName(named);
      if (repo) return { kind: 'ok', repo };
      return { kind: 'refused', message: `modelgate is not installed on ${named}, or cannot see it: install the GitHub App there (or check the name).` };
    }
    let found = await this.deps.store.repositoriesWithModel(ref.model);
    if (found.length === 0 && (await this.refresh())) found = await this.deps.store.repositoriesWithModel(ref.model);
    if (found.length === 1) return { kind: 'ok', repo: toRepo(found[0]!) };
    if (found.length === 0) {
      return { kind: 'refused', message: `No repository modelgate is installed on has a model named "${ref.model}" in its registry. Name it as owner/repo:${ref.model}, or ask an operator to set this channel's default repository.` };
    }
    const names = found.map((r) => `${r.fullName}:${ref.model}`).slice(0, 10);
    return { kind: 'refused', message: `Several repositories have a model named "${ref.model}": ${names.join(', ')}. Name the one you mean.` };
  }

  /** The repositories a channel's `/models` lists: its default, else every one known (bounded). */
  async forChannel(channel: string): Promise<PromotionRepo[]> {
    const named = this.deps.channels[channel];
    if (named) {
      const repo = await this.byName(named);
      return repo ? [repo] : [];
    }
    let all = await this.deps.store.listRepositories();
    if (all.length === 0 && (await this.refresh())) all = await this.deps.store.listRepositories();
    return all.map(toRepo);
  }

  async byName(fullName: string): Promise<PromotionRepo | null> {
    const known = await this.deps.store.repository({ fullName });
    if (known) return toRepo(known);
    const [owner, name] = fullName.split('/') as [string, string];
    const found = await installedRepository(this.deps.clients, owner, name);
    if (!found) return null;
    await this.deps.store.rememberRepository(found);
    return toRepo(found);
  }

  /** Crawls the installations and their registries; false when it ran too recently to run again. */
  private async refresh(): Promise<boolean> {
    if (this.refreshing) {
      await this.refreshing;
      return true;
    }
    if (this.deps.now() - this.lastRefresh < REFRESH_MS) return false;
    this.lastRefresh = this.deps.now();
    this.refreshing = (async () => {
      const repos = await installedRepositories(this.deps.clients);
      for (const repo of repos) await this.deps.store.rememberRepository(repo);
      for (const repo of repos.slice(0, MAX_REGISTRY_READS)) {
        const models = await this.deps.readModels(toRepo(repo)).catch(() => null);
        if (models !== null) await this.deps.store.rememberModels(repo.repoId, models);
      }
    })();
    try {
      await this.refreshing;
    } finally {
      this.refreshing = null;
    }
    return true;
  }
}

export function toRepo(r: KnownRepository): PromotionRepo {
  const [owner, name] = r.fullName.split('/') as [string, string];
  return { id: r.repoId, owner, name, fullName: r.fullName, defaultBranch: r.defaultBranch, htmlUrl: r.htmlUrl, installationId: r.installationId };
}

export function toKnown(r: PromotionRepo): KnownRepository {
  return { repoId: r.id, fullName: r.fullName, installationId: r.installationId, defaultBranch: r.defaultBranch, htmlUrl: r.htmlUrl };
}
