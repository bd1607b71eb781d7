import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { SqlParam } from '../../src/store/driver.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/migrations.js';

/** Every schema version the migrations record. */
const VERSIONS = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
/** Every table the migrations create. */
const TABLES = ['evaluations', 'webhook_deliveries', 'pr_comments', 'pr_heads', 'promotions', 'promotion_approvals', 'promotion_steps', 'promotion_audit', 'slack_links', 'slack_link_states', 'slack_messages', 'repositories', 'repository_models', 'webhook_inbox', 'delivery_steps'];
import type { Evaluation, NewEvaluation } from '../../src/core/evaluation/index.js';
import {
  StoreCorruptRowError,
  StoreInputError,
  type CommentIds,
  type Deliveries,
  type DeliverySteps,
  type Evaluations,
  type NewInboxDelivery,
  type NewPromotion,
  type Promotions,
  type Repositories,
  type SlackLinks,
  type SlackMessages,
  type PullHeads,
  type Store,
  type StoreOptions,
} from '../../src/store/index.js';
import type { Evidence } from '../../src/core/promotion/index.js';

/** One test's database, reached through the store and, for setting up corruption, directly. */
export interface StoreHarness {
  /** How the store names this database in messages. */
  label: string;
  /** Opens a new store (its own connection or pool) on this test's database. */
  open(options?: StoreOptions): Promise<Store>;
  /** Runs SQL (`?` placeholders) directly on the database, bypassing the store. */
  query(sql: string, params?: SqlParam[]): Promise<unknown[]>;
  /** Closes the direct connection and deletes the database. */
  dispose(): Promise<void>;
}

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_C = 'c'.repeat(40);
const T0 = new Date('2025-03-01T12:00:00.000Z');

/** A clock the test moves by hand. */
function manualClock(start: Date = T0): { now: () => Date; advanceDays(days: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advanceDays: (days) => {
      current += days * 24 * 60 * 60 * 1000;
    },
  };
}

function evaluation(overrides: Partial<NewEvaluation> = {}): NewEvaluation {
  return {
    repoId: 4_200_000_001,
    repoFullName: 'acme/models',
    model: 'sentiment',
    modelVersion: '1.2.0',
    sha: SHA_A,
    ref: 'main',
    pr: 17,
    runId: 9_876_543_210,
    runAttempt: 1,
    runUrl: 'https://github.com/acme/models/actions/runs/9876543210',
    status: 'success',
    metrics: { 'eval.accuracy': 0.91, 'eval.f1': 0.875, split: 'test', loss: { invalid: 'NaN' }, latency: null },
    predictionsDigest: 'sha256:' + '1'.repeat(64),
    cardDigest: 'sha256:' + '2'.repeat(64),
    manifest: { files: ['metrics.json'], nested: { ok: true, n: 3 } },
    verdict: true,
    createdAt: T0,
    ...overrides,
  };
}

const EVIDENCE: Evidence = {
  repoId: 4_200_000_001,
  model: 'sentiment',
  version: 'v3',
  stage: 'production',
  kind: 'promote',
  emergency: false,
  current: 'v2',
  registered: { commit: SHA_A, card: 'models/sentiment/README.md', cardDigest: 'sha256:' + '3'.repeat(64), pr: 12 },
  card: { digest: 'sha256:' + '3'.repeat(64), errors: 0, warnings: 1 },
  evaluation: { id: 7, metricsDigest: 'sha256:' + '4'.repeat(64), gatesPassed: true, runUrl: 'https://github.com/acme/models/actions/runs/1' },
  pr: { number: 12, merged: true, approved: true, decision: 'APPROVED', author: { id: 11, login: 'carol' }, url: 'https://github.com/acme/models/pull/12' },
  soak: null,
  policy: { name: 'production', registry: 'models/registry.yaml', approvals: 1, approvers: ['bob'], after: null, soakMs: 0, require: ['card_valid', 'gates_passed', 'pr_approved'], rollbackApprovals: 1, emergency: 'deny', emergencySelfApprove: false, excludePrAuthor: false, environment: '{model}/{stage}' },
};

let promotionCount = 0;
function promotionRequest(overrides: Partial<NewPromotion> = {}): NewPromotion {
  promotionCount += 1;
  return {
    id: `p-${'abcdefghijklmnopqrstuvwxyz234567'[promotionCount % 32]}${'a'.repeat(11)}`,
    repoId: 4_200_000_001,
    repoFullName: 'acme/models',
    repoUrl: 'https://github.com/acme/models',
    branch: 'main',
    installationId: 5,
    model: 'sentiment',
    version: 'v3',
    stage: 'production',
    kind: 'promote',
    emergency: null,
    fromVersion: 'v2',
    requestedBy: { id: 10, login: 'alice' },
    evidenceDigest: 'sha256:' + '5'.repeat(64),
    evidence: EVIDENCE,
    approvalsRequired: 1,
    source: { kind: 'github', issue: 12 },
    comparison: { head: 7, base: { version: 'v2', evaluation: 6 }, rules: [{ match: 'eval.*', max_regression: 0.01 }] },
    expiresAt: new Date(T0.getTime() + 24 * 3600 * 1000).toISOString(),
    ...overrides,
  };
}

/** What the store should hand back for `input` stored with `id`. */
function stored(input: NewEvaluation, id: number): Evaluation {
  const { createdAt, ...rest } = input;
  return { ...rest, id, createdAt: (createdAt ?? T0).toISOString() };
}

export function describeStoreContract(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`${name} store contract`, () => {
    let harness: StoreHarness;
    let store: Store;
    let clock: ReturnType<typeof manualClock>;
    const opened: Store[] = [];

    async function open(options: StoreOptions = {}): Promise<Store> {
      const s = await harness.open({ now: clock.now, ...options });
      opened.push(s);
      return s;
    }

    beforeEach(async () => {
      clock = manualClock();
      harness = await createHarness();
      store = await open();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await harness.dispose();
    });

    describe('the Evaluations port', () => {
      // Only the port's own methods: each port is a contract of its own.
      const evaluations = (): Evaluations => store;

      test('records an evaluation and reads every field back unchanged', async () => {
        const input = evaluation();
        const { evaluation: recorded, created } = await evaluations().recordEvaluation(input);
        expect(created).toBe(true);
        expect(recorded).toEqual(stored(input, recorded.id));
        expect(Number.isSafeInteger(recorded.id) && recorded.id > 0).toBe(true);
        expect(await evaluations().getEvaluation(recorded.id)).toEqual(stored(input, recorded.id));
      });

      test('stores nulls as nulls and defaults createdAt to the clock', async () => {
        const input = evaluation({
          modelVersion: null,
          pr: null,
          runAttempt: null,
          predictionsDigest: null,
          cardDigest: null,
          manifest: null,
          verdict: null,
          metrics: {},
          createdAt: undefined,
        });
        const { evaluation: recorded } = await evaluations().recordEvaluation(input);
        const { createdAt: _omitted, ...rest } = input;
        expect(recorded).toEqual({ ...rest, id: recorded.id, createdAt: '2025-03-01T12:00:00.000Z' });
        expect(await evaluations().getEvaluation(recorded.id)).toEqual(recorded);
      });

      test('a failed verdict reads back as false, not null', async () => {
        const { evaluation: recorded } = await evaluations().recordEvaluation(evaluation({ verdict: false, status: 'failure' }));
        expect((await evaluations().getEvaluation(recorded.id))?.verdict).toBe(false);
        expect((await evaluations().getEvaluation(recorded.id))?.status).toBe('failure');
      });

      test('a redelivery of the same run, attempt and model returns the first record unchanged', async () => {
        const first = await evaluations().recordEvaluation(evaluation());
        const again = await evaluations().recordEvaluation(evaluation({ metrics: { 'eval.accuracy': 0.1 }, verdict: false }));
        expect(again).toEqual({ evaluation: first.evaluation, created: false });
        expect(await evaluations().evaluationsForCommit(4_200_000_001, SHA_A)).toEqual([first.evaluation]);
      });

      test('another attempt, model or repo of the same run is a new record', async () => {
        const ids = new Set<number>();
        for (const input of [
          evaluation(),
          evaluation({ runAttempt: 2 }),
          evaluation({ model: 'toxicity' }),
          evaluation({ repoId: 7, repoFullName: 'other/repo' }),
        ]) {
          const result = await evaluations().recordEvaluation(input);
          expect(result.created).toBe(true);
          ids.add(result.evaluation.id);
        }
        expect(ids.size).toBe(4);
      });

      test('a run without an attempt number is still recorded once', async () => {
        const first = await evaluations().recordEvaluation(evaluation({ runAttempt: null }));
        const again = await evaluations().recordEvaluation(evaluation({ runAttempt: null }));
        expect(again).toEqual({ evaluation: first.evaluation, created: false });
      });

      test('racing writers of one run record it exactly once', async () => {
        const other = await open();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).recordEvaluation(evaluation())),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.evaluation.id)).size).toBe(1);
        expect(await evaluations().evaluationsForCommit(4_200_000_001, SHA_A)).toHaveLength(1);
      });

      test('latestEvaluation returns the newest matching run: the baseline of a branch', async () => {
        const day = (n: number): Date => new Date(T0.getTime() + n * 86_400_000);
        const record = async (overrides: Partial<NewEvaluation>): Promise<number> =>
          (await evaluations().recordEvaluation(evaluation(overrides))).evaluation.id;
        const oldMain = await record({ runId: 1, sha: SHA_A, createdAt: day(0) });
        const newMain = await record({ runId: 2, sha: SHA_B, createdAt: day(2) });
        await record({ runId: 3, sha: SHA_C, createdAt: day(3), status: 'failure' });
        const feature = await record({ runId: 4, sha: SHA_C, ref: 'feature', createdAt: day(4) });
        await record({ runId: 5, sha: SHA_C, createdAt: day(5), model: 'toxicity' });
        await record({ runId: 6, sha: SHA_C, createdAt: day(6), repoId: 99, repoFullName: 'acme/other' });

        const latest = (query: Partial<Parameters<Store['latestEvaluation']>[0]>) =>
          evaluations().latestEvaluation({ repoId: 4_200_000_001, model: 'sentiment', status: 'success', ...query });
        expect((await latest({ ref: 'main' }))?.id).toBe(newMain);
        expect((await latest({}))?.id).toBe(feature);
        expect((await latest({ sha: SHA_A }))?.id).toBe(oldMain);
        expect((await latest({ ref: 'main', sha: SHA_C }))).toBeNull();
        expect((await latest({ ref: 'main', status: 'failure' }))?.runId).toBe(3);
        expect(await latest({ ref: 'main', status: 'cancelled' })).toBeNull();
        expect(await latest({ model: 'unknown' })).toBeNull();
      });

      test('latestEvaluation breaks a tie on createdAt by the later record', async () => {
        await evaluations().recordEvaluation(evaluation({ runId: 1 }));
        const second = await evaluations().recordEvaluation(evaluation({ runId: 2 }));
        const found = await evaluations().latestEvaluation({ repoId: 4_200_000_001, model: 'sentiment', status: 'success', ref: 'main' });
        expect(found?.id).toBe(second.evaluation.id);
      });

      test('evaluationsForCommit lists the commit evaluations oldest first, nothing else', async () => {
        const later = await evaluations().recordEvaluation(evaluation({ runId: 1, model: 'b', createdAt: new Date(T0.getTime() + 1000) }));
        const earlier = await evaluations().recordEvaluation(evaluation({ runId: 1, model: 'a' }));
        await evaluations().recordEvaluation(evaluation({ runId: 2, sha: SHA_B }));
        await evaluations().recordEvaluation(evaluation({ runId: 3, repoId: 5, repoFullName: 'x/y' }));
        expect(await evaluations().evaluationsForCommit(4_200_000_001, SHA_A)).toEqual([earlier.evaluation, later.evaluation]);
        expect(await evaluations().evaluationsForCommit(4_200_000_001, SHA_C)).toEqual([]);
      });

      test('getEvaluation of an unknown id is null', async () => {
        expect(await evaluations().getEvaluation(123456)).toBeNull();
      });

      test('refuses values it could not read back the same way', async () => {
        await expect(evaluations().recordEvaluation(evaluation({ metrics: { 'eval.accuracy': Number.NaN } }))).rejects.toThrow(
          new StoreInputError(
            'invalid evaluation of model "sentiment": metrics.eval.accuracy: expected a finite number, a string, null or { "invalid": "NaN" | "Infinity" | "-Infinity" }',
          ),
        );
        await expect(evaluations().recordEvaluation(evaluation({ sha: 'HEAD' }))).rejects.toThrow(
          'invalid evaluation of model "sentiment": sha: expected a full lowercase hex commit SHA',
        );
        await expect(evaluations().recordEvaluation(evaluation({ runId: 1.5 }))).rejects.toThrow(StoreInputError);
        expect(await evaluations().evaluationsForCommit(4_200_000_001, SHA_A)).toEqual([]);
      });
    });

    describe('the Deliveries port', () => {
      // Only the port's own methods: each port is a contract of its own.
      const deliveries = (): Deliveries => store;

      test('only the first claim of a delivery wins', async () => {
        expect(await deliveries().claimDelivery('delivery-1', 'workflow_run')).toBe(true);
        expect(await deliveries().claimDelivery('delivery-1', 'workflow_run')).toBe(false);
        expect(await deliveries().claimDelivery('delivery-2', 'pull_request')).toBe(true);
      });

      test('many concurrent claims of one delivery record exactly one', async () => {
        const claims = await Promise.all(Array.from({ length: 50 }, () => deliveries().claimDelivery('racy', 'push')));
        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      test('claims racing over two connections record exactly one per delivery', async () => {
        const other = await open();
        const ids = Array.from({ length: 25 }, (_, i) => `delivery-${i}`);
        const claims = await Promise.all(
          ids.flatMap((id) => [deliveries().claimDelivery(id, 'push'), other.claimDelivery(id, 'push')]),
        );
        expect(claims.filter(Boolean)).toHaveLength(ids.length);
        for (let i = 0; i < ids.length; i++) expect([claims[2 * i], claims[2 * i + 1]].filter(Boolean)).toHaveLength(1);
      });

      test('a released claim can be claimed again', async () => {
        expect(await deliveries().claimDelivery('d', 'push')).toBe(true);
        await deliveries().releaseDelivery('d');
        await deliveries().releaseDelivery('never-claimed');
        expect(await deliveries().claimDelivery('d', 'push')).toBe(true);
        expect(await deliveries().claimDelivery('d', 'push')).toBe(false);
      });

      test('pruning forgets only deliveries older than the given age', async () => {
        await deliveries().claimDelivery('old', 'push');
        clock.advanceDays(10);
        await deliveries().claimDelivery('recent', 'push');
        clock.advanceDays(1);
        expect(await deliveries().pruneDeliveries(7)).toBe(1);
        expect(await deliveries().pruneDeliveries(7)).toBe(0);
        expect(await deliveries().claimDelivery('recent', 'push')).toBe(false);
        expect(await deliveries().claimDelivery('old', 'push')).toBe(true);
        expect(await deliveries().pruneDeliveries(0)).toBe(1);
      });

      test('an empty delivery id is refused', async () => {
        await expect(deliveries().claimDelivery('', 'push')).rejects.toThrow(
          new StoreInputError('invalid delivery id: Too small: expected string to have >=1 characters'),
        );
      });
    });

    describe('the DeliverySteps port', () => {
      const steps = (): DeliverySteps => store;

      test('empty until recorded; the first record of a step wins, across connections', async () => {
        expect(await steps().deliverySteps('d-1')).toEqual(new Map());
        await expect(steps().recordDeliveryStep({ deliveryId: 'd-1', step: 'begun', value: 0 })).resolves.toBe(0);
        await expect(steps().recordDeliveryStep({ deliveryId: 'd-1', step: 'check-run/cards/pull/2', value: 9_000_000_001 })).resolves.toBe(9_000_000_001);
        const other = await harness.open({ now: clock.now });
        try {
          // A racing attempt's record is ignored: the stored value comes back.
          await expect(other.recordDeliveryStep({ deliveryId: 'd-1', step: 'check-run/cards/pull/2', value: 5 })).resolves.toBe(9_000_000_001);
          expect(await other.deliverySteps('d-1')).toEqual(new Map([['begun', 0], ['check-run/cards/pull/2', 9_000_000_001]]));
        } finally {
          await other.close();
        }
        expect(await steps().deliverySteps('d-2')).toEqual(new Map());
      });

      test('pruning deliveries forgets their old steps', async () => {
        await steps().recordDeliveryStep({ deliveryId: 'old', step: 'begun', value: 0 });
        clock.advanceDays(10);
        await steps().recordDeliveryStep({ deliveryId: 'recent', step: 'begun', value: 0 });
        await store.pruneDeliveries(7);
        expect(await steps().deliverySteps('old')).toEqual(new Map());
        expect(await steps().deliverySteps('recent')).toEqual(new Map([['begun', 0]]));
      });

      test('bad input is refused with what was wrong', async () => {
        await expect(steps().recordDeliveryStep({ deliveryId: 'd', step: '', value: 1 })).rejects.toThrow(
          new StoreInputError('invalid delivery step: step: Too small: expected string to have >=1 characters'),
        );
        await expect(steps().recordDeliveryStep({ deliveryId: 'd', step: 's', value: -1 })).rejects.toThrow(StoreInputError);
        await expect(steps().deliverySteps('')).rejects.toThrow(StoreInputError);
      });
    });

    describe('the CommentIds port', () => {
      // Only the port's own methods: each port is a contract of its own.
      const commentIds = (): CommentIds => store;

      const where = { repoId: 4_200_000_001, pr: 17, key: 'metrics-diff:sentiment' };

      test('unknown until set, then upserted', async () => {
        expect(await commentIds().getCommentId(where)).toBeNull();
        await commentIds().setCommentId({ ...where, commentId: 3_000_000_001 });
        expect(await commentIds().getCommentId(where)).toBe(3_000_000_001);
        await commentIds().setCommentId({ ...where, commentId: 3_000_000_002 });
        expect(await commentIds().getCommentId(where)).toBe(3_000_000_002);
      });

      test('each repo, PR and key has its own comment', async () => {
        await commentIds().setCommentId({ ...where, commentId: 1 });
        await commentIds().setCommentId({ ...where, key: 'metrics-diff:toxicity', commentId: 2 });
        await commentIds().setCommentId({ ...where, pr: 18, commentId: 3 });
        await commentIds().setCommentId({ ...where, repoId: 5, commentId: 4 });
        expect(await commentIds().getCommentId(where)).toBe(1);
        expect(await commentIds().getCommentId({ ...where, key: 'metrics-diff:toxicity' })).toBe(2);
        expect(await commentIds().getCommentId({ ...where, pr: 18 })).toBe(3);
        expect(await commentIds().getCommentId({ ...where, repoId: 5 })).toBe(4);
        expect(await commentIds().getCommentId({ ...where, key: 'card-report' })).toBeNull();
      });
    });

    describe('the PullHeads port', () => {
      // Only the port's own methods: each port is a contract of its own.
      const pullHeads = (): PullHeads => store;

      const pr = { repoId: 4_200_000_001, pr: 17 };
      const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

      test('an older observation never replaces a newer one', async () => {
        expect(await pullHeads().getHeadSha(pr)).toBeNull();
        expect(await pullHeads().recordHeadSha({ ...pr, sha: SHA_B, at: at(10) })).toEqual({
          ...pr,
          sha: SHA_B,
          at: '2025-03-01T12:00:10.000Z',
        });
        // A late, out-of-order event for the previous head.
        expect(await pullHeads().recordHeadSha({ ...pr, sha: SHA_A, at: at(5) })).toEqual({
          ...pr,
          sha: SHA_B,
          at: '2025-03-01T12:00:10.000Z',
        });
        // Same time: the stored head stays.
        expect((await pullHeads().recordHeadSha({ ...pr, sha: SHA_A, at: at(10) })).sha).toBe(SHA_B);
        expect(await pullHeads().recordHeadSha({ ...pr, sha: SHA_C, at: at(11) })).toEqual({
          ...pr,
          sha: SHA_C,
          at: '2025-03-01T12:00:11.000Z',
        });
        expect(await pullHeads().getHeadSha(pr)).toEqual({ ...pr, sha: SHA_C, at: '2025-03-01T12:00:11.000Z' });
        expect(await pullHeads().getHeadSha({ ...pr, pr: 18 })).toBeNull();
      });

      test('in the same second, a push that follows the stored head replaces it, and nothing else does', async () => {
        await pullHeads().recordHeadSha({ ...pr, sha: SHA_A, at: at(20) });
        // Same second, but it follows another commit: not known to be newer.
        expect((await pullHeads().recordHeadSha({ ...pr, sha: SHA_C, at: at(20), follows: SHA_B })).sha).toBe(SHA_A);
        // Same second, and its `before` is the stored head: the newer push.
        expect(await pullHeads().recordHeadSha({ ...pr, sha: SHA_B, at: at(20), follows: SHA_A })).toEqual({
          ...pr,
          sha: SHA_B,
          at: '2025-03-01T12:00:20.000Z',
        });
        // The earlier push's late delivery cannot take the head back.
        expect((await pullHeads().recordHeadSha({ ...pr, sha: SHA_A, at: at(20) })).sha).toBe(SHA_B);
        // An older time never wins, whatever it follows.
        expect((await pullHeads().recordHeadSha({ ...pr, sha: SHA_C, at: at(19), follows: SHA_B })).sha).toBe(SHA_B);
      });
    });

    describe('the Promotions port', () => {
      // Only the port's own methods: each port is a contract of its own.
      const promotions = (): Promotions => store;
      const approval = (id: number, login: string, digest = 'sha256:' + '5'.repeat(64)) => ({ approver: { id, login }, digest, at: T0.toISOString(), via: 'github' as const });

      test('records a request and reads every field back', async () => {
        const input = promotionRequest({ emergency: 'the model leaks PII', source: { kind: 'slack', team: 'T1', channel: 'C1', user: 'U1' } });
        const created = await promotions().createPromotion(input);
        const expected = { ...input, state: 'requested', stateReason: null, createdAt: T0.toISOString(), updatedAt: T0.toISOString(), result: {} };
        expect(created).toEqual({ created: true, promotion: expected });
        expect(await promotions().getPromotion(input.id)).toEqual(expected);
        expect(await promotions().getPromotion('p-missingmissi')).toBeNull();
      });

      test('one active request per repository, model and stage; others are free', async () => {
        const first = promotionRequest();
        await promotions().createPromotion(first);
        const blocked = await promotions().createPromotion(promotionRequest());
        expect(blocked).toMatchObject({ created: false, active: { id: first.id, state: 'requested' } });
        expect(await promotions().createPromotion(promotionRequest({ stage: 'staging' }))).toMatchObject({ created: true });
        expect(await promotions().createPromotion(promotionRequest({ model: 'fraud' }))).toMatchObject({ created: true });
        expect(await promotions().createPromotion(promotionRequest({ repoId: 7 }))).toMatchObject({ created: true });
        expect((await promotions().activePromotion({ repoId: first.repoId, model: 'sentiment', stage: 'production' }))?.id).toBe(first.id);
        // A finished request frees the slot.
        await promotions().transitionPromotion(first.id, { from: ['requested'], to: 'rejected', actor: { id: 20, login: 'bob' }, reason: 'not now' });
        expect(await promotions().activePromotion({ repoId: first.repoId, model: 'sentiment', stage: 'production' })).toBeNull();
        expect(await promotions().createPromotion(promotionRequest())).toMatchObject({ created: true });
      });

      test('racing requests for the same stage over two connections create exactly one', async () => {
        const other = await open();
        const requests = Array.from({ length: 12 }, () => promotionRequest());
        const results = await Promise.all(requests.map((r, i) => (i % 2 ? other : store).createPromotion(r)));
        const created = results.filter((r) => r.created);
        expect(created).toHaveLength(1);
        const winner = (created[0] as { promotion: { id: string } }).promotion.id;
        expect(results.filter((r) => !r.created).map((r) => (r as { active: { id: string } }).active.id)).toEqual(Array(11).fill(winner));
      });

      test('transitions are compare-and-set, and every change is in the audit log', async () => {
        const p = promotionRequest();
        await promotions().createPromotion(p);
        expect(await promotions().transitionPromotion(p.id, { from: ['approved'], to: 'executing', actor: null, reason: null })).toBeNull();
        const approved = await promotions().transitionPromotion(p.id, {
          from: ['requested'],
          to: 'approved',
          actor: { id: 20, login: 'bob' },
          reason: null,
          evidence: { digest: 'sha256:' + '6'.repeat(64), evidence: { ...EVIDENCE, current: 'v1' } },
          result: { environment: 'sentiment/production' },
        });
        expect(approved).toMatchObject({ state: 'approved', evidenceDigest: 'sha256:' + '6'.repeat(64), evidence: { current: 'v1' }, result: { environment: 'sentiment/production' } });
        await promotions().updateResult(p.id, { registryCommit: SHA_B });
        // Racing moves out of one state: one wins.
        const other = await open();
        const moves = await Promise.all([
          promotions().transitionPromotion(p.id, { from: ['approved'], to: 'executing', actor: null, reason: null }),
          other.transitionPromotion(p.id, { from: ['approved'], to: 'void', actor: null, reason: 'evidence changed' }),
        ]);
        expect(moves.filter((m) => m !== null)).toHaveLength(1);
        const final = await promotions().getPromotion(p.id);
        expect(final?.result).toEqual({ environment: 'sentiment/production', registryCommit: SHA_B });
        const log = await promotions().auditLog(p.id);
        expect(log.map((e) => [e.action, e.fromState, e.toState, e.actor?.login ?? null])).toEqual([
          ['requested', null, 'requested', 'alice'],
          ['approved', 'requested', 'approved', 'bob'],
          [final!.state, 'approved', final!.state, null],
        ]);
        expect(log[1]!.digest).toBe('sha256:' + '6'.repeat(64));
      });

      test('approvals: one per person, in order, each bound to its digest', async () => {
        const p = promotionRequest();
        await promotions().createPromotion(p);
        expect(await promotions().addApproval(p.id, approval(20, 'bob'))).toEqual({ added: true, approvals: [approval(20, 'bob')] });
        const again = await promotions().addApproval(p.id, approval(20, 'bob-renamed', 'sha256:' + '7'.repeat(64)));
        expect(again).toEqual({ added: false, approvals: [approval(20, 'bob')] });
        const racing = await Promise.all(Array.from({ length: 10 }, () => promotions().addApproval(p.id, approval(21, 'dave'))));
        expect(racing.filter((r) => r.added)).toHaveLength(1);
        expect(await promotions().approvals(p.id)).toEqual([approval(20, 'bob'), approval(21, 'dave')]);
        expect((await promotions().auditLog(p.id)).filter((e) => e.action === 'approved').map((e) => e.actor?.login)).toEqual(['bob', 'dave']);
      });

      test('execution steps: the first record of a step wins', async () => {
        const p = promotionRequest();
        await promotions().createPromotion(p);
        await promotions().recordStep(p.id, 'registry_commit', { sha: SHA_B });
        await promotions().recordStep(p.id, 'registry_commit', { sha: SHA_C });
        await promotions().recordStep(p.id, 'deployment', { id: 44 });
        expect([...(await promotions().steps(p.id))]).toEqual([
          ['registry_commit', { sha: SHA_B }],
          ['deployment', { id: 44 }],
        ]);
      });

      test('an execution lease has one holder until it runs out', async () => {
        const p = promotionRequest();
        await promotions().createPromotion(p);
        const until = new Date(T0.getTime() + 60_000);
        expect(await promotions().leaseExecution(p.id, 'replica-a', until)).toBe(true);
        expect(await promotions().leaseExecution(p.id, 'replica-b', until)).toBe(false);
        expect(await promotions().leaseExecution(p.id, 'replica-a', until)).toBe(true);
        await promotions().transitionPromotion(p.id, { from: ['requested'], to: 'approved', actor: null, reason: null });
        expect(await promotions().resumablePromotions(T0)).toEqual([]);
        // Past the lease, another replica may take it over, and a restarted App finds it.
        expect((await promotions().resumablePromotions(new Date(until.getTime() + 1))).map((r) => r.id)).toEqual([p.id]);
        clock.advanceDays(1);
        expect(await promotions().leaseExecution(p.id, 'replica-b', new Date(clock.now().getTime() + 60_000))).toBe(true);
        await promotions().releaseExecution(p.id, 'replica-a');
        expect(await promotions().leaseExecution(p.id, 'replica-a', new Date(clock.now().getTime() + 60_000))).toBe(false);
        await promotions().releaseExecution(p.id, 'replica-b');
        expect((await promotions().resumablePromotions(clock.now())).map((r) => r.id)).toEqual([p.id]);
        // Done, but its messages not yet updated: still to resume, until the notify step is recorded.
        await promotions().transitionPromotion(p.id, { from: ['approved'], to: 'executing', actor: null, reason: null });
        await promotions().transitionPromotion(p.id, { from: ['executing'], to: 'done', actor: null, reason: null });
        expect((await promotions().resumablePromotions(clock.now())).map((r) => r.id)).toEqual([p.id]);
        await promotions().recordStep(p.id, 'notify', {});
        expect(await promotions().resumablePromotions(clock.now())).toEqual([]);
      });

      test('expiry moves only pending requests past their time, once', async () => {
        const pending = promotionRequest({ expiresAt: new Date(T0.getTime() + 1000).toISOString() });
        const later = promotionRequest({ stage: 'staging', expiresAt: new Date(T0.getTime() + 10_000).toISOString() });
        const approved = promotionRequest({ model: 'fraud', expiresAt: new Date(T0.getTime() + 1000).toISOString() });
        for (const p of [pending, later, approved]) await promotions().createPromotion(p);
        await promotions().transitionPromotion(approved.id, { from: ['requested'], to: 'approved', actor: null, reason: null });
        const expired = await promotions().expirePromotions(new Date(T0.getTime() + 5000));
        expect(expired.map((p) => [p.id, p.state, p.stateReason])).toEqual([[pending.id, 'expired', 'The request expired before it was approved.']]);
        expect(await promotions().expirePromotions(new Date(T0.getTime() + 5000))).toEqual([]);
      });

      test('lists a repository\'s requests newest first, by model and state', async () => {
        const a = promotionRequest({ stage: 'staging' });
        await promotions().createPromotion(a);
        clock.advanceDays(1);
        const b = promotionRequest();
        await promotions().createPromotion(b);
        clock.advanceDays(1);
        const c = promotionRequest({ model: 'fraud' });
        await promotions().createPromotion(c);
        await promotions().transitionPromotion(a.id, { from: ['requested'], to: 'rejected', actor: null, reason: null });
        expect((await promotions().listPromotions({ repoId: a.repoId })).map((p) => p.id)).toEqual([c.id, b.id, a.id]);
        expect((await promotions().listPromotions({ repoId: a.repoId, limit: 1 })).map((p) => p.id)).toEqual([c.id]);
        expect((await promotions().listPromotions({ repoId: a.repoId, model: 'sentiment' })).map((p) => p.id)).toEqual([b.id, a.id]);
        expect((await promotions().listPromotions({ repoId: a.repoId, states: ['requested'] })).map((p) => p.model).sort()).toEqual(['fraud', 'sentiment']);
        expect(await promotions().listPromotions({ repoId: a.repoId, states: [] })).toEqual([]);
      });

      test('a corrupt request row names the table, the row and the column', async () => {
        const p = promotionRequest();
        await promotions().createPromotion(p);
        await harness.query('UPDATE promotions SET evidence = ? WHERE id = ?', ['{"model": 3}', p.id]);
        const error = await promotions().getPromotion(p.id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreCorruptRowError);
        expect((error as Error).message).toMatch(new RegExp(`^promotions row ${p.id} is corrupt: column evidence`));
      });

      test('refuses a request it could not read back the same way', async () => {
        await expect(promotions().createPromotion(promotionRequest({ approvalsRequired: -1 }))).rejects.toThrow(StoreInputError);
      });
    });

    describe('the SlackLinks port', () => {
      const links = (): SlackLinks => store;

      test('links, re-links and unlinks a Slack user', async () => {
        expect(await links().slackLink('T1', 'U1')).toBeNull();
        expect(await links().linkSlackUser({ team: 'T1', user: 'U1', githubId: 10, githubLogin: 'alice', source: 'oauth' })).toEqual({
          team: 'T1', user: 'U1', githubId: 10, githubLogin: 'alice', source: 'oauth', linkedAt: T0.toISOString(),
        });
        await links().linkSlackUser({ team: 'T1', user: 'U1', githubId: 11, githubLogin: 'alice2', source: 'seed' });
        expect(await links().slackLink('T1', 'U1')).toMatchObject({ githubId: 11, githubLogin: 'alice2', source: 'seed' });
        expect(await links().slackLink('T2', 'U1')).toBeNull();
        expect(await links().unlinkSlackUser('T1', 'U1')).toBe(true);
        expect(await links().unlinkSlackUser('T1', 'U1')).toBe(false);
      });

      test('a link state is used once, before it expires, also when two try at once', async () => {
        const expiresAt = new Date(T0.getTime() + 600_000);
        await links().createLinkState({ state: 's'.repeat(32), team: 'T1', user: 'U1', responseUrl: 'https://hooks.slack.com/x', expiresAt });
        const other = await open();
        const both = await Promise.all([links().consumeLinkState('s'.repeat(32), T0), other.consumeLinkState('s'.repeat(32), T0)]);
        expect(both.filter((r) => r !== null)).toEqual([{ team: 'T1', user: 'U1', responseUrl: 'https://hooks.slack.com/x' }]);
        await links().createLinkState({ state: 't'.repeat(32), team: 'T1', user: 'U2', responseUrl: null, expiresAt });
        expect(await links().consumeLinkState('t'.repeat(32), new Date(expiresAt.getTime() + 1))).toBeNull();
        expect(await links().consumeLinkState('u'.repeat(32), T0)).toBeNull();
      });
    });

    describe('the SlackMessages port', () => {
      const messages = (): SlackMessages => store;
      test('one message per request and channel, replaced when posted again', async () => {
        await messages().setSlackMessage({ promotionId: 'p-aaaaaaaaaaaa', channel: 'C1', ts: '1.1', team: 'T1' });
        await messages().setSlackMessage({ promotionId: 'p-aaaaaaaaaaaa', channel: 'C2', ts: '2.2', team: null });
        await messages().setSlackMessage({ promotionId: 'p-aaaaaaaaaaaa', channel: 'C1', ts: '1.5', team: 'T1' });
        const at = T0.toISOString();
        expect(await messages().slackMessages('p-aaaaaaaaaaaa')).toEqual([
          { channel: 'C1', ts: '1.5', team: 'T1', claimedAt: at, repliedState: null },
          { channel: 'C2', ts: '2.2', team: null, claimedAt: at, repliedState: null },
        ]);
        expect(await messages().slackMessages('p-bbbbbbbbbbbb')).toEqual([]);
      });

      test('a message is claimed by one replica; a claim never posted is taken over once stale', async () => {
        const other = await open();
        const claim = (s: SlackMessages, staleBefore = new Date(T0.getTime() - 60_000)) =>
          s.claimSlackMessage({ promotionId: 'p-aaaaaaaaaaaa', channel: 'C1', team: 'T1', staleBefore });
        expect((await Promise.all([claim(messages()), claim(other)])).filter(Boolean)).toHaveLength(1);
        expect(await messages().slackMessages('p-aaaaaaaaaaaa')).toEqual([{ channel: 'C1', ts: null, team: 'T1', claimedAt: T0.toISOString(), repliedState: null }]);
        expect(await claim(messages())).toBe(false);
        // Stale: claimed before staleBefore and still without a ts.
        expect(await claim(messages(), new Date(T0.getTime() + 1))).toBe(true);
        await messages().setSlackMessage({ promotionId: 'p-aaaaaaaaaaaa', channel: 'C1', ts: '1.1', team: 'T1' });
        expect(await claim(messages(), new Date(T0.getTime() + 60_000))).toBe(false);
      });

      test('each outcome is posted in the thread once', async () => {
        expect(await messages().claimSlackReply('p-aaaaaaaaaaaa', 'C1', 'done')).toBe(false); // no message yet
        await messages().setSlackMessage({ promotionId: 'p-aaaaaaaaaaaa', channel: 'C1', ts: '1.1', team: 'T1' });
        const other = await open();
        const both = await Promise.all([messages().claimSlackReply('p-aaaaaaaaaaaa', 'C1', 'done'), other.claimSlackReply('p-aaaaaaaaaaaa', 'C1', 'done')]);
        expect(both.filter(Boolean)).toHaveLength(1);
        expect(await messages().claimSlackReply('p-aaaaaaaaaaaa', 'C1', 'done')).toBe(false);
        expect(await messages().claimSlackReply('p-aaaaaaaaaaaa', 'C1', 'failed')).toBe(true);
        expect((await messages().slackMessages('p-aaaaaaaaaaaa'))[0]?.repliedState).toBe('failed');
      });
    });

    describe('the Repositories port', () => {
      const repos = (): Repositories => store;
      const repo = (id: number, fullName: string) => ({ repoId: id, fullName, installationId: 5, defaultBranch: 'main', htmlUrl: `https://github.com/${fullName}` });
      test('remembers repositories and the models their registries hold', async () => {
        await repos().rememberRepository(repo(1, 'acme/models'));
        await repos().rememberRepository(repo(2, 'acme/other'));
        await repos().rememberRepository({ ...repo(1, 'acme/models-renamed'), defaultBranch: 'trunk' });
        expect(await repos().repository({ repoId: 1 })).toEqual({ ...repo(1, 'acme/models-renamed'), defaultBranch: 'trunk' });
        expect(await repos().repository({ fullName: 'ACME/Other' })).toEqual(repo(2, 'acme/other'));
        await repos().rememberModels(1, ['sentiment', 'fraud']);
        await repos().rememberModels(2, ['sentiment']);
        expect((await repos().repositoriesWithModel('sentiment')).map((r) => r.fullName)).toEqual(['acme/models-renamed', 'acme/other']);
        await repos().rememberModels(1, ['fraud']);
        expect((await repos().repositoriesWithModel('sentiment')).map((r) => r.fullName)).toEqual(['acme/other']);
        expect((await repos().listRepositories()).map((r) => r.repoId)).toEqual([1, 2]);
      });
    });

    describe('the Inbox port', () => {
      const delivery = (id: string, overrides: Partial<NewInboxDelivery> = {}): NewInboxDelivery => ({
        id,
        event: 'pull_request',
        action: 'synchronize',
        installationId: 5,
        repo: 'acme/models',
        pr: 17,
        orderingKey: 'acme/models#17',
        payload: `{"n":"${id}"}`,
        ...overrides,
      });
      const take = (s: Store, owner = 'w1', perInstallation = 10) => s.takeDelivery({ owner, leaseMs: 60_000, perInstallation });
      const advance = (ms: number) => clock.advanceDays(ms / (24 * 60 * 60 * 1000));

      test('a delivery is written once; a redelivery of the same id is refused', async () => {
        await expect(store.enqueueDelivery(delivery('d-1'))).resolves.toBe(true);
        await expect(store.enqueueDelivery(delivery('d-1'))).resolves.toBe(false);
        expect((await store.listDeliveries()).map((d) => [d.id, d.state, d.attempts])).toEqual([['d-1', 'pending', 0]]);
        await expect(store.inboxStats()).resolves.toEqual({ pending: 1, leased: 0, dead: 0, oldestDueAt: T0.toISOString() });
      });

      test('deliveries enqueued at once (one group commit) each hear their own outcome, in order', async () => {
        await store.enqueueDelivery(delivery('old'));
        const outcomes = await Promise.all(['a', 'b', 'old', 'a', 'c'].map((id) => store.enqueueDelivery(delivery(id, { payload: `{"p":"${id}"}` }))));
        expect(outcomes).toEqual([true, true, false, false, true]);
        expect((await store.listDeliveries()).map((d) => d.id).sort()).toEqual(['a', 'b', 'c', 'old']);
        await expect(store.getDelivery('a')).resolves.toMatchObject({ payload: '{"p":"a"}', state: 'pending' });
        await expect(store.getDelivery('old')).resolves.toMatchObject({ payload: '{"n":"old"}' });
        // A delivery the store refuses fails alone; the others of its group are written.
        const mixed = await Promise.allSettled([store.enqueueDelivery(delivery('d')), store.enqueueDelivery(delivery('')), store.enqueueDelivery(delivery('e'))]);
        expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        await expect(store.getDelivery('e')).resolves.toMatchObject({ state: 'pending' });
      });

      test('taking leases the delivery with its exact payload; a leased delivery is not taken again until its lease expires', async () => {
        await store.enqueueDelivery(delivery('d-1', { orderingKey: null }));
        const taken = await take(store);
        expect(taken).toMatchObject({ id: 'd-1', payload: '{"n":"d-1"}', attempts: 1, leaseOwner: 'w1', installationId: 5, pr: 17, repo: 'acme/models' });
        await expect(take(store, 'w2')).resolves.toBeNull();
        await expect(store.inboxStats()).resolves.toMatchObject({ pending: 1, leased: 1 });
        advance(60_001);
        await expect(take(store, 'w2')).resolves.toMatchObject({ id: 'd-1', attempts: 2, leaseOwner: 'w2' });
        // The first owner lost its lease: its renewal and completion change nothing.
        await expect(store.renewLease('d-1', 'w1', 60_000)).resolves.toBe(false);
        await store.completeDelivery('d-1', 'w1');
        expect((await store.getDelivery('d-1'))!.state).toBe('pending');
        await store.completeDelivery('d-1', 'w2');
        expect(await store.getDelivery('d-1')).toMatchObject({ state: 'done', leaseOwner: null, finishedAt: T0.toISOString().replace('12:00:00.000', '12:01:00.001') });
      });

      test('one ordering key (one PR) is handled one delivery at a time, in the order received', async () => {
        await store.enqueueDelivery(delivery('old-head'));
        await store.enqueueDelivery(delivery('new-head'));
        await store.enqueueDelivery(delivery('other-pr', { orderingKey: 'acme/models#18', pr: 18 }));
        expect((await take(store, 'w1'))!.id).toBe('old-head');
        expect((await take(store, 'w2'))!.id).toBe('other-pr');
        await expect(take(store, 'w3')).resolves.toBeNull();
        await store.completeDelivery('old-head', 'w1');
        expect((await take(store, 'w3'))!.id).toBe('new-head');
      });

      test('an installation has at most `perInstallation` live leases; another installation is not held up', async () => {
        for (const id of ['a1', 'a2', 'a3']) await store.enqueueDelivery(delivery(id, { orderingKey: null }));
        await store.enqueueDelivery(delivery('b1', { orderingKey: null, installationId: 6 }));
        expect((await take(store, 'w', 2))!.id).toBe('a1');
        expect((await take(store, 'w', 2))!.id).toBe('a2');
        expect((await take(store, 'w', 2))!.id).toBe('b1');
        await expect(take(store, 'w', 2)).resolves.toBeNull();
      });

      test('a failure is due again at its retry time, a last failure is dead; a redelivery or a replay revives it', async () => {
        await store.enqueueDelivery(delivery('d-1'));
        await take(store);
        await store.failDelivery('d-1', 'w1', { error: 'boom', retryAt: new Date(T0.getTime() + 5000) });
        expect(await store.getDelivery('d-1')).toMatchObject({ state: 'pending', lastError: 'boom', leaseOwner: null, attempts: 1 });
        await expect(take(store)).resolves.toBeNull();
        advance(5000);
        expect((await take(store))!.attempts).toBe(2);
        await store.failDelivery('d-1', 'w1', { error: 'boom again', retryAt: null });
        expect(await store.getDelivery('d-1')).toMatchObject({ state: 'dead', lastError: 'boom again' });
        expect((await store.listDeliveries({ state: 'dead' })).map((d) => d.id)).toEqual(['d-1']);
        await expect(store.inboxStats()).resolves.toEqual({ pending: 0, leased: 0, dead: 1, oldestDueAt: null });

        await expect(store.claimDelivery('d-1', 'pull_request.synchronize')).resolves.toBe(true);
        await expect(store.replayDelivery('d-1')).resolves.toBe(true);
        expect(await store.getDelivery('d-1')).toMatchObject({ state: 'pending', attempts: 0 });
        // The replay forgot the handled-claim, so the handlers run again.
        await expect(store.claimDelivery('d-1', 'pull_request.synchronize')).resolves.toBe(true);
        await expect(store.replayDelivery('d-1')).resolves.toBe(false);
        await expect(store.replayDelivery('unknown')).resolves.toBe(false);

        await take(store);
        await store.failDelivery('d-1', 'w1', { error: 'dead', retryAt: null });
        await expect(store.enqueueDelivery(delivery('d-1'))).resolves.toBe(true);
        expect(await store.getDelivery('d-1')).toMatchObject({ state: 'pending', attempts: 0 });
      });

      test('a replay of a done delivery forgets its steps; of a dead one, keeps them', async () => {
        for (const id of ['done', 'dead']) {
          await store.enqueueDelivery(delivery(id, { orderingKey: null }));
          await take(store);
          await store.recordDeliveryStep({ deliveryId: id, step: 'begun', value: 0 });
        }
        await store.completeDelivery('done', 'w1');
        await store.failDelivery('dead', 'w1', { error: 'boom', retryAt: null });
        await expect(store.replayDelivery('done')).resolves.toBe(true);
        await expect(store.replayDelivery('dead')).resolves.toBe(true);
        expect(await store.deliverySteps('done')).toEqual(new Map());
        expect(await store.deliverySteps('dead')).toEqual(new Map([['begun', 0]]));
      });

      test('a graceful shutdown gives its leases back without counting the attempt', async () => {
        await store.enqueueDelivery(delivery('d-1', { orderingKey: null }));
        await store.enqueueDelivery(delivery('d-2', { orderingKey: null }));
        await take(store, 'w1');
        await take(store, 'w2');
        await expect(store.releaseLeases('w1')).resolves.toBe(1);
        expect(await store.getDelivery('d-1')).toMatchObject({ leaseOwner: null, attempts: 0 });
        expect((await take(store, 'w3'))!.id).toBe('d-1');
      });

      test('replicas taking at once each get a different delivery', async () => {
        const stores = [store, await open(), await open()];
        for (let i = 0; i < 6; i++) await store.enqueueDelivery(delivery(`d-${i}`, { orderingKey: null, installationId: null }));
        const taken = await Promise.all(stores.flatMap((s, i) => [take(s, `r${i}`), take(s, `r${i}`)]));
        expect(taken.map((t) => t?.id).sort()).toEqual(['d-0', 'd-1', 'd-2', 'd-3', 'd-4', 'd-5']);
      });

      test('done deliveries are pruned after the retention; the schema version is the latest', async () => {
        await store.enqueueDelivery(delivery('d-1'));
        await take(store);
        await store.completeDelivery('d-1', 'w1');
        await store.enqueueDelivery(delivery('d-2', { orderingKey: null }));
        clock.advanceDays(15);
        await expect(store.pruneInbox(14)).resolves.toBe(1);
        expect((await store.listDeliveries()).map((d) => d.id)).toEqual(['d-2']);
        await expect(store.schemaVersion()).resolves.toBe(LATEST_SCHEMA_VERSION);
      });
    });

    describe('migrations', () => {
      test('opening again is a no-op that keeps the data', async () => {
        await store.claimDelivery('kept', 'push');
        await store.close();
        store = await open();
        expect(await store.claimDelivery('kept', 'push')).toBe(false);
        const versions = await harness.query('SELECT version FROM schema_migrations ORDER BY version');
        expect(versions.map((r) => Number((r as { version: unknown }).version))).toEqual(
          VERSIONS,
        );
      });

      test('stores opened together migrate once', async () => {
        for (const table of [...TABLES, 'schema_migrations']) await harness.query(`DROP TABLE ${table}`);
        const stores = await Promise.all([open(), open(), open()]);
        const claims = await Promise.all(stores.map((s) => s.claimDelivery('once', 'push')));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await harness.query('SELECT version FROM schema_migrations')).toHaveLength(VERSIONS.length);
      });

      test('a database from a newer modelgate is refused at open', async () => {
        await harness.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (7, 'future', ?)", [
          T0.toISOString(),
        ]);
        await expect(open()).rejects.toThrow(
          `database schema version 7 at ${harness.label} is newer than this modelgate (knows up to ${LATEST_SCHEMA_VERSION}): ` +
            'upgrade modelgate or point DATABASE_URL elsewhere',
        );
      });
    });

    describe('corrupt rows', () => {
      test('invalid JSON in metrics names the table, the row and the column', async () => {
        const { evaluation: e } = await store.recordEvaluation(evaluation());
        await harness.query('UPDATE evaluations SET metrics = ? WHERE id = ?', ['{"eval.accuracy": 0.9', e.id]);
        const error = await store.getEvaluation(e.id).then(
          () => null,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(StoreCorruptRowError);
        expect(error).toMatchObject({ table: 'evaluations', rowId: String(e.id) });
        expect((error as Error).message).toMatch(
          new RegExp(`^evaluations row ${e.id} is corrupt: column metrics: not valid JSON \\(.+\\)\\. Fix or delete the row`),
        );
        await expect(store.evaluationsForCommit(4_200_000_001, SHA_A)).rejects.toThrow(StoreCorruptRowError);
      });

      test('well-formed JSON of the wrong shape, and unknown statuses, are corrupt too', async () => {
        const { evaluation: e } = await store.recordEvaluation(evaluation());
        await harness.query('UPDATE evaluations SET metrics = ?, status = ? WHERE id = ?', [
          '{"eval.accuracy": true}',
          'exploded',
          e.id,
        ]);
        await expect(store.getEvaluation(e.id)).rejects.toThrow(
          new RegExp(
            `^evaluations row ${e.id} is corrupt: column status: .*; column metrics at "eval\\.accuracy": .*Fix or delete the row`,
          ),
        );
      });

      test('a corrupt head row names its key', async () => {
        await store.recordHeadSha({ repoId: 3, pr: 4, sha: SHA_A, at: T0 });
        await harness.query("UPDATE pr_heads SET sha = 'not-a-sha'");
        await expect(store.getHeadSha({ repoId: 3, pr: 4 })).rejects.toThrow(
          'pr_heads row (repo_id 3, pr 4) is corrupt: column sha: expected a full lowercase hex commit SHA.',
        );
      });
    });

    test('names its database', () => {
      expect(store.label).toBe(harness.label);
    });

    describe('close', () => {
      test('is safe twice and ends the store', async () => {
        await store.close();
        await store.close();
        await expect(store.claimDelivery('late', 'push')).rejects.toThrow('the store is closed');
      });
    });
  });
}
