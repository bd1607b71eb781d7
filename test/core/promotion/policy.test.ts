import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG, parseConfig } from '../../../src/core/config/index.js';
import {
  approverProblem,
  assessEvidence,
  buildEvidence,
  canTransition,
  chooseStage,
  evidenceChanges,
  evidenceDigestInput,
  nextStep,
  PROMOTION_STATES,
  pullApproved,
  rollbackTarget,
  satisfiable,
  statesBefore,
  type Evidence,
  type ModelRecord,
  type PromotionPolicy,
  type PullFacts,
} from '../../../src/core/promotion/index.js';
import type { Evaluation } from '../../../src/core/evaluation/index.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;

function policyOf(yaml: string): PromotionPolicy {
  const parsed = parseConfig(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config.promotion!;
}

const POLICY = policyOf(`
promotion:
  emergency: allow
  stages:
    - name: staging
      approvals: 1
      approvers: [alice, bob, "@acme/ml-reviewers"]
    - name: production
      after: staging
      soak: 24h
      approvals: 2
      approvers: ["@acme/ml-leads", carol]
      rollback_approvals: 1
`);

const CARD = `---\nlicense: mit\nmodelgate: {model: sentiment, version: v3}\n---\n# Sentiment\n`;
const bytes = new TextEncoder().encode(CARD);
const RECORD: ModelRecord = {
  versions: {
    v2: { card: 'models/sentiment/README.md', commit: 'a'.repeat(40), pr: 11, card_digest: 'sha256:' + '1'.repeat(64), evaluation: null, registered_at: '2026-11-01T00:00:00Z' },
    v3: { card: 'models/sentiment/README.md', commit: 'b'.repeat(40), pr: 12, card_digest: 'sha256:' + '2'.repeat(64), evaluation: null, registered_at: '2026-11-20T00:00:00Z' },
  },
  stages: { staging: 'v3', production: 'v2' },
  history: [
    { stage: 'staging', from: null, to: 'v2', promotion: 'p-aaaaaaaaaaaa', requested_by: 'alice', approved_by: ['bob'], at: '2026-11-02T00:00:00Z' },
    { stage: 'production', from: null, to: 'v2', promotion: 'p-bbbbbbbbbbbb', requested_by: 'alice', approved_by: ['carol', 'dave'], at: '2026-11-05T00:00:00Z' },
    { stage: 'staging', from: 'v2', to: 'v3', promotion: 'p-cccccccccccc', requested_by: 'alice', approved_by: ['bob'], at: new Date(NOW.getTime() - 30 * HOUR).toISOString() },
  ],
};
const EVALUATION = { id: 7, verdict: true, runUrl: 'https://github.com/acme/models/actions/runs/9', manifest: { files: { metrics: { sha256: '3'.repeat(64) } } } } as unknown as Evaluation;
const PR: PullFacts = { number: 12, merged: true, decision: 'APPROVED', reviews: [], author: { id: 30, login: 'erin' }, url: 'https://github.com/acme/models/pull/12' };

function evidence(over: { stage?: string; kind?: 'promote' | 'rollback'; emergency?: boolean; record?: ModelRecord; evaluation?: Evaluation | null; pr?: PullFacts | null; card?: { bytes: Uint8Array; digest: string } | null; policy?: PromotionPolicy; version?: string } = {}): Evidence {
  const policy = over.policy ?? POLICY;
  const stage = policy.stages.find((s) => s.name === (over.stage ?? 'production'))!;
  return buildEvidence({
    config: DEFAULT_CONFIG,
    policy,
    stage,
    repoId: 1,
    model: 'sentiment',
    version: over.version ?? 'v3',
    kind: over.kind ?? 'promote',
    emergency: over.emergency ?? false,
    record: over.record ?? RECORD,
    card: over.card === undefined ? { bytes, digest: 'sha256:' + '2'.repeat(64) } : over.card,
    evaluation: over.evaluation === undefined ? EVALUATION : over.evaluation,
    pr: over.pr === undefined ? PR : over.pr,
  }).evidence;
}

const failing = (e: Evidence, now = NOW) => assessEvidence(e, now).filter((c) => !c.ok).map((c) => [c.id, c.message]);

describe('the promotion policy in the config', () => {
  it('fills in defaults', () => {
    const p = policyOf('promotion:\n  stages:\n    - name: staging\n');
    expect(p).toEqual({
      registry: 'models/registry.yaml',
      expireAfterMs: 24 * HOUR,
      emergency: 'deny',
      emergencySelfApprove: false,
      excludePrAuthor: false,
      environment: '{model}/{stage}',
      slackChannel: null,
      baselineStage: 'staging',
      stages: [{ name: 'staging', approvals: 1, approvers: null, after: null, soakMs: 0, require: ['card_valid', 'gates_passed', 'pr_approved'], rollbackApprovals: 1 }],
    });
    expect(parseConfig('{}').ok && parseConfig('{}')).toMatchObject({ config: { promotion: null } });
  });

  it('refuses a stage order that cannot work, at its line', () => {
    const bad = parseConfig('promotion:\n  stages:\n    - name: production\n      after: staging\n    - name: staging\n    - name: staging\n');
    expect(!bad.ok && bad.errors.map((e) => [e.line, e.message])).toEqual([
      [4, '`promotion.stages[0].after`: "staging" is not an earlier stage.'],
      [6, '`promotion.stages[2].name`: stage "staging" is listed twice.'],
    ]);
    const approver = parseConfig('promotion:\n  stages:\n    - name: staging\n      approvers: ["@acme", "a b"]\n');
    expect(!approver.ok && approver.errors.map((e) => e.message)).toEqual([
      '`promotion.stages[0].approvers[0]`: a GitHub login (alice) or a team as "@org/team-slug".',
      '`promotion.stages[0].approvers[1]`: a GitHub login (alice) or a team as "@org/team-slug".',
    ]);
    const typo = parseConfig('promotion:\n  stages:\n    - name: staging\n      aprovals: 2\n');
    expect(!typo.ok && typo.errors[0]).toMatchObject({ line: 4, hint: 'Did you mean `approvals`?' });
  });
});

describe('chooseStage', () => {
  it('a named stage must exist (with a suggestion)', () => {
    expect(chooseStage(POLICY, RECORD, 'v3', 'prodution')).toEqual({ ok: false, error: 'There is no stage "prodution" (did you mean "production"?); the stages are staging, production.' });
  });

  it('without a name: the stage after the furthest one the version reached', () => {
    expect(chooseStage(POLICY, RECORD, 'v3', null)).toMatchObject({ ok: true, stage: { name: 'production' } });
    expect(chooseStage(POLICY, RECORD, 'v4', null)).toMatchObject({ ok: true, stage: { name: 'staging' } });
    expect(chooseStage(POLICY, RECORD, 'v2', null)).toEqual({ ok: false, error: 'v2 has already been through every stage (staging, production); name a stage to promote it again.' });
  });
});

describe('rollbackTarget', () => {
  it('is the version the stage held before, from the history', () => {
    expect(rollbackTarget(RECORD, 'staging')).toEqual({ ok: true, version: 'v2', current: 'v3' });
    expect(rollbackTarget(RECORD, 'production')).toEqual({ ok: false, error: 'The history has no version that production held before v2, so there is nothing to roll back to.' });
    expect(rollbackTarget(RECORD, 'canary')).toEqual({ ok: false, error: 'canary holds no version, so there is nothing to roll back.' });
  });
});

describe('assessEvidence', () => {
  it('passes when every requirement holds', () => {
    expect(failing(evidence())).toEqual([]);
  });

  it('needs the version registered, and not already in the stage', () => {
    expect(failing(evidence({ version: 'v9', card: null }))).toEqual([
      ['registered', 'sentiment v9 is not registered. Merge the pull request that adds its card with `modelgate: {model: sentiment, version: v9}`; merging registers it.'],
      ['stage-order', 'v9 must be in staging before production. Promote it to staging first.'],
      ['card_valid', 'The card of sentiment v9 could not be read at its registered commit.'],
    ]);
    expect(failing(evidence({ version: 'v2', card: { bytes, digest: 'sha256:' + '1'.repeat(64) } }))).toContainEqual(['not-in-stage', 'production already holds v2.']);
  });

  it('soak: the time spent in `after`, counted to now or to when it left', () => {
    const recent = { ...RECORD, history: [...RECORD.history.slice(0, 2), { ...RECORD.history[2]!, at: new Date(NOW.getTime() - 3 * HOUR).toISOString() }] };
    expect(failing(evidence({ record: recent }))).toEqual([['soak', 'It has been in staging for 3 h of the 24 h soak; try again in 21 h.']]);
    const left = { ...recent, history: [...recent.history, { stage: 'staging', from: 'v3', to: 'v2', promotion: 'p-dddddddddddd', requested_by: 'x', approved_by: [], at: new Date(NOW.getTime() - 1 * HOUR).toISOString() }] };
    expect(failing(evidence({ record: left }))).toEqual([['soak', 'It was in staging for only 2 h of the 24 h soak before it left.']]);
  });

  it('card_valid: the card must match its registered digest and have no errors', () => {
    expect(failing(evidence({ card: { bytes, digest: 'sha256:' + '9'.repeat(64) } }))).toEqual([['card_valid', 'The card at bbbbbbb does not match the digest registered for v3.']]);
    const broken = new TextEncoder().encode('---\nlicense: [\n---\n');
    expect(failing(evidence({ card: { bytes: broken, digest: 'sha256:' + '2'.repeat(64) } }))[0]).toEqual(['card_valid', 'The card models/sentiment/README.md has 1 error; fix it in a new version.']);
  });

  it('gates_passed: a recorded evaluation whose gates passed', () => {
    expect(failing(evidence({ evaluation: null }))).toEqual([['gates_passed', 'No successful evaluation of sentiment v3 is recorded. Run the evaluation workflow on its pull request or branch.']]);
    expect(failing(evidence({ evaluation: { ...EVALUATION, verdict: false } }))).toEqual([['gates_passed', 'Evaluation 7 failed its metric gates.']]);
    expect(failing(evidence({ evaluation: { ...EVALUATION, verdict: null } }))[0]![0]).toBe('gates_passed');
  });

  it('pr_approved: merged, and approved — never "no decision"', () => {
    expect(failing(evidence({ pr: { ...PR, merged: false } }))).toEqual([['pr_approved', 'Pull request #12 is not merged.']]);
    expect(failing(evidence({ pr: { ...PR, decision: 'REVIEW_REQUIRED' } }))).toEqual([['pr_approved', 'Pull request #12 was not approved (review decision: REVIEW_REQUIRED).']]);
    expect(failing(evidence({ pr: { ...PR, decision: null } }))).toEqual([['pr_approved', 'Pull request #12 was not approved (review decision: no required review, and no approving review).']]);
    expect(failing(evidence({ pr: null }))[0]![0]).toBe('pr_approved');
  });

  it('emergencies skip evaluation and soak (never approval), when allowed', () => {
    const e = evidence({ emergency: true, evaluation: null, record: { ...RECORD, history: RECORD.history.slice(0, 2), stages: { production: 'v2' } } });
    expect(failing(e)).toEqual([]);
    expect(assessEvidence(e, NOW).filter((c) => c.skipped).map((c) => c.id)).toEqual(['stage-order', 'gates_passed']);
    const denied = policyOf('promotion:\n  stages:\n    - name: production\n');
    expect(failing(evidence({ emergency: true, policy: denied, stage: 'production' }))).toEqual([
      ['emergency', 'Emergency promotions are not allowed here. Set `promotion.emergency: allow` in .github/modelgate.yml to allow them.'],
    ]);
  });

  it('rollbacks skip the stage order and the evaluation', () => {
    expect(failing(evidence({ kind: 'rollback', version: 'v2', stage: 'staging', evaluation: null, card: { bytes, digest: 'sha256:' + '1'.repeat(64) } }))).toEqual([]);
  });
});

describe('pullApproved', () => {
  const review = (state: string, id: number) => ({ state, author: { id, login: `u${id}` } });
  it('uses the reviews themselves when branch protection requires none', () => {
    expect(pullApproved({ decision: null, author: { id: 1, login: 'a' }, reviews: [review('APPROVED', 2)] })).toBe(true);
    expect(pullApproved({ decision: null, author: { id: 1, login: 'a' }, reviews: [review('APPROVED', 2), review('CHANGES_REQUESTED', 3)] })).toBe(false);
    expect(pullApproved({ decision: null, author: { id: 1, login: 'a' }, reviews: [review('DISMISSED', 2)] })).toBe(false);
    expect(pullApproved({ decision: null, author: { id: 1, login: 'a' }, reviews: [] })).toBe(false);
    expect(pullApproved({ decision: 'CHANGES_REQUESTED', author: null, reviews: [review('APPROVED', 2)] })).toBe(false);
  });
});

describe('approvers', () => {
  const request = (e: Evidence) => ({ requestedBy: { id: 10, login: 'alice' }, evidence: e });
  const none = { teams: new Set<string>(), writeAccess: null };

  it('four-eyes: never the requester, one identity once', () => {
    const e = evidence({ stage: 'staging', version: 'v4', card: null });
    expect(approverProblem(request(e), { id: 10, login: 'alice' }, none, [])).toBe('you made this request, and someone else must approve it (four-eyes).');
    expect(approverProblem(request(e), { id: 20, login: 'bob' }, none, [])).toBeNull();
    expect(approverProblem(request(e), { id: 20, login: 'bob-renamed' }, none, [{ approver: { id: 20, login: 'bob' }, digest: 'd', at: NOW.toISOString(), via: 'slack' }])).toBe(
      'you have already approved it; each person counts once.',
    );
  });

  it('listed logins (any case) and members of listed teams', () => {
    const e = evidence();
    expect(approverProblem(request(e), { id: 40, login: 'CAROL' }, none, [])).toBeNull();
    expect(approverProblem(request(e), { id: 41, login: 'dave' }, { teams: new Set(['@acme/ml-leads']), writeAccess: null }, [])).toBeNull();
    expect(approverProblem(request(e), { id: 42, login: 'mallory' }, { teams: new Set(['@acme/ml-reviewers']), writeAccess: true }, [])).toBe('only carol or members of @acme/ml-leads may approve production.');
  });

  it('without approvers: anyone with write access; the PR author when excluded is not', () => {
    const open = policyOf('promotion:\n  exclude_pr_author: true\n  stages:\n    - name: staging\n');
    const e = evidence({ policy: open, stage: 'staging', version: 'v4', card: null });
    expect(approverProblem(request(e), { id: 50, login: 'frank' }, { teams: new Set(), writeAccess: false }, [])).toBe('only people with write access to the repository may approve.');
    expect(approverProblem(request(e), { id: 50, login: 'frank' }, { teams: new Set(), writeAccess: true }, [])).toBeNull();
    expect(approverProblem(request(e), { id: 30, login: 'erin' }, { teams: new Set(), writeAccess: true }, [])).toMatch(/^you authored pull request #12/);
  });

  it('an emergency may be self-approved only when the config says so', () => {
    const selfish = policyOf('promotion:\n  emergency: allow\n  emergency_self_approve: true\n  stages:\n    - name: production\n      approvers: [alice]\n');
    expect(approverProblem(request(evidence({ policy: selfish, emergency: true })), { id: 10, login: 'alice' }, none, [])).toBeNull();
    expect(approverProblem(request(evidence({ policy: selfish })), { id: 10, login: 'alice' }, none, [])).toMatch(/four-eyes/);
  });

  it('says at once when the policy cannot be satisfied', () => {
    const e = evidence();
    expect(satisfiable(request(e), 2, [{ login: 'alice' }, { login: 'carol' }, { login: 'Carol' }])).toEqual({
      ok: false,
      error: 'production needs 2 approvals from carol or members of @acme/ml-leads, but only 1 eligible person is left besides the requester. Add approvers to the stage in .github/modelgate.yml.',
    });
    expect(satisfiable(request(e), 2, [{ login: 'carol' }, { login: 'dave' }])).toEqual({ ok: true });
    expect(satisfiable(request(e), 0, [])).toEqual({ ok: true });
  });
});

describe('the evidence digest', () => {
  it('is stable for the same evidence and changes with what approvals are bound to', () => {
    const base = evidence();
    expect(evidenceDigestInput(evidence())).toBe(evidenceDigestInput(base));
    const variants: Array<[string, Evidence]> = [
      ['evaluation', evidence({ evaluation: { ...EVALUATION, id: 8 } })],
      ['metrics', evidence({ evaluation: { ...EVALUATION, manifest: { files: { metrics: { sha256: '4'.repeat(64) } } } } as unknown as Evaluation })],
      ['current', evidence({ record: { ...RECORD, stages: { ...RECORD.stages, production: 'v1' } } })],
      ['policy', evidence({ policy: { ...POLICY, stages: POLICY.stages.map((s) => (s.name === 'production' ? { ...s, approvals: 1 } : s)) } })],
      ['card', evidence({ record: { ...RECORD, versions: { ...RECORD.versions, v3: { ...RECORD.versions['v3']!, card_digest: 'sha256:' + '8'.repeat(64) } } } })],
      ['stage', evidence({ stage: 'staging' })],
      ['emergency', evidence({ emergency: true })],
    ];
    for (const [what, e] of variants) expect([what, evidenceDigestInput(e) !== evidenceDigestInput(base)]).toEqual([what, true]);
    // The PR's review state is re-checked at execution, not bound.
    expect(evidenceDigestInput(evidence({ pr: { ...PR, decision: 'REVIEW_REQUIRED' } }))).toBe(evidenceDigestInput(base));
  });

  it('says what changed', () => {
    expect(evidenceChanges(evidence(), evidence({ evaluation: { ...EVALUATION, id: 8 } }))).toEqual(['a new evaluation of v3 was recorded (evaluation 8, was 7)']);
    expect(evidenceChanges(evidence(), evidence({ record: { ...RECORD, stages: { ...RECORD.stages, production: 'v1' } } }))).toEqual(['production now holds v1 (it held v2 when the request was made)']);
  });
});

describe('the request state machine', () => {
  it('allows exactly the documented moves', () => {
    const allowed = PROMOTION_STATES.flatMap((from) => PROMOTION_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual([
      'requested→approved',
      'requested→rejected',
      'requested→expired',
      'requested→void',
      'approved→executing',
      'approved→failed',
      'approved→void',
      'executing→done',
      'executing→failed',
    ]);
    expect(statesBefore('void')).toEqual(['requested', 'approved']);
    expect(statesBefore('requested')).toEqual([]);
  });

  it('runs the execution steps in order', () => {
    expect(nextStep(new Set())).toBe('registry_commit');
    expect(nextStep(new Set(['registry_commit', 'deployment']))).toBe('deployment_in_progress');
    expect(nextStep(new Set(['registry_commit', 'deployment', 'deployment_in_progress', 'deployment_success', 'notify']))).toBeNull();
  });
});
