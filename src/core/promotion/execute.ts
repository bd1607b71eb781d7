import type { HistoryEntry, RegisteredVersion, RegistryEdit } from './registry.js';
import { environmentName } from './policy.js';
import type { Approval, Promotion } from './types.js';

/**
 * What executing an approved request writes: one registry commit (with trailers that let a
 * restarted App find it again), and one deployment whose payload names the same promotion.
 */

/** The history entry the registry commit appends. */
export function historyEntry(p: Pick<Promotion, 'id' | 'stage' | 'fromVersion' | 'version' | 'requestedBy' | 'kind' | 'emergency'>, approvals: readonly Approval[], at: Date): HistoryEntry {
  const entry: HistoryEntry = {
    stage: p.stage,
    from: p.fromVersion,
    to: p.version,
    promotion: p.id,
    requested_by: p.requestedBy.login,
    approved_by: approvals.map((a) => a.approver.login),
    at: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  if (p.emergency !== null) entry.reason = p.emergency;
  if (p.kind === 'rollback') entry.rollback = true;
  if (p.emergency !== null) entry.emergency = true;
  return entry;
}

export function moveEdit(p: Pick<Promotion, 'model' | 'stage'>, entry: HistoryEntry): RegistryEdit {
  return { kind: 'move', model: p.model, stage: p.stage, entry };
}

export const PROMOTION_TRAILER = 'Promotion-Id';

/** The registry commit's message: a subject, the facts, and trailers (`git interpret-trailers` reads them). */
export function promotionCommitMessage(p: Pick<Promotion, 'id' | 'model' | 'version' | 'stage' | 'fromVersion' | 'requestedBy' | 'kind' | 'emergency' | 'evidenceDigest'>, approvals: readonly Approval[]): string {
  const verb = p.kind === 'rollback' ? 'Roll back' : 'Promote';
  const subject =
    p.kind === 'rollback'
      ? `${verb} ${p.model} ${p.stage} to ${p.version}${p.fromVersion ? ` (from ${p.fromVersion})` : ''}`
      : `${verb} ${p.model} ${p.version} to ${p.stage}${p.fromVersion ? ` (replacing ${p.fromVersion})` : ''}`;
  const body = [
    p.emergency !== null ? `EMERGENCY: ${oneLine(p.emergency)}` : null,
    `Requested by @${p.requestedBy.login}; approved by ${approvals.length ? approvals.map((a) => `@${a.approver.login}`).join(', ') : 'nobody (the stage needs no approval)'}.`,
    `Evidence: ${p.evidenceDigest}`,
  ].filter((l): l is string => l !== null);
  const trailers = [`${PROMOTION_TRAILER}: ${p.id}`, `Requested-by: ${p.requestedBy.login}`, ...approvals.map((a) => `Approved-by: ${a.approver.login}`)];
  return `${p.emergency !== null ? '[EMERGENCY] ' : ''}${subject}\n\n${body.join('\n')}\n\n${trailers.join('\n')}\n`;
}

/** Whether a commit message carries this promotion's trailer (how a restarted App finds a commit it may have made). */
export function hasPromotionTrailer(message: string, id: string): boolean {
  return message.split(/\r?\n/).some((line) => line.trim() === `${PROMOTION_TRAILER}: ${id}`);
}

/** The deployment's environment and payload: everything a deploy workflow needs, nothing it must look up. */
export function deploymentRequest(p: Promotion, approvals: readonly Approval[], registryCommit: string): { environment: string; payload: DeploymentPayload; description: string } {
  const environment = environmentName(p.evidence.policy.environment, p.model, p.stage);
  return {
    environment,
    description: `${p.emergency !== null ? 'EMERGENCY ' : ''}${p.kind === 'rollback' ? 'rollback' : 'promotion'} ${p.id}: ${p.model} ${p.version} to ${p.stage}`.slice(0, 140),
    payload: {
      modelgate: 1,
      promotion: p.id,
      kind: p.kind,
      model: p.model,
      version: p.version,
      stage: p.stage,
      from: p.fromVersion,
      card: p.evidence.registered?.card ?? null,
      commit: p.evidence.registered?.commit ?? null,
      registry_commit: registryCommit,
      requested_by: p.requestedBy.login,
      approvers: approvals.map((a) => a.approver.login),
      emergency: p.emergency !== null,
      reason: p.emergency,
      evidence_digest: p.evidenceDigest,
    },
  };
}

export interface DeploymentPayload {
  modelgate: 1;
  promotion: string;
  kind: 'promote' | 'rollback';
  model: string;
  version: string;
  stage: string;
  from: string | null;
  card: string | null;
  commit: string | null;
  registry_commit: string;
  requested_by: string;
  approvers: string[];
  emergency: boolean;
  reason: string | null;
  evidence_digest: string;
}

/** The registration commit's message (a merged pull request's new versions). */
export function registrationCommitMessage(versions: ReadonlyArray<{ model: string; version: string; entry: RegisteredVersion }>, pr: number): string {
  const subject = versions.length === 1 ? `Register ${versions[0]!.model} ${versions[0]!.version}` : `Register ${versions.length} model versions`;
  const lines = versions.map((v) => `- ${v.model} ${v.version}: ${v.entry.card} at ${v.entry.commit.slice(0, 7)}${v.entry.evaluation ? `, evaluation ${v.entry.evaluation.id}` : ', no evaluation recorded'}`);
  return `${subject}\n\nFrom pull request #${pr}:\n${lines.join('\n')}\n\nRegistered-from: #${pr}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
