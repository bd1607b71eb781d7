import { z } from 'zod';
import { REQUIREMENTS } from './policy-schema.js';

/**
 * A promotion request, as the store keeps it: a state machine
 * `requested → approved → executing → done | failed`, which may also end `rejected`, `expired`
 * or `void` (its evidence changed). At most one request per (repository, model, stage) is
 * active (requested, approved or executing) at a time. The schemas are the domain's; the store
 * validates every row it reads back against them.
 */
export const PROMOTION_STATES = ['requested', 'approved', 'executing', 'done', 'failed', 'rejected', 'expired', 'void'] as const;
export const PromotionStateSchema = z.enum(PROMOTION_STATES);
export type PromotionState = z.infer<typeof PromotionStateSchema>;
export const ACTIVE_STATES: readonly PromotionState[] = ['requested', 'approved', 'executing'];

export const PromotionKindSchema = z.enum(['promote', 'rollback']);
export type PromotionKind = z.infer<typeof PromotionKindSchema>;

const Id = z.number().int().positive();
const Timestamp = z.iso.datetime();

/** A GitHub identity: the id is what counts (logins can be renamed and reused). */
export const ActorSchema = z.strictObject({ id: Id, login: z.string().min(1).max(39) });
export type Actor = z.infer<typeof ActorSchema>;

/** Where a request was made, so its messages go back there. */
export const RequestSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('github'),
    issue: Id,
    /** The Slack channel the repository's policy announces requests in (promotion.slack_channel), when it names one. */
    slackChannel: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('slack'), team: z.string().min(1), channel: z.string().min(1), user: z.string().min(1) }),
]);
export type RequestSource = z.infer<typeof RequestSourceSchema>;

const EvidencePolicySchema = z.strictObject({
  name: z.string(),
  /** The registry file the policy names. */
  registry: z.string(),
  approvals: z.number().int().nonnegative(),
  approvers: z.array(z.string()).nullable(),
  after: z.string().nullable(),
  soakMs: z.number().nonnegative(),
  require: z.array(z.enum(REQUIREMENTS)),
  rollbackApprovals: z.number().int().nonnegative(),
  emergency: z.enum(['allow', 'deny']),
  emergencySelfApprove: z.boolean(),
  excludePrAuthor: z.boolean(),
  environment: z.string(),
});

/** The facts a request is checked against; its digest binds approvals to exactly these. */
export const EvidenceSchema = z.strictObject({
  repoId: Id,
  model: z.string(),
  version: z.string(),
  stage: z.string(),
  kind: PromotionKindSchema,
  emergency: z.boolean(),
  /** The version the stage holds now; null when none. */
  current: z.string().nullable(),
  /** The version's registry entry. */
  registered: z.strictObject({ commit: z.string(), card: z.string(), cardDigest: z.string(), pr: Id.nullable() }).nullable(),
  /** The card as read at the version's commit. */
  card: z.strictObject({ digest: z.string(), errors: z.number().int().nonnegative(), warnings: z.number().int().nonnegative() }).nullable(),
  /** The latest successful recorded evaluation of the version. */
  evaluation: z.strictObject({ id: Id, metricsDigest: z.string().nullable(), gatesPassed: z.boolean().nullable(), runUrl: z.string() }).nullable(),
  /** The version's pull request. */
  pr: z
    .strictObject({ number: Id, merged: z.boolean(), approved: z.boolean(), decision: z.string().nullable(), author: ActorSchema.nullable(), url: z.string() })
    .nullable(),
  /** Time the version spent in the stage it must come `after`. */
  soak: z.strictObject({ stage: z.string(), since: z.string().nullable(), until: z.string().nullable() }).nullable(),
  policy: EvidencePolicySchema,
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const ApprovalSchema = z.strictObject({
  approver: ActorSchema,
  /** The evidence digest the approval was given for. */
  digest: z.string(),
  at: Timestamp,
  via: z.enum(['github', 'slack']),
});
export type Approval = z.infer<typeof ApprovalSchema>;

/** What execution produced, step by step (each recorded before the next starts). */
export const PromotionResultSchema = z.strictObject({
  registryCommit: z.string().optional(),
  commitUrl: z.string().optional(),
  deploymentId: Id.optional(),
  deploymentUrl: z.string().optional(),
  environment: z.string().optional(),
  error: z.string().optional(),
  /** Failed execution attempts so far (each retried until the cap). */
  attempts: z.number().int().nonnegative().optional(),
});
export type PromotionResult = z.infer<typeof PromotionResultSchema>;

/** What the request's metric diff compares: the candidate's evaluation with the stage holder's, under these rules. */
export const ComparisonSchema = z.strictObject({
  head: Id.nullable(),
  base: z.strictObject({ version: z.string(), evaluation: Id }).nullable(),
  rules: z.array(z.record(z.string(), z.unknown())),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

export const PromotionSchema = z.strictObject({
  id: z.string(),
  repoId: Id,
  repoFullName: z.string(),
  /** The repository's web address (github.com or a GitHub Enterprise host), for links. */
  repoUrl: z.string(),
  /** The default branch: the registry lives there. */
  branch: z.string(),
  installationId: Id,
  model: z.string(),
  version: z.string(),
  stage: z.string(),
  kind: PromotionKindSchema,
  /** The emergency's reason; null when this is not an emergency. */
  emergency: z.string().nullable(),
  /** The version the stage held when the request was made. */
  fromVersion: z.string().nullable(),
  requestedBy: ActorSchema,
  state: PromotionStateSchema,
  /** Why the request is in its state, for people (rejections, voids, failures). */
  stateReason: z.string().nullable(),
  evidenceDigest: z.string(),
  evidence: EvidenceSchema,
  approvalsRequired: z.number().int().nonnegative(),
  source: RequestSourceSchema,
  comparison: ComparisonSchema,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  expiresAt: Timestamp,
  result: PromotionResultSchema,
});
export type Promotion = z.infer<typeof PromotionSchema>;

export const EXECUTION_STEPS = ['registry_commit', 'deployment', 'deployment_in_progress', 'deployment_success', 'notify'] as const;
export const ExecutionStepSchema = z.enum(EXECUTION_STEPS);
export type ExecutionStep = z.infer<typeof ExecutionStepSchema>;

/** One line of a request's append-only audit log. */
export const AuditEntrySchema = z.strictObject({
  at: Timestamp,
  actor: ActorSchema.nullable(),
  action: z.string(),
  fromState: PromotionStateSchema.nullable(),
  toState: PromotionStateSchema.nullable(),
  digest: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
