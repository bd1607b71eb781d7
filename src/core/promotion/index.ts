/**
 * Promotion: the registry document, the policy, the evidence a request is checked against and
 * its digest, the request's state machine, and what execution writes. Plain data in, plain data
 * out; src/promotion runs it over the store and GitHub.
 */
export {
  DEFAULT_REGISTRY_PATH,
  PromotionPolicySchema,
  REQUIREMENTS,
  resolvePromotionPolicy,
  StagePolicySchema,
  type PromotionPolicy,
  type PromotionPolicyInput,
  type Requirement,
  type StagePolicy,
} from './policy-schema.js';
export { durationMs, formatDuration } from './duration.js';
export { GITHUB_LOGIN, GITHUB_TEAM, isGitHubLogin, isModelName, isPromotionId, isStageName, isVersionName, parseTeam, PROMOTION_ID, STAGE_NAME } from './names.js';
export {
  applyEdits,
  checkRegistryChange,
  historyRewrites,
  modelRecord,
  readRegistry,
  REGISTRY_SCHEMA_VERSION,
  registryJsonSchema,
  RegistrySchema,
  type ApplyResult,
  type HistoryEntry,
  type ModelRecord,
  type ReadRegistryResult,
  type RegisteredVersion,
  type Registry,
  type RegistryEdit,
  type RegistryFile,
} from './registry.js';
export { buildEvidence, canonicalJson, evidenceChanges, evidenceDigestInput, pullApproved, timeInStage, type EvidenceInput, type PullFacts } from './evidence.js';
export {
  approverCandidates,
  approverProblem,
  assessEvidence,
  chooseStage,
  countingApprovals,
  describeApprovers,
  environmentName,
  passes,
  requiredApprovals,
  rollbackTarget,
  satisfiable,
  type ApproverFacts,
  type Check,
  type StageChoice,
} from './policy.js';
export { canTransition, isTerminal, nextStep, statesBefore } from './state.js';
export {
  deploymentRequest,
  hasPromotionTrailer,
  historyEntry,
  moveEdit,
  PROMOTION_TRAILER,
  promotionCommitMessage,
  registrationCommitMessage,
  type DeploymentPayload,
} from './execute.js';
export {
  ACTIVE_STATES,
  ActorSchema,
  ApprovalSchema,
  AuditEntrySchema,
  ComparisonSchema,
  EvidenceSchema,
  EXECUTION_STEPS,
  ExecutionStepSchema,
  PROMOTION_STATES,
  PromotionKindSchema,
  PromotionResultSchema,
  PromotionSchema,
  PromotionStateSchema,
  RequestSourceSchema,
  type Actor,
  type Approval,
  type AuditEntry,
  type Comparison,
  type Evidence,
  type ExecutionStep,
  type Promotion,
  type PromotionKind,
  type PromotionResult,
  type PromotionState,
  type RequestSource,
} from './types.js';
export type { PromotionView, StatusModel } from './view.js';
