import { z } from 'zod';
import type { Evaluation, EvaluationStatus, NewEvaluation } from '../core/evaluation/index.js';
import type { Actor, Approval, AuditEntry, Evidence, ExecutionStep, Promotion, PromotionResult, PromotionState } from '../core/promotion/index.js';

/**
 * The App's persistent memory, one small port per concern: flows depend on the ports they use,
 * and one SQL implementation per backend (SQLite, PostgreSQL) implements them all. Every method
 * is async so both backends can implement it. Rows are external data: everything read back is
 * validated, and a corrupt row becomes a `StoreCorruptRowError` naming the table and the row.
 */

/** Processed webhook deliveries, so a redelivery never acts twice. */
export interface Deliveries {
  /**
   * Marks a webhook delivery as processed. True only for the first caller, across processes and
   * replicas, so a redelivery never posts twice.
   */
  claimDelivery(deliveryId: string, event: string): Promise<boolean>;
  /**
   * Forgets a claim so a redelivery is handled again: call it when handling failed before
   * anything was posted. A no-op for an unknown id.
   */
  releaseDelivery(deliveryId: string): Promise<void>;
  /** Forgets deliveries claimed (and delivery steps recorded) more than `olderThanDays` days ago; returns how many claims. */
  pruneDeliveries(olderThanDays: number): Promise<number>;
}

/**
 * What handling a delivery did on GitHub, step by step (a check run's id, a dispatch), so that a
 * retry of the same delivery (a crash, a failed attempt, GitHub's redelivery) finds its own
 * effects instead of repeating them. Forgotten with the delivery's claim (`pruneDeliveries`).
 */
export interface DeliverySteps {
  /** Every step recorded for the delivery: step → value. Empty for a delivery whose handling never began. */
  deliverySteps(deliveryId: string): Promise<Map<string, number>>;
  /** Records a step's value. The first record of a step wins (a racing attempt's is ignored); returns the stored value. */
  recordDeliveryStep(step: { deliveryId: string; step: string; value: number }): Promise<number>;
}

/** A verified webhook delivery as written to the inbox, before any handler ran. */
export interface NewInboxDelivery {
  /** X-GitHub-Delivery. */
  id: string;
  /** X-GitHub-Event. */
  event: string;
  action: string | null;
  installationId: number | null;
  /** owner/name, for logs and the operator's list. */
  repo: string | null;
  pr: number | null;
  /** Deliveries with the same key are handled one at a time, in the order received (e.g. one PR's). */
  orderingKey: string | null;
  /** The raw JSON body, exactly as signed. */
  payload: string;
}

export type InboxState = 'pending' | 'done' | 'dead';

/** An inbox row, as an operator and a worker see it. */
export interface InboxEntry extends Omit<NewInboxDelivery, 'payload'> {
  state: InboxState;
  /** Attempts started so far (a taken delivery counts its attempt). */
  attempts: number;
  receivedAt: string;
  availableAt: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastError: string | null;
  finishedAt: string | null;
}

/** A delivery a worker has taken: the row and its payload. */
export interface TakenDelivery extends InboxEntry {
  payload: string;
}

/** Counts for readiness and metrics. */
export interface InboxStats {
  /** Pending deliveries, leased or not. */
  pending: number;
  /** Pending deliveries a worker holds a live lease on. */
  leased: number;
  dead: number;
  /** When the oldest pending delivery that is due now was received (null when none is). */
  oldestDueAt: string | null;
}

/**
 * The durable inbox of verified deliveries: the intake writes, workers lease, handle, and
 * complete or fail them. Leases make each delivery handled by one worker across replicas; an
 * expired lease (a crashed replica) is taken over.
 */
export interface Inbox {
  /** Writes a delivery; false when its id is already there (a redelivery), unless that one was dead, which is revived. */
  enqueueDelivery(delivery: NewInboxDelivery): Promise<boolean>;
  /**
   * Leases the oldest due delivery that no other pending one of its ordering key precedes and
   * whose installation has fewer than `perInstallation` live leases; null when none is.
   */
  takeDelivery(take: { owner: string; leaseMs: number; perInstallation: number }): Promise<TakenDelivery | null>;
  /** Extends a lease still held by `owner`; false when it was lost. */
  renewLease(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Marks a leased delivery handled. */
  completeDelivery(id: string, owner: string): Promise<void>;
  /** Records a failed attempt: due again at `retryAt`, or dead when `retryAt` is null. */
  failDelivery(id: string, owner: string, failure: { error: string; retryAt: Date | null }): Promise<void>;
  /** Gives back every lease `owner` holds (a graceful shutdown), not counting the interrupted attempts; returns how many. */
  releaseLeases(owner: string): Promise<number>;
  /** The newest deliveries first, optionally of one state (at most `limit`, default 50). */
  listDeliveries(query?: { state?: InboxState; limit?: number }): Promise<InboxEntry[]>;
  getDelivery(id: string): Promise<TakenDelivery | null>;
  /**
   * Makes a done or dead delivery pending again (attempts reset, its handled-claim forgotten so
   * the handlers run); false when unknown or still pending. A done delivery's recorded steps are
   * forgotten too (a replay asks for the work again); a dead one's are kept, so its replay
   * finishes what its attempts started instead of repeating it.
   */
  replayDelivery(id: string): Promise<boolean>;
  inboxStats(): Promise<InboxStats>;
  /** Forgets done deliveries finished more than `olderThanDays` days ago; returns how many. */
  pruneInbox(olderThanDays: number): Promise<number>;
  /** The highest migration version applied to the database. */
  schemaVersion(): Promise<number>;
}

/** Each pull request's latest head commit, so results for an outdated commit never overwrite newer ones. */
export interface PullHeads {
  /**
   * Records a PR's head SHA as seen at `at` (the event's time). An older observation never
   * replaces a newer one, so out-of-order webhooks cannot move the head backwards. On a tie the
   * stored one stays, unless the new head `follows` it (a push's `before` commit): timestamps
   * have one-second precision, and two pushes can share a second. Returns the head stored after
   * the call.
   */
  recordHeadSha(head: { repoId: number; pr: number; sha: string; at: Date; follows?: string }): Promise<HeadSha>;
  getHeadSha(where: { repoId: number; pr: number }): Promise<HeadSha | null>;
}

/** The ids of sticky comments, so an update is one API call. */
export interface CommentIds {
  /** The id of the sticky comment `key` (e.g. `metrics-diff:sentiment`) on a PR, if one was posted. */
  getCommentId(where: CommentKey): Promise<number | null>;
  /** Remembers (or replaces) the id of the sticky comment `key` on a PR. */
  setCommentId(comment: CommentKey & { commentId: number }): Promise<void>;
}

/** Recorded evaluations: baselines and evidence. */
export interface Evaluations {
  /**
   * Records one evaluation run of one model. Idempotent on (repo id, run id, run attempt, model):
   * a redelivered webhook returns the evaluation already stored (`created: false`) and does not
   * change it.
   */
  recordEvaluation(evaluation: NewEvaluation): Promise<{ evaluation: Evaluation; created: boolean }>;
  /** The latest (by `createdAt`, then id) evaluation matching the query, e.g. a branch's baseline. */
  latestEvaluation(query: LatestEvaluationQuery): Promise<Evaluation | null>;
  /** Every evaluation of one commit, oldest first. */
  evaluationsForCommit(repoId: number, sha: string): Promise<Evaluation[]>;
  getEvaluation(id: number): Promise<Evaluation | null>;
}

/** A new request: what the requester asked for and the evidence it was checked against. */
export type NewPromotion = Omit<Promotion, 'state' | 'stateReason' | 'createdAt' | 'updatedAt' | 'result'>;

/** A state change, applied only when the request is still in one of `from` (compare-and-set). */
export interface PromotionTransition {
  from: readonly PromotionState[];
  to: PromotionState;
  actor: Actor | null;
  /** Why, for people (a rejection's reason, what voided the approvals, a failure). */
  reason: string | null;
  /** New evidence and digest, when the request was re-checked. */
  evidence?: { digest: string; evidence: Evidence };
  /** Merged into the request's result. */
  result?: PromotionResult;
}

/**
 * Promotion requests: the persisted state machine, approvals bound to digests, the execution
 * steps recorded one by one, and an append-only audit log of every change.
 */
export interface Promotions {
  /**
   * Records a new request in state `requested`. At most one request per (repository, model,
   * stage) is active, across processes and replicas: when one is, nothing is created and that
   * one is returned.
   */
  createPromotion(request: NewPromotion): Promise<{ created: true; promotion: Promotion } | { created: false; active: Promotion }>;
  getPromotion(id: string): Promise<Promotion | null>;
  /** The active (requested, approved or executing) request for a model's stage. */
  activePromotion(where: { repoId: number; model: string; stage: string }): Promise<Promotion | null>;
  /** Requests of a repository (one model's, or all), newest first. */
  listPromotions(query: { repoId: number; model?: string; states?: readonly PromotionState[]; limit?: number }): Promise<Promotion[]>;
  /** Moves a request to `to` if it is still in one of `from`; null when it was not (someone else moved it first). */
  transitionPromotion(id: string, change: PromotionTransition): Promise<Promotion | null>;
  /** Adds an approval; one per approver id. `added` is false when that person had already approved. */
  addApproval(id: string, approval: Approval): Promise<{ added: boolean; approvals: Approval[] }>;
  approvals(id: string): Promise<Approval[]>;
  /** Records an execution step's result; the first record of a step wins (a redo finds it). */
  recordStep(id: string, step: ExecutionStep, result: Record<string, unknown>): Promise<void>;
  steps(id: string): Promise<Map<ExecutionStep, Record<string, unknown>>>;
  /** Merges into the request's result (links to the commit and the deployment as they appear). */
  updateResult(id: string, result: PromotionResult): Promise<void>;
  /**
   * Takes the right to execute a request until `until`, when no one else holds it (or theirs
   * ran out): one replica executes a request at a time. True when taken.
   */
  leaseExecution(id: string, owner: string, until: Date): Promise<boolean>;
  releaseExecution(id: string, owner: string): Promise<void>;
  /** Requests left approved or executing, or done with their messages not yet updated, whose lease is free: what a starting App resumes. */
  resumablePromotions(now: Date): Promise<Promotion[]>;
  /** Moves every request still `requested` past its expiry to `expired`; returns them. */
  expirePromotions(now: Date): Promise<Promotion[]>;
  /** The request's audit log, oldest first. */
  auditLog(id: string): Promise<AuditEntry[]>;
}

/** A Slack user linked to a GitHub identity: the identity policy checks. */
export interface SlackLink {
  team: string;
  user: string;
  githubId: number;
  githubLogin: string;
  /** `oauth`: the user authorized the App on GitHub; `seed`: an operator's links file. */
  source: 'oauth' | 'seed';
  linkedAt: string;
}

/** Slack users linked to GitHub identities, and the one-time states of link requests. */
export interface SlackLinks {
  /** Links (or re-links) a Slack user. */
  linkSlackUser(link: Omit<SlackLink, 'linkedAt'>): Promise<SlackLink>;
  /** True when there was a link to remove. */
  unlinkSlackUser(team: string, user: string): Promise<boolean>;
  slackLink(team: string, user: string): Promise<SlackLink | null>;
  /** Records a link request's state, bound to the Slack user who asked. */
  createLinkState(state: { state: string; team: string; user: string; responseUrl: string | null; expiresAt: Date }): Promise<void>;
  /**
   * Uses a state: once, before it expires. Null when it is unknown, used or expired; else who it
   * was made for. Safe across replicas (the database decides who uses it).
   */
  consumeLinkState(state: string, now: Date): Promise<{ team: string; user: string; responseUrl: string | null } | null>;
}

/** A Slack message that shows a promotion request. */
export interface SlackMessage {
  channel: string;
  /** Null while the replica that claimed it is posting it. */
  ts: string | null;
  team: string | null;
  /** When it was claimed (a claim whose post never came is taken over after a while). */
  claimedAt: string;
  /** The state whose outcome was last posted in the message's thread. */
  repliedState: string | null;
}

/** The Slack messages that show promotion requests, so each is posted once and then updated in place. */
export interface SlackMessages {
  slackMessages(promotionId: string): Promise<SlackMessage[]>;
  /**
   * Claims the right to post a request's message in a channel: true for exactly one caller
   * (across replicas), or for a caller taking over a claim older than `staleBefore` whose message
   * was never posted.
   */
  claimSlackMessage(message: { promotionId: string; channel: string; team: string | null; staleBefore: Date }): Promise<boolean>;
  /** Records the posted message's ts. */
  setSlackMessage(message: { promotionId: string; channel: string; ts: string; team: string | null }): Promise<void>;
  /** Claims posting the outcome `state` in the message's thread: true once per state. */
  claimSlackReply(promotionId: string, channel: string, state: string): Promise<boolean>;
}

/** A repository the App is installed on, as it was last seen in a webhook. */
export interface KnownRepository {
  repoId: number;
  fullName: string;
  installationId: number;
  defaultBranch: string;
  htmlUrl: string;
}

/** The repositories the App has seen and the models their registries hold: how a model named in Slack is found. */
export interface Repositories {
  rememberRepository(repo: KnownRepository): Promise<void>;
  repository(where: { repoId: number } | { fullName: string }): Promise<KnownRepository | null>;
  /** Records the models a repository's registry holds (replacing what was recorded for it). */
  rememberModels(repoId: number, models: readonly string[]): Promise<void>;
  repositoriesWithModel(model: string): Promise<KnownRepository[]>;
  /** Every known repository, by name (at most 500). */
  listRepositories(): Promise<KnownRepository[]>;
}

/** Every port, on one database. */
export interface Store extends Deliveries, DeliverySteps, Inbox, PullHeads, CommentIds, Evaluations, Promotions, SlackLinks, SlackMessages, Repositories {
  /** Where the data lives (a file path or a redacted URL), for the startup log line. */
  readonly label: string;
  /** Releases the connection(s). Safe to call twice; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Options every backend accepts. */
export interface StoreOptions {
  /** The clock for `createdAt`, delivery claims and pruning; tests pass a fixed one. */
  now?: () => Date;
}

export interface LatestEvaluationQuery {
  repoId: number;
  model: string;
  status: EvaluationStatus;
  /** Only evaluations of this model version. */
  modelVersion?: string;
  /** Only evaluations of this branch/ref. */
  ref?: string;
  /** Only evaluations of one of these branches/refs. */
  refs?: readonly string[];
  /** Only evaluations of this commit. */
  sha?: string;
}

export interface CommentKey {
  repoId: number;
  pr: number;
  key: string;
}

export const HeadShaSchema = z.strictObject({
  repoId: z.number().int().positive(),
  pr: z.number().int().positive(),
  sha: z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full lowercase hex commit SHA'),
  at: z.iso.datetime(),
});
export type HeadSha = z.infer<typeof HeadShaSchema>;
