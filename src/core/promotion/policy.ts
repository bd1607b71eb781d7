import { didYouMean } from '../common/suggest.js';
import { formatDuration } from './duration.js';
import { parseTeam } from './names.js';
import type { PromotionPolicy, StagePolicy } from './policy-schema.js';
import type { ModelRecord } from './registry.js';
import type { Actor, Approval, Evidence, PromotionKind } from './types.js';

/** One requirement of a request, checked against its evidence. */
export interface Check {
  id: 'registered' | 'not-in-stage' | 'emergency' | 'stage-order' | 'soak' | 'card_valid' | 'gates_passed' | 'pr_approved';
  ok: boolean;
  /** Plain text for people: what was found, and what to do when it fails. */
  message: string;
  /** Not required here (an emergency, a rollback, or a stage that does not ask for it). */
  skipped?: true;
}

export type StageChoice = { ok: true; stage: StagePolicy } | { ok: false; error: string };

/**
 * The stage a promotion targets: the one named (it must exist), else the next stage in order
 * for that version — the first after the furthest stage it has ever been moved into, or the
 * first stage.
 */
export function chooseStage(policy: PromotionPolicy, record: ModelRecord, version: string, named: string | null): StageChoice {
  if (named !== null) {
    const stage = policy.stages.find((s) => s.name === named);
    if (stage) return { ok: true, stage };
    const suggestion = didYouMean(named, policy.stages.map((s) => s.name));
    return { ok: false, error: `There is no stage "${named}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; the stages are ${policy.stages.map((s) => s.name).join(', ')}.` };
  }
  const reached = new Set(record.history.filter((h) => h.to === version).map((h) => h.stage));
  for (const [name, held] of Object.entries(record.stages)) if (held === version) reached.add(name);
  let furthest = -1;
  policy.stages.forEach((s, i) => {
    if (reached.has(s.name)) furthest = i;
  });
  const next = policy.stages[furthest + 1];
  if (!next) return { ok: false, error: `${version} has already been through every stage (${policy.stages.map((s) => s.name).join(', ')}); name a stage to promote it again.` };
  return { ok: true, stage: next };
}

/** A rollback's target: the version the stage held before its current one, from the history. */
export function rollbackTarget(record: ModelRecord, stage: string): { ok: true; version: string; current: string } | { ok: false; error: string } {
  const current = record.stages[stage];
  if (current === undefined) return { ok: false, error: `${stage} holds no version, so there is nothing to roll back.` };
  const last = [...record.history].reverse().find((h) => h.stage === stage && h.to === current);
  if (!last || last.from === null) return { ok: false, error: `The history has no version that ${stage} held before ${current}, so there is nothing to roll back to.` };
  return { ok: true, version: last.from, current };
}

/** Approvals a request needs: rollbacks may need fewer (`rollback_approvals`). */
export function requiredApprovals(stage: StagePolicy, kind: PromotionKind): number {
  return kind === 'rollback' ? stage.rollbackApprovals : stage.approvals;
}

/**
 * Every requirement of the request against its evidence. Emergencies skip the evaluation and
 * soak requirements (never the approval); rollbacks return to a version the stage held before,
 * so the stage order and soak do not apply to them.
 */
export function assessEvidence(evidence: Evidence, now: Date): Check[] {
  const { policy, version, stage } = evidence;
  const checks: Check[] = [];
  const emergency = evidence.emergency;
  const rollback = evidence.kind === 'rollback';
  const label = `${evidence.model} ${version}`;

  checks.push(
    evidence.registered
      ? { id: 'registered', ok: true, message: `${label} is registered (commit ${evidence.registered.commit.slice(0, 7)}${evidence.registered.pr ? `, pull request #${evidence.registered.pr}` : ''}).` }
      : { id: 'registered', ok: false, message: `${label} is not registered. Merge the pull request that adds its card with \`modelgate: {model: ${evidence.model}, version: ${version}}\`; merging registers it.` },
  );
  checks.push(
    evidence.current === version
      ? { id: 'not-in-stage', ok: false, message: `${stage} already holds ${version}.` }
      : { id: 'not-in-stage', ok: true, message: `${stage} holds ${evidence.current ?? 'no version'} now.` },
  );
  if (emergency) {
    checks.push(
      policy.emergency === 'allow'
        ? { id: 'emergency', ok: true, message: 'Emergency: the evaluation and soak requirements are skipped.' }
        : { id: 'emergency', ok: false, message: 'Emergency promotions are not allowed here. Set `promotion.emergency: allow` in .github/modelgate.yml to allow them.' },
    );
  }

  if (policy.after !== null) {
    const skip = emergency || rollback;
    const soak = evidence.soak;
    const since = soak?.since ? new Date(soak.since) : null;
    if (skip) {
      checks.push({ id: 'stage-order', ok: true, skipped: true, message: `${emergency ? 'Emergency' : 'Rollback'}: ${policy.after} first is not required.` });
    } else if (since === null) {
      checks.push({ id: 'stage-order', ok: false, message: `${version} must be in ${policy.after} before ${stage}. Promote it to ${policy.after} first.` });
    } else {
      checks.push({ id: 'stage-order', ok: true, message: `${version} was promoted to ${policy.after} at ${soak!.since}.` });
      if (policy.soakMs > 0) {
        const end = soak?.until ? new Date(soak.until) : now;
        const spent = end.getTime() - since.getTime();
        checks.push(
          spent >= policy.soakMs
            ? { id: 'soak', ok: true, message: `It soaked in ${policy.after} for ${formatDuration(spent)} (${formatDuration(policy.soakMs)} required).` }
            : {
                id: 'soak',
                ok: false,
                message: soak?.until
                  ? `It was in ${policy.after} for only ${formatDuration(spent)} of the ${formatDuration(policy.soakMs)} soak before it left.`
                  : `It has been in ${policy.after} for ${formatDuration(spent)} of the ${formatDuration(policy.soakMs)} soak; try again in ${formatDuration(policy.soakMs - spent)}.`,
              },
        );
      }
    }
  }

  const required = new Set(policy.require);
  if (required.has('card_valid')) {
    const card = evidence.card;
    const registered = evidence.registered;
    if (!card || !registered) checks.push({ id: 'card_valid', ok: false, message: `The card of ${label} could not be read at its registered commit.` });
    else if (card.digest !== registered.cardDigest) checks.push({ id: 'card_valid', ok: false, message: `The card at ${registered.commit.slice(0, 7)} does not match the digest registered for ${version}.` });
    else if (card.errors > 0) checks.push({ id: 'card_valid', ok: false, message: `The card ${registered.card} has ${card.errors} ${card.errors === 1 ? 'error' : 'errors'}; fix it in a new version.` });
    else checks.push({ id: 'card_valid', ok: true, message: `The card ${registered.card} is valid${card.warnings ? ` (${card.warnings} ${card.warnings === 1 ? 'warning' : 'warnings'})` : ''}.` });
  } else {
    checks.push({ id: 'card_valid', ok: true, skipped: true, message: 'Not required by this stage.' });
  }

  if (required.has('gates_passed') && !emergency && !rollback) {
    const e = evidence.evaluation;
    if (e === null) checks.push({ id: 'gates_passed', ok: false, message: `No successful evaluation of ${label} is recorded. Run the evaluation workflow on its pull request or branch.` });
    else if (e.gatesPassed === null) checks.push({ id: 'gates_passed', ok: false, message: `Evaluation ${e.id} applied no metric gate. Add \`metrics:\` gates to .github/modelgate.yml, or drop gates_passed from this stage's \`require\`.` });
    else if (!e.gatesPassed) checks.push({ id: 'gates_passed', ok: false, message: `Evaluation ${e.id} failed its metric gates.` });
    else checks.push({ id: 'gates_passed', ok: true, message: `Evaluation ${e.id} passed its metric gates.` });
  } else {
    checks.push({ id: 'gates_passed', ok: true, skipped: true, message: !required.has('gates_passed') ? 'Not required by this stage.' : emergency ? 'Emergency: not required.' : 'Rollback: not required.' });
  }

  if (required.has('pr_approved')) {
    const pr = evidence.pr;
    if (pr === null) checks.push({ id: 'pr_approved', ok: false, message: `${label} has no pull request on record, so its review cannot be checked.` });
    else if (!pr.merged) checks.push({ id: 'pr_approved', ok: false, message: `Pull request #${pr.number} is not merged.` });
    else if (!pr.approved) {
      checks.push({ id: 'pr_approved', ok: false, message: `Pull request #${pr.number} was not approved (review decision: ${pr.decision ?? 'no required review, and no approving review'}).` });
    } else checks.push({ id: 'pr_approved', ok: true, message: `Pull request #${pr.number} was approved and merged.` });
  } else {
    checks.push({ id: 'pr_approved', ok: true, skipped: true, message: 'Not required by this stage.' });
  }
  return checks;
}

export const passes = (checks: readonly Check[]): boolean => checks.every((c) => c.ok);

/** What we know about a would-be approver, fetched at the moment they approve. */
export interface ApproverFacts {
  /** The listed teams (`@org/slug`, lowercase) they are an active member of. */
  teams: ReadonlySet<string>;
  /** Whether they can push to the repository; null when not looked up (the stage lists approvers). */
  writeAccess: boolean | null;
}

/** Why `approver` may not approve, or null when they may. Four-eyes: the requester never counts, one identity counts once. */
export function approverProblem(
  request: { requestedBy: Actor; evidence: Evidence },
  approver: Actor,
  facts: ApproverFacts,
  approvals: readonly Approval[],
): string | null {
  const { policy } = request.evidence;
  const emergencySelf = request.evidence.emergency && policy.emergencySelfApprove;
  if (approver.id === request.requestedBy.id && !emergencySelf) return 'you made this request, and someone else must approve it (four-eyes).';
  if (policy.excludePrAuthor && request.evidence.pr?.author?.id === approver.id) return `you authored pull request #${request.evidence.pr.number}, which this version comes from, and this repository does not let its author approve.`;
  if (approvals.some((a) => a.approver.id === approver.id)) return 'you have already approved it; each person counts once.';
  if (policy.approvers === null) return facts.writeAccess ? null : 'only people with write access to the repository may approve.';
  if (isListed(policy.approvers, approver.login, facts.teams)) return null;
  return `only ${describeApprovers(policy.approvers)} may approve ${request.evidence.stage}.`;
}

function isListed(approvers: readonly string[], login: string, teams: ReadonlySet<string>): boolean {
  return approvers.some((a) => (parseTeam(a) ? teams.has(a.toLowerCase()) : a.toLowerCase() === login.toLowerCase()));
}

/** "alice, bob or members of @acme/ml-leads"; "anyone with write access" for none. */
export function describeApprovers(approvers: readonly string[] | null): string {
  if (approvers === null) return 'anyone with write access';
  const people = approvers.filter((a) => !parseTeam(a));
  const teams = approvers.filter((a) => parseTeam(a));
  const parts = [...people, ...(teams.length ? [`members of ${teams.join(', ')}`] : [])];
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/**
 * Whether the request can ever be approved: enough distinct eligible people besides the
 * requester (and the PR's author, when excluded). `candidates` are the people the approvers
 * list stands for (listed logins and team members, or the collaborators with write access);
 * people are told apart by login here, as listed logins have no id until they act.
 */
export function satisfiable(request: { requestedBy: Actor; evidence: Evidence }, required: number, candidates: ReadonlyArray<{ login: string }>): { ok: true } | { ok: false; error: string } {
  const { policy } = request.evidence;
  if (required === 0) return { ok: true };
  const excluded = new Set<string>();
  if (!(request.evidence.emergency && policy.emergencySelfApprove)) excluded.add(request.requestedBy.login.toLowerCase());
  if (policy.excludePrAuthor && request.evidence.pr?.author) excluded.add(request.evidence.pr.author.login.toLowerCase());
  const eligible = new Set(candidates.map((c) => c.login.toLowerCase()).filter((login) => !excluded.has(login)));
  if (eligible.size >= required) return { ok: true };
  return {
    ok: false,
    error: `${request.evidence.stage} needs ${required} ${required === 1 ? 'approval' : 'approvals'} from ${describeApprovers(policy.approvers)}, but only ${eligible.size} eligible ${eligible.size === 1 ? 'person is' : 'people are'} left besides the requester${policy.excludePrAuthor ? ' and the pull request\'s author' : ''}. Add approvers to the stage in .github/modelgate.yml.`,
  };
}

/** The people a stage's approvers list stands for: its logins, and the members of its teams as GitHub listed them. */
export function approverCandidates(approvers: readonly string[], teams: ReadonlyMap<string, readonly Actor[]>): Array<{ login: string }> {
  return approvers.flatMap((a) => (parseTeam(a) ? [...(teams.get(a.toLowerCase()) ?? [])] : [{ login: a }]));
}

/** The approvals that count: given for the request's current evidence digest. */
export function countingApprovals(approvals: readonly Approval[], digest: string): Approval[] {
  return approvals.filter((a) => a.digest === digest);
}

/** The deployment environment of a stage: the template with {model} and {stage} filled in. */
export function environmentName(template: string, model: string, stage: string): string {
  return template.replaceAll('{model}', model).replaceAll('{stage}', stage);
}
