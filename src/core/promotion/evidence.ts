import { validateCard, type CardReport } from '../cards/index.js';
import type { Config } from '../config/index.js';
import type { Evaluation } from '../evaluation/index.js';
import type { PromotionPolicy, StagePolicy } from './policy-schema.js';
import type { ModelRecord } from './registry.js';
import type { Actor, Evidence, PromotionKind } from './types.js';

/** What the adapters fetched about a version's pull request. */
export interface PullFacts {
  number: number;
  merged: boolean;
  /** GitHub's review decision: APPROVED, CHANGES_REQUESTED, REVIEW_REQUIRED, or null when branch protection requires no review. */
  decision: string | null;
  /** The latest opinionated review of each reviewer (APPROVED, CHANGES_REQUESTED, DISMISSED). */
  reviews: ReadonlyArray<{ state: string; author: Actor | null }>;
  author: Actor | null;
  url: string;
}

export interface EvidenceInput {
  config: Config;
  policy: PromotionPolicy;
  stage: StagePolicy;
  repoId: number;
  model: string;
  version: string;
  kind: PromotionKind;
  emergency: boolean;
  record: ModelRecord;
  /** The card at the version's commit: its bytes and their digest (`sha256:…`); null when it could not be read there. */
  card: { bytes: Uint8Array; digest: string } | null;
  evaluation: Evaluation | null;
  pr: PullFacts | null;
}

/** The evidence of a request, from facts the adapters fetched. */
export function buildEvidence(input: EvidenceInput): { evidence: Evidence; cardReport: CardReport | null } {
  const { record, version, stage } = input;
  const entry = record.versions[version] ?? null;
  const cardReport = input.card && entry ? validateCard(entry.card, input.card.bytes, input.config) : null;
  const evaluation = input.evaluation;
  const manifest = evaluation?.manifest as { files?: { metrics?: { sha256?: unknown } } } | null | undefined;
  const metricsSha = manifest?.files?.metrics?.sha256;
  return {
    cardReport,
    evidence: {
      repoId: input.repoId,
      model: input.model,
      version,
      stage: stage.name,
      kind: input.kind,
      emergency: input.emergency,
      current: record.stages[stage.name] ?? null,
      registered: entry ? { commit: entry.commit, card: entry.card, cardDigest: entry.card_digest, pr: entry.pr } : null,
      card: input.card && cardReport ? { digest: input.card.digest, errors: cardReport.errors, warnings: cardReport.warnings } : null,
      evaluation: evaluation
        ? { id: evaluation.id, metricsDigest: typeof metricsSha === 'string' ? `sha256:${metricsSha}` : null, gatesPassed: evaluation.verdict, runUrl: evaluation.runUrl }
        : null,
      pr: input.pr ? { number: input.pr.number, merged: input.pr.merged, approved: pullApproved(input.pr), decision: input.pr.decision, author: input.pr.author, url: input.pr.url } : null,
      soak: stage.after === null ? null : timeInStage(record, stage.after, version),
      policy: {
        ...stage,
        registry: input.policy.registry,
        emergency: input.policy.emergency,
        emergencySelfApprove: input.policy.emergencySelfApprove,
        excludePrAuthor: input.policy.excludePrAuthor,
        environment: input.policy.environment,
      },
    },
  };
}

/**
 * Approved means approved, never "no decision": GitHub's review decision when branch
 * protection requires reviews; otherwise (decision null) the reviews themselves: at least one
 * approval and no outstanding request for changes, each reviewer counted by their latest
 * opinion. A PR without reviews is not approved.
 */
export function pullApproved(pr: Pick<PullFacts, 'decision' | 'reviews' | 'author'>): boolean {
  if (pr.decision !== null) return pr.decision === 'APPROVED';
  const opinions = pr.reviews.filter((r) => r.author !== null && r.author.id !== pr.author?.id);
  return opinions.some((r) => r.state === 'APPROVED') && !opinions.some((r) => r.state === 'CHANGES_REQUESTED');
}

/** When the version entered `stage` last, and when it left it since (null: still there). */
export function timeInStage(record: ModelRecord, stage: string, version: string): { stage: string; since: string | null; until: string | null } {
  let since: string | null = null;
  let until: string | null = null;
  for (const entry of record.history) {
    if (entry.stage !== stage) continue;
    if (entry.to === version) {
      since = entry.at;
      until = null;
    } else if (since !== null && until === null) {
      until = entry.at;
    }
  }
  return { stage, since, until };
}

/**
 * The text an approval's digest is computed over: the model, version, card digest, evaluation id
 * and metrics digest, target stage, the version the stage holds, the kind of move, and the
 * policy itself. Canonical (sorted keys), so the same evidence always gives the same digest;
 * the adapter hashes it (SHA-256).
 */
export function evidenceDigestInput(e: Evidence): string {
  return canonicalJson({
    v: 1,
    repo: e.repoId,
    model: e.model,
    version: e.version,
    stage: e.stage,
    kind: e.kind,
    emergency: e.emergency,
    current: e.current,
    commit: e.registered?.commit ?? null,
    card: e.registered?.cardDigest ?? null,
    evaluation: e.evaluation ? { id: e.evaluation.id, metrics: e.evaluation.metricsDigest } : null,
    policy: e.policy,
  });
}

/** Why two evidences differ, for the request's message when approvals are voided. */
export function evidenceChanges(before: Evidence, after: Evidence): string[] {
  const changes: string[] = [];
  if (before.current !== after.current) changes.push(`${after.stage} now holds ${after.current ?? 'no version'} (it held ${before.current ?? 'no version'} when the request was made)`);
  if ((before.evaluation?.id ?? null) !== (after.evaluation?.id ?? null)) {
    changes.push(after.evaluation ? `a new evaluation of ${after.version} was recorded (evaluation ${after.evaluation.id}${before.evaluation ? `, was ${before.evaluation.id}` : ''})` : `the evaluation of ${after.version} is no longer recorded`);
  } else if ((before.evaluation?.metricsDigest ?? null) !== (after.evaluation?.metricsDigest ?? null)) {
    changes.push('the evaluation\'s metrics changed');
  }
  if ((before.registered?.cardDigest ?? null) !== (after.registered?.cardDigest ?? null) || (before.registered?.commit ?? null) !== (after.registered?.commit ?? null)) {
    changes.push(`the registered evidence of ${after.version} changed`);
  }
  if (canonicalJson(before.policy) !== canonicalJson(after.policy)) changes.push(`the promotion policy of ${after.stage} changed`);
  if (changes.length === 0 && evidenceDigestInput(before) !== evidenceDigestInput(after)) changes.push('the evidence changed');
  return changes;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
