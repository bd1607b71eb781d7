import type { Actor, Promotion } from '../core/promotion/index.js';
import type { CommitOutcome, FileCommit } from '../github/git-commit.js';
import type { DeploymentState, NewDeployment } from '../github/deployments.js';
import type { FactsQuery, RepoFacts } from '../github/repo-facts.js';
import type { Evaluations, Promotions } from '../store/index.js';

/** The repository a request is about, as the adapter that received the command knows it. */
export interface PromotionRepo {
  id: number;
  owner: string;
  name: string;
  /** `owner/name`. */
  fullName: string;
  defaultBranch: string;
  /** Its web address (github.com or a GitHub Enterprise host). */
  htmlUrl: string;
  installationId: number;
}

/** What the service does on GitHub for one repository (src/github/promotion-github.ts implements it). */
export interface PromotionGitHub {
  facts(query: Omit<FactsQuery, 'repo' | 'branch' | 'configPath'>): Promise<RepoFacts>;
  hasWriteAccess(login: string): Promise<boolean>;
  /** The collaborators with write access (who may approve a stage that lists no approvers). */
  writers(): Promise<Actor[]>;
  commitFile(change: FileCommit): Promise<CommitOutcome>;
  findCommit(query: { path: string; since: string }, matches: (message: string) => boolean): Promise<{ sha: string; url: string } | null>;
  createDeployment(deployment: NewDeployment): Promise<{ id: number }>;
  findDeployment(query: { ref: string; environment: string; promotion: string }): Promise<{ id: number } | null>;
  setDeploymentStatus(id: number, status: { state: DeploymentState; description: string; logUrl?: string | null; environment: string }): Promise<void>;
}

/**
 * Tells people that a request changed: the PR comment, the Slack message. Idempotent: a redo
 * updates in place. `created`: the request was just made, so its messages are new (no search
 * for an earlier one).
 */
export type Notify = (promotion: Promotion, change?: { created: boolean }) => Promise<void>;

export type PromotionStore = Promotions & Pick<Evaluations, 'latestEvaluation' | 'getEvaluation'>;
