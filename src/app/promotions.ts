import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Probot } from 'probot';
import type { Promotion } from '../core/promotion/index.js';
import { ownAppId, type AppAuthClient } from '../github/app-id.js';
import { promotionGitHub, type PromotionClient } from '../github/promotion-github.js';
import type { CommentsApi } from '../github/sticky-comment.js';
import { newPromotionId } from '../promotion/ids.js';
import type { Notify, PromotionRepo } from '../promotion/ports.js';
import { PromotionService } from '../promotion/service.js';
import type { Store } from '../store/index.js';
import { commentIssue, publishPromotionComment } from './flows/promotion-comment.js';

export interface PromotionOptions {
  now?: () => Date;
  newId?: () => string;
  /** Other places a request's messages go (Slack); each updates its own message. */
  notifiers?: Notify[];
  /** How long an execution lease lasts (tests of crashes shorten it). */
  leaseMs?: number;
}

/**
 * The promotion service as the App runs it: GitHub through each installation's client, the
 * request's PR comment kept up to date on every change, and any other notifiers.
 */
export function appPromotions(app: Probot, store: Store, options: PromotionOptions = {}): PromotionService {
  const now = options.now ?? (() => new Date());
  // Probot's installation client has every REST method, GraphQL and app auth.
  const installation = async (id: number) => (await app.auth(id)) as unknown as PromotionClient & CommentsApi & AppAuthClient;
  const service: PromotionService = new PromotionService({
    store,
    github: async (repo: PromotionRepo) => promotionGitHub(await installation(repo.installationId), repo),
    // Every place is told, even when one fails; the first failure is then the caller's.
    notify: async (p: Promotion, change?: { created: boolean }) => {
      const places: Array<() => Promise<void>> = [
        async () => {
          const issue = commentIssue(p);
          if (issue === null) return;
          const octokit = await installation(p.installationId);
          const appId = await ownAppId(octokit);
          if (appId === null) throw new Error('Cannot tell which GitHub App this is, so its comment cannot be updated safely.');
          await publishPromotionComment(octokit, store, await service.view(p), { issue, appId, ...(change?.created ? { isNew: true } : {}) });
        },
        ...(options.notifiers ?? []).map((notify) => () => notify(p, change)),
      ];
      const failures = (await Promise.allSettled(places.map((place) => place()))).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures[0]) throw failures[0].reason;
    },
    now,
    sha256: (data) => createHash('sha256').update(data).digest('hex'),
    newId: options.newId ?? newPromotionId,
    owner: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    log: app.log,
  });
  return service;
}
