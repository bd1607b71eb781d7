/**
 * The promotion service: requests, approvals, rejections, rollbacks and their execution, run
 * over the store and GitHub. Every adapter that takes commands (PR comments, Slack) calls this,
 * so a request made in one place can be approved in the other under exactly the same rules.
 *
 * The decisions are the core's (core/promotion); this module fetches what they need, records
 * what they decide, and performs the effects, each execution step recorded before the next
 * starts so that a crash at any point is resumed without repeating an effect.
 */
import { CONFIG_PATH, parseConfig, type Config } from '../core/config/index.js';
import type { Evaluation } from '../core/evaluation/index.js';
import type { MetricRule } from '../core/config/index.js';
import { compareMetrics, MetricTable, type Baseline } from '../core/metrics/index.js';
import {
  applyEdits,
  approverCandidates,
  approverProblem,
  assessEvidence,
  buildEvidence,
  chooseStage,
  countingApprovals,
  DEFAULT_REGISTRY_PATH,
  deploymentRequest,
  evidenceChanges,
  evidenceDigestInput,
  hasPromotionTrailer,
  historyEntry,
  moveEdit,
  modelRecord,
  nextStep,
  parseTeam,
  passes,
  promotionCommitMessage,
  readRegistry,
  requiredApprovals,
  rollbackTarget,
  satisfiable,
  type Actor,
  type Approval,
  type Check,
  type Evidence,
  type ExecutionStep,
  type Promotion,
  type PromotionKind,
  type PromotionPolicy,
  type PromotionView,
  type StatusModel,
  type RegistryFile,
  type RequestSource,
  type StagePolicy,
} from '../core/promotion/index.js';
import { deploymentsPage } from '../github/deployments.js';
import { LookupError, type RepoFacts } from '../github/repo-facts.js';
import { evaluationMetricSet } from '../core/evaluation/index.js';
import type { Notify, PromotionGitHub, PromotionRepo, PromotionStore } from './ports.js';

export interface PromotionDeps {
  store: PromotionStore;
  /** The GitHub side of a repository, authenticated as the App's installation there. */
  github(repo: PromotionRepo): Promise<PromotionGitHub>;
  notify: Notify;
  now(): Date;
  /** SHA-256 as lowercase hex. */
  sha256(data: string | Uint8Array): string;
  /** A new request id: `p-` and 12 random base32 characters. */
  newId(): string;
  /** This replica, for execution leases. */
  owner: string;
  /** How long a replica holds a request's execution without renewing it (default 2 min; renewed at every step). */
  leaseMs?: number;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export interface MoveInput {
  repo: PromotionRepo;
  requester: Actor;
  kind: PromotionKind;
  model: string;
  /** Promotions name a version; rollbacks go back to the one before. */
  version: string | null;
  /** Null: the next stage in order for the version (promotions only). */
  stage: string | null;
  emergency: string | null;
  dryRun: boolean;
  source: RequestSource;
}

export type RequestOutcome =
  | { kind: 'not-configured'; message: string }
  /** The request was refused before anything was recorded: the reasons, or the failing checks. */
  | { kind: 'refused'; message: string; view: PromotionView | null }
  | { kind: 'dry-run'; view: PromotionView; unsatisfiable: string | null }
  /** An active request for the stage already exists: this is it. */
  | { kind: 'exists'; view: PromotionView }
  | { kind: 'created'; view: PromotionView };

export type ApproveOutcome =
  | { kind: 'unknown'; message: string }
  | { kind: 'not-pending'; view: PromotionView }
  | { kind: 'ineligible'; message: string; view: PromotionView }
  | { kind: 'voided'; changes: string[]; view: PromotionView }
  | { kind: 'recorded'; view: PromotionView; missing: number }
  | { kind: 'executed'; view: PromotionView }
  | { kind: 'lookup-failed'; message: string };

export type RejectOutcome =
  | { kind: 'unknown'; message: string }
  | { kind: 'not-pending'; view: PromotionView }
  | { kind: 'ineligible'; message: string }
  | { kind: 'rejected'; view: PromotionView }
  | { kind: 'lookup-failed'; message: string };

export type StatusOutcome =
  | { kind: 'not-configured'; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'status'; models: StatusModel[]; stages: string[] }
  | { kind: 'lookup-failed'; message: string };

/** How long one replica may hold a request's execution before another may take over (renewed at every step). */
const LEASE_MS = 2 * 60_000;
/** A registry commit raced by other pushes is re-read and re-applied this many times. */
const COMMIT_ATTEMPTS = 5;
/** Execution is retried this many times (across deliveries and restarts) before the request fails. */
const MAX_ATTEMPTS = 5;

export class PromotionService {
  constructor(private readonly deps: PromotionDeps) {}

  /** The GitHub side of a repository, as the service reaches it (registration uses it too). */
  github(repo: PromotionRepo): Promise<PromotionGitHub> {
    return this.deps.github(repo);
  }

  /** A new promotion or rollback request (or its dry run). */
  async request(input: MoveInput): Promise<RequestOutcome> {
    const github = await this.deps.github(input.repo);
    let gathered: Gathered;
    try {
      const head = await this.readHead(github, input.repo);
      if (head.kind !== 'ok') return head.kind === 'not-configured' ? head : { kind: 'refused', message: head.message, view: null };
      const record = modelRecord(head.registry.registry, input.model);
      let version: string;
      let stage: StagePolicy;
      if (input.kind === 'rollback') {
        const named = head.policy.stages.find((s) => s.name === input.stage);
        if (!named) {
          const chosen = chooseStage(head.policy, record, '', input.stage);
          return { kind: 'refused', message: chosen.ok ? `There is no stage "${input.stage ?? ''}".` : chosen.error, view: null };
        }
        const target = rollbackTarget(record, named.name);
        if (!target.ok) return { kind: 'refused', message: target.error, view: null };
        version = target.version;
        stage = named;
      } else {
        version = input.version!;
        const chosen = chooseStage(head.policy, record, version, input.stage);
        if (!chosen.ok) return { kind: 'refused', message: chosen.error, view: null };
        stage = chosen.stage;
      }
      const entry = record.versions[version] ?? null;
      const facts = await github.facts({
        registryPath: head.policy.registry,
        version: entry ? { commit: entry.commit, cardPath: entry.card } : null,
        pr: entry?.pr ?? null,
        teams: (stage.approvers ?? []).filter((a) => parseTeam(a)),
        member: null,
      });
      gathered = await this.gather(input.repo, facts, { model: input.model, version, stage: stage.name, kind: input.kind, emergency: input.emergency !== null });
    } catch (error) {
      if (error instanceof LookupError) return { kind: 'refused', message: `${error.message} Nothing was requested; try again.`, view: null };
      throw error;
    }

    const { evidence, policy, stagePolicy } = gathered;
    const now = this.deps.now();
    const approvalsRequired = requiredApprovals(stagePolicy, input.kind);
    const draft: Promotion = {
      id: input.dryRun ? 'p-dryrundryrun' : this.deps.newId(),
      repoId: input.repo.id,
      repoFullName: input.repo.fullName,
      repoUrl: input.repo.htmlUrl,
      branch: input.repo.defaultBranch,
      installationId: input.repo.installationId,
      model: input.model,
      version: evidence.version,
      stage: stagePolicy.name,
      kind: input.kind,
      emergency: input.emergency,
      fromVersion: evidence.current,
      requestedBy: input.requester,
      state: 'requested',
      stateReason: null,
      evidenceDigest: this.digest(evidence),
      evidence,
      approvalsRequired,
      source: input.source.kind === 'github' && policy.slackChannel !== null ? { ...input.source, slackChannel: policy.slackChannel } : input.source,
      comparison: gathered.comparison,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + policy.expireAfterMs).toISOString(),
      result: {},
    };
    const checks = assessEvidence(evidence, now);
    const candidates = stagePolicy.approvers === null ? await github.writers() : approverCandidates(stagePolicy.approvers, gathered.facts.teams);
    const canApprove = satisfiable(draft, approvalsRequired, candidates);
    const view = await this.viewOf(draft, checks, []);
    if (input.dryRun) return { kind: 'dry-run', view, unsatisfiable: canApprove.ok ? null : canApprove.error };
    if (!passes(checks)) return { kind: 'refused', message: 'The request does not meet the stage\'s requirements.', view };
    if (!canApprove.ok) return { kind: 'refused', message: canApprove.error, view };

    const { id: _id, state: _s, stateReason: _r, createdAt: _c, updatedAt: _u, result: _res, ...fresh } = draft;
    const created = await this.deps.store.createPromotion({ ...fresh, id: draft.id });
    if (!created.created) return { kind: 'exists', view: await this.view(created.active) };
    this.deps.log.info({ promotion: draft.id, model: draft.model, version: draft.version, stage: draft.stage, requester: input.requester.login }, 'Promotion requested.');
    if (approvalsRequired === 0) {
      // The stage asks for no approval: the request alone promotes.
      const approved = await this.deps.store.transitionPromotion(draft.id, { from: ['requested'], to: 'approved', actor: input.requester, reason: 'the stage needs no approval' });
      if (approved) return { kind: 'created', view: await this.view(await this.execute(approved, github, gathered.facts, false)) };
    }
    // The request's messages (its comment, its Slack message) are posted here, for every adapter
    // alike. A failure is the caller's to report: the request exists, and asking again says so.
    await this.deps.notify(created.promotion, { created: true });
    return { kind: 'created', view: await this.view(created.promotion) };
  }

  /** An approval by `approver`; the one that completes the quorum executes the request. */
  async approve(input: { repo: PromotionRepo; id: string; approver: Actor; via: 'github' | 'slack' }): Promise<ApproveOutcome> {
    const found = await this.pending(input.repo, input.id);
    if (found.kind !== 'found') return found.kind === 'unknown' ? found : { kind: 'not-pending', view: await this.view(found.promotion) };
    const promotion = found.promotion;
    const github = await this.deps.github(input.repo);
    const policyTeams = (promotion.evidence.policy.approvers ?? []).filter((a) => parseTeam(a));

    let gathered: Gathered;
    try {
      // One read of everything the request was checked against, as it is now.
      const registered = promotion.evidence.registered;
      const facts = await github.facts({
        registryPath: promotion.evidence.policy.registry,
        version: registered ? { commit: registered.commit, cardPath: registered.card } : null,
        pr: registered?.pr ?? null,
        teams: policyTeams,
        member: policyTeams.length > 0 ? input.approver.login : null,
      });
      gathered = await this.gather(input.repo, facts, { model: promotion.model, version: promotion.version, stage: promotion.stage, kind: promotion.kind, emergency: promotion.emergency !== null });
    } catch (error) {
      if (error instanceof LookupError) return { kind: 'lookup-failed', message: `${error.message} The approval was not recorded; try again.` };
      throw error;
    }

    // Approvals are bound to the evidence: if anything it covers changed, they are void.
    const digest = this.digest(gathered.evidence);
    if (digest !== promotion.evidenceDigest) {
      const changes = evidenceChanges(promotion.evidence, gathered.evidence);
      const voided = await this.deps.store.transitionPromotion(promotion.id, {
        from: ['requested'],
        to: 'void',
        actor: input.approver,
        reason: `The evidence changed since the request: ${changes.join('; ')}. Request the promotion again.`,
        evidence: { digest, evidence: gathered.evidence },
      });
      const after = voided ?? (await this.deps.store.getPromotion(promotion.id))!;
      await this.notifySafely(after);
      return { kind: 'voided', changes, view: await this.view(after) };
    }

    const facts = {
      teams: new Set([...gathered.facts.teams].filter(([, members]) => members.some((m) => m.id === input.approver.id)).map(([team]) => team)),
      writeAccess: promotion.evidence.policy.approvers === null ? await github.hasWriteAccess(input.approver.login) : null,
    };
    const approvals = countingApprovals(await this.deps.store.approvals(promotion.id), promotion.evidenceDigest);
    // Whether this person may approve at all; having approved already is decided below, after
    // recording, so that an approval recorded just before a crash still completes the quorum.
    const others = approvals.filter((a) => a.approver.id !== input.approver.id);
    const problem = approverProblem(promotion, input.approver, facts, others);
    if (problem !== null) return { kind: 'ineligible', message: `@${input.approver.login}: ${problem}`, view: await this.view(promotion) };

    const checks = assessEvidence(gathered.evidence, this.deps.now());
    if (!passes(checks)) {
      const failed = checks.filter((c) => !c.ok).map((c) => c.message);
      const voided = await this.deps.store.transitionPromotion(promotion.id, {
        from: ['requested'],
        to: 'void',
        actor: input.approver,
        reason: `The request no longer meets the stage's requirements: ${failed.join(' ')}`,
      });
      const after = voided ?? (await this.deps.store.getPromotion(promotion.id))!;
      await this.notifySafely(after);
      return { kind: 'voided', changes: failed, view: await this.view(after) };
    }

    const added = await this.deps.store.addApproval(promotion.id, { approver: input.approver, digest, at: this.deps.now().toISOString(), via: input.via });
    const counting = countingApprovals(added.approvals, digest);
    const missing = promotion.approvalsRequired - counting.length;
    if (!added.added && missing > 0) return { kind: 'ineligible', message: `@${input.approver.login}: you have already approved it; each person counts once.`, view: await this.view(promotion) };
    this.deps.log.info({ promotion: promotion.id, approver: input.approver.login, approvals: counting.length, required: promotion.approvalsRequired }, 'Promotion approved.');
    if (missing > 0) {
      await this.notifySafely(promotion);
      return { kind: 'recorded', view: await this.view(promotion), missing };
    }
    const approved = await this.deps.store.transitionPromotion(promotion.id, { from: ['requested'], to: 'approved', actor: input.approver, reason: null });
    // Another approval completed the quorum at the same moment: that one executes.
    if (approved === null) return { kind: 'recorded', view: await this.view((await this.deps.store.getPromotion(promotion.id))!), missing: 0 };
    const done = await this.execute(approved, github, gathered.facts, false);
    return { kind: 'executed', view: await this.view(done) };
  }

  /** A rejection, by the requester (withdrawing it) or by someone who may approve it. */
  async reject(input: { repo: PromotionRepo; id: string; actor: Actor; reason: string | null }): Promise<RejectOutcome> {
    const found = await this.pending(input.repo, input.id);
    if (found.kind !== 'found') return found.kind === 'unknown' ? found : { kind: 'not-pending', view: await this.view(found.promotion) };
    const promotion = found.promotion;
    if (input.actor.id !== promotion.requestedBy.id) {
      const github = await this.deps.github(input.repo);
      const teams = (promotion.evidence.policy.approvers ?? []).filter((a) => parseTeam(a));
      let facts;
      try {
        const members = teams.length > 0 ? (await github.facts({ registryPath: promotion.evidence.policy.registry, teams, member: input.actor.login })).teams : new Map<string, Actor[]>();
        facts = {
          teams: new Set([...members].filter(([, list]) => list.some((m) => m.id === input.actor.id)).map(([team]) => team)),
          writeAccess: promotion.evidence.policy.approvers === null ? await github.hasWriteAccess(input.actor.login) : null,
        };
      } catch (error) {
        if (error instanceof LookupError) return { kind: 'lookup-failed', message: `${error.message} Nothing was rejected; try again.` };
        throw error;
      }
      // Anyone who could approve may reject (approving twice is not a reason to refuse a rejection).
      const problem = approverProblem(promotion, input.actor, facts, []);
      if (problem !== null) return { kind: 'ineligible', message: `@${input.actor.login}: only the requester or someone who may approve can reject this request (${problem})` };
    }
    const reason = input.reason ? `Rejected by @${input.actor.login}: ${input.reason}` : `Rejected by @${input.actor.login}.`;
    const rejected = await this.deps.store.transitionPromotion(promotion.id, { from: ['requested'], to: 'rejected', actor: input.actor, reason });
    const after = rejected ?? (await this.deps.store.getPromotion(promotion.id))!;
    if (!rejected) return { kind: 'not-pending', view: await this.view(after) };
    await this.notifySafely(after);
    return { kind: 'rejected', view: await this.view(after) };
  }

  /** What each stage holds, and the pending requests: one model's, or every model's. */
  async status(input: { repo: PromotionRepo; model: string | null }): Promise<StatusOutcome> {
    const github = await this.deps.github(input.repo);
    let head: Head;
    try {
      head = await this.readHead(github, input.repo);
    } catch (error) {
      if (error instanceof LookupError) return { kind: 'lookup-failed', message: error.message };
      throw error;
    }
    if (head.kind === 'not-configured') return head;
    if (head.kind === 'invalid') return { kind: 'invalid', message: head.message };
    const { registry } = head.registry;
    const names = input.model !== null ? [input.model] : Object.keys(registry.models).sort();
    const pending = await this.deps.store.listPromotions({ repoId: input.repo.id, states: ['requested', 'approved', 'executing'], ...(input.model !== null ? { model: input.model } : {}) });
    const models = names.map((model): StatusModel => {
      const record = modelRecord(registry, model);
      return {
        model,
        versions: Object.keys(record.versions),
        stages: head.policy.stages.map((s) => {
          const version = record.stages[s.name] ?? null;
          const since = [...record.history].reverse().find((h) => h.stage === s.name && h.to === version)?.at ?? null;
          return { stage: s.name, version, since };
        }),
        pending: pending.filter((p) => p.model === model),
      };
    });
    return { kind: 'status', models, stages: head.policy.stages.map((s) => s.name) };
  }

  /** Requests left behind in `approved` or `executing` (a crash, a restart): executed to the end, exactly once. */
  async resume(): Promise<Promotion[]> {
    const resumed: Promotion[] = [];
    for (const promotion of await this.deps.store.resumablePromotions(this.deps.now())) {
      try {
        const github = await this.deps.github(repoOf(promotion));
        resumed.push(await this.execute(promotion, github, null, true));
      } catch (error) {
        this.deps.log.warn({ promotion: promotion.id, error: (error as Error).message }, 'Could not resume the promotion; it will be tried again.');
      }
    }
    return resumed;
  }

  /** Pending requests past their expiry: marked expired, and their messages say so. */
  async expire(): Promise<Promotion[]> {
    const expired = await this.deps.store.expirePromotions(this.deps.now());
    for (const promotion of expired) await this.notifySafely(promotion);
    return expired;
  }

  /** The view of a stored request, for messages. */
  async view(promotion: Promotion): Promise<PromotionView> {
    return this.viewOf(promotion, assessEvidence(promotion.evidence, new Date(promotion.updatedAt)), await this.deps.store.approvals(promotion.id));
  }

  private async viewOf(promotion: Promotion, checks: Check[], approvals: Approval[]): Promise<PromotionView> {
    return { promotion, checks, approvals: countingApprovals(approvals, promotion.evidenceDigest), diff: await this.comparison(promotion) };
  }

  /**
   * Runs an approved request's steps in order, each recorded before the next starts. Called
   * right after approval (`facts` fresh, nothing done yet) or to resume (`resumed`: any step not
   * recorded may still have happened, so it is looked up on GitHub before it is redone).
   */
  private async execute(promotion: Promotion, github: PromotionGitHub, facts: RepoFacts | null, resumed: boolean): Promise<Promotion> {
    const { store } = this.deps;
    if (!(await store.leaseExecution(promotion.id, this.deps.owner, this.leaseUntil()))) return promotion;
    try {
      let current = promotion;
      if (current.state === 'approved') {
        const executing = await store.transitionPromotion(current.id, { from: ['approved'], to: 'executing', actor: null, reason: null });
        if (executing === null) return (await store.getPromotion(current.id)) ?? current;
        current = executing;
      }
      // Done, but its messages may not say so yet (a crash right after): only the last step is left.
      if (current.state !== 'executing' && current.state !== 'done') return current;
      const approvals = countingApprovals(await store.approvals(current.id), current.evidenceDigest);
      const steps = await store.steps(current.id);
      const repo = repoOf(current);
      for (let step = nextStep(new Set(steps.keys())); step !== null; step = nextStep(new Set(steps.keys()))) {
        // Deployed: done, before the messages say so (a crash in between is resumed from here).
        if (steps.has('deployment_success') && current.state === 'executing') current = await this.markDone(current);
        await store.leaseExecution(current.id, this.deps.owner, this.leaseUntil());
        const result = await this.runStep(step, current, approvals, steps, github, facts, resumed, repo);
        if (result.kind === 'failed') return await this.fail(current, github, steps, result.reason);
        await store.recordStep(current.id, step, result.record);
        steps.set(step, result.record);
        if (result.patch) await store.updateResult(current.id, result.patch);
        current = (await store.getPromotion(current.id))!;
      }
      if (steps.has('deployment_success') && current.state === 'executing') current = await this.markDone(current);
      return current;
    } catch (error) {
      const attempts = (promotion.result.attempts ?? 0) + 1;
      await store.updateResult(promotion.id, { attempts, error: (error as Error).message.slice(0, 500) }).catch(() => undefined);
      if (attempts >= MAX_ATTEMPTS) {
        const latest = (await store.getPromotion(promotion.id)) ?? promotion;
        return this.fail(latest, github, await store.steps(promotion.id), `Execution failed ${attempts} times; the last error: ${(error as Error).message}`);
      }
      throw error;
    } finally {
      await store.releaseExecution(promotion.id, this.deps.owner).catch(() => undefined);
    }
  }

  private async runStep(
    step: ExecutionStep,
    p: Promotion,
    approvals: Approval[],
    steps: Map<ExecutionStep, Record<string, unknown>>,
    github: PromotionGitHub,
    facts: RepoFacts | null,
    resumed: boolean,
    repo: PromotionRepo,
  ): Promise<{ kind: 'ok'; record: Record<string, unknown>; patch?: Promotion['result'] } | { kind: 'failed'; reason: string }> {
    const registryPath = p.evidence.policy.registry;
    switch (step) {
      case 'registry_commit': {
        if (resumed) {
          const existing = await github.findCommit({ path: registryPath, since: p.createdAt }, (message) => hasPromotionTrailer(message, p.id));
          if (existing) return { kind: 'ok', record: existing, patch: { registryCommit: existing.sha, commitUrl: existing.url } };
        }
        const entry = historyEntry(p, approvals, this.deps.now());
        let current = facts;
        for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
          current ??= await github.facts({ registryPath });
          const registry = readRegistry(current.registry ?? '');
          if (!registry.ok) return { kind: 'failed', reason: `${registryPath} on ${p.branch} is invalid (${registry.errors[0]?.message ?? 'unknown error'}), so it was not changed. Fix it first.` };
          // The branch "moved" because our own commit landed (an answer lost on the way): done, not a conflict.
          if (attempt > 1 && registry.file.registry.models[p.model]?.history.some((h) => h.promotion === p.id)) {
            const landed = await github.findCommit({ path: registryPath, since: p.createdAt }, (message) => hasPromotionTrailer(message, p.id));
            if (landed) return { kind: 'ok', record: landed, patch: { registryCommit: landed.sha, commitUrl: landed.url } };
          }
          const edited = applyEdits(registry.file, [moveEdit(p, entry)]);
          if (!edited.ok) return { kind: 'failed', reason: `The registry changed since the approval: ${edited.error}` };
          const outcome = await github.commitFile({
            branch: p.branch,
            parent: current.head.commit,
            parentTree: current.head.tree,
            path: registryPath,
            content: edited.text,
            message: promotionCommitMessage(p, approvals),
          });
          if (outcome.ok) return { kind: 'ok', record: { sha: outcome.sha, url: outcome.url }, patch: { registryCommit: outcome.sha, commitUrl: outcome.url } };
          if (outcome.reason === 'refused') {
            return {
              kind: 'failed',
              reason: `GitHub refused the registry commit to ${p.branch}: ${outcome.message}. Allow the modelgate App to push to ${p.branch} (a branch protection or ruleset bypass for the App), then request again.`,
            };
          }
          // The branch moved: re-read it and re-apply the change to what is there now.
          current = null;
        }
        throw new Error(`${p.branch} kept moving: the registry commit was re-applied ${COMMIT_ATTEMPTS} times without landing.`);
      }
      case 'deployment': {
        const commit = String(steps.get('registry_commit')?.['sha'] ?? p.result.registryCommit ?? '');
        const request = deploymentRequest(p, approvals, commit);
        const page = deploymentsPage(repo.htmlUrl, request.environment);
        if (resumed) {
          const existing = await github.findDeployment({ ref: commit, environment: request.environment, promotion: p.id });
          if (existing) return { kind: 'ok', record: { id: existing.id }, patch: { deploymentId: existing.id, deploymentUrl: page, environment: request.environment } };
        }
        // GitHub shows production environments apart; a stage named production is one.
        const created = await github.createDeployment({ ref: commit, environment: request.environment, description: request.description, payload: { ...request.payload }, production: p.stage === 'production' });
        return { kind: 'ok', record: { id: created.id }, patch: { deploymentId: created.id, deploymentUrl: page, environment: request.environment } };
      }
      case 'deployment_in_progress':
      case 'deployment_success': {
        const id = Number(steps.get('deployment')?.['id'] ?? p.result.deploymentId);
        const environment = p.result.environment ?? deploymentRequest(p, approvals, '').environment;
        await github.setDeploymentStatus(id, {
          state: step === 'deployment_success' ? 'success' : 'in_progress',
          description: step === 'deployment_success' ? `${p.model} ${p.version} is in ${p.stage} (${p.id})` : `Promoting ${p.model} ${p.version} to ${p.stage} (${p.id})`,
          logUrl: p.result.commitUrl ?? null,
          environment,
        });
        return { kind: 'ok', record: { state: step === 'deployment_success' ? 'success' : 'in_progress' } };
      }
      case 'notify':
        await this.deps.notify((await this.deps.store.getPromotion(p.id)) ?? p);
        return { kind: 'ok', record: { at: this.deps.now().toISOString() } };
    }
  }

  private async markDone(p: Promotion): Promise<Promotion> {
    const done = await this.deps.store.transitionPromotion(p.id, { from: ['executing'], to: 'done', actor: null, reason: null });
    const after = done ?? (await this.deps.store.getPromotion(p.id))!;
    this.deps.log.info({ promotion: p.id, commit: after.result.registryCommit, deployment: after.result.deploymentId }, 'Promotion done.');
    return after;
  }

  /** Ends a request as failed, with the reason everywhere: its state, the deployment (if any), its messages. */
  private async fail(p: Promotion, github: PromotionGitHub, steps: Map<ExecutionStep, Record<string, unknown>>, reason: string): Promise<Promotion> {
    const deployment = Number(steps.get('deployment')?.['id'] ?? p.result.deploymentId ?? NaN);
    if (Number.isInteger(deployment) && !steps.has('deployment_success')) {
      await github
        .setDeploymentStatus(deployment, { state: 'failure', description: reason, environment: p.result.environment ?? p.stage })
        .catch((error: unknown) => this.deps.log.warn({ promotion: p.id, error: (error as Error).message }, 'Could not mark the deployment failed.'));
    }
    const failed = await this.deps.store.transitionPromotion(p.id, { from: ['approved', 'executing'], to: 'failed', actor: null, reason, result: { error: reason } });
    const after = failed ?? (await this.deps.store.getPromotion(p.id)) ?? p;
    this.deps.log.warn({ promotion: p.id, reason }, 'Promotion failed.');
    await this.notifySafely(after);
    return after;
  }

  private async notifySafely(p: Promotion): Promise<void> {
    try {
      await this.deps.notify(p);
    } catch (error) {
      this.deps.log.warn({ promotion: p.id, error: (error as Error).message }, 'Could not update the messages about the promotion.');
    }
  }

  private async pending(repo: PromotionRepo, id: string): Promise<{ kind: 'found'; promotion: Promotion } | { kind: 'unknown'; message: string } | { kind: 'done'; promotion: Promotion }> {
    const promotion = await this.deps.store.getPromotion(id);
    // Another repository's request is as good as unknown: ids say nothing across repositories.
    if (promotion === null || promotion.repoId !== repo.id) return { kind: 'unknown', message: `There is no promotion request ${id} in ${repo.fullName}.` };
    if (promotion.state === 'requested' && new Date(promotion.expiresAt) <= this.deps.now()) {
      const expired = await this.deps.store.transitionPromotion(id, { from: ['requested'], to: 'expired', actor: null, reason: 'The request expired before it was approved.' });
      const after = expired ?? (await this.deps.store.getPromotion(id))!;
      await this.notifySafely(after);
      return { kind: 'done', promotion: after };
    }
    return promotion.state === 'requested' ? { kind: 'found', promotion } : { kind: 'done', promotion };
  }

  /** The config and registry at the default branch's head: the promotion policy and the registry it governs. */
  private async readHead(github: PromotionGitHub, repo: PromotionRepo, registryPath = DEFAULT_REGISTRY_PATH): Promise<Head> {
    let facts = await github.facts({ registryPath });
    const config = configOf(facts.config);
    if (!config.ok) return { kind: 'invalid', message: `${CONFIG_PATH} on ${repo.defaultBranch} is invalid (${config.error}); fix it first.` };
    const policy = config.config.promotion;
    if (policy === null) {
      return {
        kind: 'not-configured',
        message: `${repo.fullName} has no promotion stages yet. Add a \`promotion:\` section to ${CONFIG_PATH} on ${repo.defaultBranch}, e.g. \`promotion: {stages: [{name: staging}, {name: production, after: staging, approvals: 2}]}\`; the README's Promotion section explains every key.`,
      };
    }
    // The config names another registry file: read that one (at the same commit).
    if (policy.registry !== registryPath) facts = await github.facts({ registryPath: policy.registry });
    const registry = readRegistry(facts.registry ?? '');
    if (!registry.ok) {
      const first = registry.errors[0]!;
      return { kind: 'invalid', message: `${policy.registry} on ${repo.defaultBranch} is invalid (line ${first.line}: ${first.message}); fix it first.` };
    }
    return { kind: 'ok', facts, config: config.config, policy, registry: registry.file };
  }

  /**
   * Everything a request is checked against, from one consistent read of GitHub (`facts`): the
   * config and registry at the head, the card, the pull request; plus the version's recorded
   * evaluation. A config or registry that no longer reads fails closed.
   */
  private async gather(repo: PromotionRepo, facts: RepoFacts, q: { model: string; version: string; stage: string; kind: PromotionKind; emergency: boolean }): Promise<Gathered> {
    const config = configOf(facts.config);
    if (!config.ok) throw new LookupError(`${CONFIG_PATH} on ${repo.defaultBranch} is invalid (${config.error}).`);
    const policy = config.config.promotion;
    if (policy === null) throw new LookupError(`${CONFIG_PATH} on ${repo.defaultBranch} no longer has a \`promotion:\` section.`);
    const stage = policy.stages.find((s) => s.name === q.stage);
    if (!stage) throw new LookupError(`The stage ${q.stage} is no longer in the promotion policy.`);
    const registry = readRegistry(facts.registry ?? '');
    if (!registry.ok) throw new LookupError(`${policy.registry} on ${repo.defaultBranch} is invalid (line ${registry.errors[0]!.line}: ${registry.errors[0]!.message}).`);
    const record = modelRecord(registry.file.registry, q.model);
    const entry = record.versions[q.version] ?? null;
    const evaluation = await this.deps.store.latestEvaluation({
      repoId: repo.id,
      model: q.model,
      modelVersion: q.version,
      status: 'success',
      // Only evaluations of the version's own pull request or of the default branch count: a fork's run cannot vouch for a version.
      refs: [repo.defaultBranch, ...(entry?.pr ? [`refs/pull/${entry.pr}/head`] : [])],
    });
    const { evidence } = buildEvidence({
      config: config.config,
      policy,
      stage,
      repoId: repo.id,
      model: q.model,
      version: q.version,
      kind: q.kind,
      emergency: q.emergency,
      record,
      card: facts.card ? { bytes: facts.card, digest: `sha256:${this.deps.sha256(facts.card)}` } : null,
      evaluation,
      pr: facts.pr,
    });
    return { facts, evidence, policy, stagePolicy: stage, comparison: await this.comparisonOf(repo, config.config, record, evidence, evaluation) };
  }

  /** What the request's metric diff compares: this version's evaluation with the one of the version in the stage. */
  private async comparisonOf(repo: PromotionRepo, config: Config, record: ReturnType<typeof modelRecord>, evidence: Evidence, evaluation: Evaluation | null): Promise<Promotion['comparison']> {
    const holder = evidence.current;
    const holderEvaluation = holder ? (record.versions[holder]?.evaluation?.id ?? null) : null;
    let base: Promotion['comparison']['base'] = null;
    if (holder && holderEvaluation !== null) base = { version: holder, evaluation: holderEvaluation };
    else if (holder) {
      const latest = await this.deps.store.latestEvaluation({ repoId: repo.id, model: evidence.model, modelVersion: holder, status: 'success', refs: [repo.defaultBranch] });
      if (latest) base = { version: holder, evaluation: latest.id };
    }
    return { head: evaluation?.id ?? null, base, rules: config.metrics as Array<Record<string, unknown>> };
  }

  private async comparison(p: Promotion): Promise<PromotionView['diff']> {
    const { head, base, rules } = p.comparison;
    if (head === null) return null;
    const candidate = await this.deps.store.getEvaluation(head);
    if (!candidate) return null;
    const holder = base ? await this.deps.store.getEvaluation(base.evaluation) : null;
    const baseSet = holder ? evaluationMetricSet(holder) : { ...evaluationMetricSet(candidate), metrics: new MetricTable(), file: 'none' };
    const diff = compareMetrics(baseSet, evaluationMetricSet(candidate), { rules: rules as MetricRule[] });
    const baseline: Baseline = holder && base ? { label: `${p.stage} (${base.version})`, sha: holder.sha, version: base.version } : { label: `none: ${p.stage} holds no evaluated version` };
    return { diff, baseline };
  }

  private digest(evidence: Evidence): string {
    return `sha256:${this.deps.sha256(evidenceDigestInput(evidence))}`;
  }

  private leaseUntil(): Date {
    return new Date(this.deps.now().getTime() + (this.deps.leaseMs ?? LEASE_MS));
  }
}

type Head =
  | { kind: 'ok'; facts: RepoFacts; config: Config; policy: PromotionPolicy; registry: RegistryFile }
  | { kind: 'not-configured'; message: string }
  | { kind: 'invalid'; message: string };

interface Gathered {
  facts: RepoFacts;
  evidence: Evidence;
  policy: PromotionPolicy;
  stagePolicy: StagePolicy;
  comparison: Promotion['comparison'];
}

function configOf(text: string | null): { ok: true; config: Config } | { ok: false; error: string } {
  const parsed = parseConfig(text ?? '');
  if (parsed.ok) return parsed;
  const first = parsed.errors[0]!;
  return { ok: false, error: `line ${first.line}: ${first.message}` };
}

/** The repository context of a stored request (to resume it without the event that started it). */
export function repoOf(p: Promotion): PromotionRepo {
  const [owner = '', name = ''] = p.repoFullName.split('/');
  return { id: p.repoId, owner, name, fullName: p.repoFullName, defaultBranch: p.branch, htmlUrl: p.repoUrl, installationId: p.installationId };
}
