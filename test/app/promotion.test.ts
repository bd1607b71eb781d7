import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import type { ModelgateServer } from '../../src/server.js';
import type { Store } from '../../src/store/index.js';
import { isolateNetwork } from '../helpers/nock.js';
import { describeWith } from '../helpers/prerequisite.js';
import { testDatabase, type TestDatabase } from '../helpers/postgres.js';
import { ALICE, BOB, commentPayload, CONFIG, deliver, evaluation, MALLORY, promotionRepo, REPO_ID, startApp, T0, until, type PromotionRepoFixture } from '../helpers/promotion-fixture.js';

const ID = 'p-abcdefghij23';

type Database = Pick<TestDatabase, 'missing' | 'create' | 'drop'>;

function suite(name: string, database: Database) {
  describeWith(`promotion over real HTTP (${name})`, database.missing, () => {
    let repo: PromotionRepoFixture;
    let server: ModelgateServer | null = null;
    let store: Store;
    let url: string;
    let clock: Date;
    let ids: string[];

    beforeEach(async () => {
      isolateNetwork();
      clock = T0;
      ids = [ID, 'p-abcdefghij24', 'p-abcdefghij25'];
      repo = await promotionRepo();
      const app = await startApp(repo.github, {
        databaseUrl: await database.create(),
        now: () => clock,
        newId: () => ids.shift() ?? 'p-zzzzzzzzzzzz',
        seed: async (s) => {
          await s.recordEvaluation(evaluation('v2', 0.9));
          await s.recordEvaluation(evaluation('v3', 0.92));
        },
      });
      ({ server, store, url } = app);
    });

    afterEach(async () => {
      await server?.stop();
      server = null;
      await repo.github.stop();
      await database.drop();
    });

    const say = async (body: string, author: { id: number; login: string }, options: { issue?: number; association?: string } = {}) => {
      const before = repo.github.calls.length;
      const response = await deliver(url, 'issue_comment', commentPayload(body, author, options));
      expect(response.status).toBeLessThan(300);
      return repo.github.calls.slice(before);
    };
    const summary = (calls: Array<{ method: string; path: string }>) => calls.map((c) => `${c.method} ${c.path.replace('/repos/acme/models', '')}`);

    test('request to done in 12 API calls: the registry commit, the deployment and the comment, exactly', async () => {
      const requested = await say('/modelgate promote sentiment v3', ALICE);
      expect(summary(requested)).toEqual(['POST /app/installations/7/access_tokens', 'POST /graphql', 'POST /graphql', 'POST /issues/12/comments']);
      expect(requested[1]!.body.variables).toEqual({
        owner: 'acme',
        repo: 'models',
        head: 'refs/heads/main',
        configPath: '.github/modelgate.yml',
        registryPath: 'models/registry.yaml',
        withVersion: false,
        commit: '0'.repeat(40),
        cardPath: '',
        withPr: false,
        pr: 0,
        member: null,
      });
      expect(requested[2]!.body.variables).toMatchObject({ withVersion: true, commit: repo.v3Commit, cardPath: 'models/sentiment/README.md', withPr: true, pr: 12 });
      const comment = repo.github.comments[0]!;
      expect(comment.body.split('\n').slice(0, 7)).toEqual([
        `<!-- modelgate:promotion id=${ID} -->`,
        `### 🚀 Promotion of \`sentiment\` \`v3\` to \`staging\` · \`${ID}\``,
        '',
        '**⏳ Waiting for approval: 0 of 1 approval · expires 2026-12-02 12:00 UTC (in 24 h)**',
        '',
        'Replaces `v2` in `staging`. Requested by @\u200dalice.',
        '',
      ]);
      expect(comment.body).toContain('| Gates passed | ✅ | Evaluation 2 passed its metric gates\\. |');
      expect(comment.body).toContain(`**Who may approve:** @bob or @carol, not the requester. Approve with \`/modelgate approve ${ID}\``);
      expect(comment.body).toContain('#### Metrics against staging \\(v2\\)');
      expect(comment.body).toContain('| `eval.accuracy` | 0.9 | 0.92 | +0.02 |');

      const approved = await say(`/modelgate approve ${ID}`, BOB);
      expect(summary(approved)).toEqual([
        'POST /graphql',
        'POST /git/trees',
        'POST /git/commits',
        'PATCH /git/refs/heads/main',
        'POST /deployments',
        'POST /deployments/1002/statuses',
        'POST /deployments/1002/statuses',
        `PATCH /issues/comments/${comment.id}`,
      ]);
      expect(requested.length + approved.length).toBe(12);

      const [, tree, commit, ref, deployment, inProgress, success] = approved;
      const registry = repo.registry
        .replace('stages: {staging: v2, production: v2}', 'stages: {staging: v3, production: v2}')
        .concat(`      - {stage: staging, from: v2, to: v3, promotion: ${ID}, requested_by: alice, approved_by: [bob], at: 2026-12-01T12:00:00Z}\n`);
      expect(tree!.body).toEqual({ base_tree: expect.stringMatching(/^tree-/), tree: [{ path: 'models/registry.yaml', mode: '100644', type: 'blob', content: registry }] });
      const digest = commit!.body.message.match(/Evidence: (sha256:[0-9a-f]{64})/)[1];
      expect(commit!.body).toEqual({
        message: `Promote sentiment v3 to staging (replacing v2)\n\nRequested by @alice; approved by @bob.\nEvidence: ${digest}\n\nPromotion-Id: ${ID}\nRequested-by: alice\nApproved-by: bob\n`,
        tree: tree!.body && expect.any(String),
        parents: [expect.stringMatching(/^[0-9a-f]{40}$/)],
      });
      expect(ref!.body).toEqual({ sha: repo.github.head, force: false });
      expect(deployment!.body).toEqual({
        ref: repo.github.head,
        environment: 'sentiment/staging',
        description: `promotion ${ID}: sentiment v3 to staging`,
        payload: {
          modelgate: 1,
          promotion: ID,
          kind: 'promote',
          model: 'sentiment',
          version: 'v3',
          stage: 'staging',
          from: 'v2',
          card: 'models/sentiment/README.md',
          commit: repo.v3Commit,
          registry_commit: repo.github.head,
          requested_by: 'alice',
          approvers: ['bob'],
          emergency: false,
          reason: null,
          evidence_digest: digest,
        },
        auto_merge: false,
        required_contexts: [],
        production_environment: false,
        transient_environment: false,
      });
      expect([inProgress!.body.state, success!.body.state]).toEqual(['in_progress', 'success']);
      expect(success!.body).toMatchObject({ environment: 'sentiment/staging', log_url: `https://github.com/acme/models/commit/${repo.github.head}`, auto_inactive: true });
      // The registry on main is exactly what was committed; the comment shows the result.
      expect(repo.github.file('models/registry.yaml')).toBe(registry);
      expect(repo.github.comments[0]!.body).toContain('**✅ Done**');
      expect(repo.github.comments[0]!.body).toContain(`**Result:** registry commit [${repo.github.head.slice(0, 7)}](https://github.com/acme/models/commit/${repo.github.head}), deployment [sentiment/staging](https://github.com/acme/models/deployments/sentiment%2Fstaging).`);
      const stored = await store.getPromotion(ID);
      expect(stored).toMatchObject({ state: 'done', result: { registryCommit: repo.github.head, deploymentId: 1002, environment: 'sentiment/staging' } });
      expect((await store.auditLog(ID)).map((e) => `${e.action}:${e.actor?.login ?? '-'}`)).toEqual(['requested:alice', 'approved:bob', 'approved:bob', 'executing:-', 'done:-']);
    });

    test('the requester cannot approve their own request; an ineligible approver is told who may', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      const self = await say(`/modelgate approve ${ID}`, ALICE);
      expect(summary(self)).toEqual(['POST /graphql', 'POST /issues/12/comments']);
      expect(repo.github.comments.at(-1)!.body).toBe('@\u200dalice\\: you made this request, and someone else must approve it \\(four\\-eyes\\)\\.');
      const other = await say(`/modelgate approve ${ID}`, MALLORY);
      expect(summary(other)).toEqual(['POST /graphql', 'POST /issues/12/comments']);
      expect(repo.github.comments.at(-1)!.body).toBe('@\u200dmallory\\: only bob or carol may approve staging\\.');
      expect(repo.github.calls.some((c) => c.path.includes('/git/'))).toBe(false);
      expect((await store.getPromotion(ID))?.state).toBe('requested');
    });

    test('a new evaluation of the version voids the request, which says why', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      await store.recordEvaluation(evaluation('v3', 0.95, { runId: 904, createdAt: T0 }));
      const approve = await say(`/modelgate approve ${ID}`, BOB);
      expect(summary(approve)).toEqual(['POST /graphql', `PATCH /issues/comments/${repo.github.comments[0]!.id}`, 'POST /issues/12/comments']);
      const p = await store.getPromotion(ID);
      expect(p?.state).toBe('void');
      expect(p?.stateReason).toBe('The evidence changed since the request: a new evaluation of v3 was recorded (evaluation 3, was 2). Request the promotion again.');
      expect(repo.github.comments[0]!.body).toContain('**⚠️ Void: The evidence changed since the request\\: a new evaluation of v3 was recorded \\(evaluation 3, was 2\\)');
      expect(repo.github.calls.some((c) => c.path.includes('/git/'))).toBe(false);
    });

    test('a pending request expires', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      clock = new Date(T0.getTime() + 25 * 3600_000);
      const approve = await say(`/modelgate approve ${ID}`, BOB);
      expect(summary(approve)).toEqual([`PATCH /issues/comments/${repo.github.comments[0]!.id}`, 'POST /issues/12/comments']);
      expect(repo.github.comments.at(-1)!.body).toBe(`\`${ID}\` is expired, so it cannot be approved any more\\. The request expired before it was approved\\.`);
      expect((await store.getPromotion(ID))?.state).toBe('expired');
    });

    test('a branch that moved under the commit: re-read, re-applied onto the new content, never forced', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      // Someone pushes to main between the approval's read and the ref update.
      repo.github.onCall = (call) => {
        if (call === 'POST /repos/acme/models/git/commits' && repo.github.onCall) {
          repo.github.onCall = null;
          repo.github.setFiles({ 'docs/notes.md': 'a concurrent push\n' }, 'concurrent push');
        }
      };
      const approve = await say(`/modelgate approve ${ID}`, BOB);
      expect(summary(approve).slice(0, 8)).toEqual([
        'POST /graphql',
        'POST /git/trees',
        'POST /git/commits',
        'PATCH /git/refs/heads/main',
        'POST /graphql',
        'POST /git/trees',
        'POST /git/commits',
        'PATCH /git/refs/heads/main',
      ]);
      expect(approve.filter((c) => c.path.endsWith('/git/refs/heads/main')).map((c) => c.body.force)).toEqual([false, false]);
      // Both changes are on main: nothing was overwritten.
      expect(repo.github.file('docs/notes.md')).toBe('a concurrent push\n');
      expect(parse(repo.github.file('models/registry.yaml')!).models.sentiment.stages).toEqual({ staging: 'v3', production: 'v2' });
      expect((await store.getPromotion(ID))?.state).toBe('done');
    });

    test('a ref update that landed though GitHub answered "not a fast forward" (a retried request) is found, not redone', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      repo.github.failAfterEffect(/^PATCH \/repos\/acme\/models\/git\/refs/, 422, { message: 'Update is not a fast forward' });
      const approve = await say(`/modelgate approve ${ID}`, BOB);
      expect(summary(approve).slice(0, 6)).toEqual(['POST /graphql', 'POST /git/trees', 'POST /git/commits', 'PATCH /git/refs/heads/main', 'POST /graphql', 'GET /commits']);
      expect(parse(repo.github.file('models/registry.yaml')!).models.sentiment.history.filter((h: { promotion: string }) => h.promotion === ID)).toHaveLength(1);
      expect(approve.filter((c) => c.path.endsWith('/git/commits'))).toHaveLength(1);
      expect((await store.getPromotion(ID))?.state).toBe('done');
    });

    test('an emergency, where allowed, skips the evaluation and soak, and says so everywhere', async () => {
      repo.github.setFiles({ '.github/modelgate.yml': CONFIG.replace('promotion:\n', 'promotion:\n  emergency: allow\n') });
      await store.recordEvaluation(evaluation('v3', 0.5, { runId: 905, verdict: false, createdAt: T0 }));
      await say('/modelgate promote sentiment v3 production --emergency "v2 leaks PII"', ALICE);
      const p = (await store.listPromotions({ repoId: REPO_ID, states: ['requested'] }))[0]!;
      expect(p).toMatchObject({ stage: 'production', emergency: 'v2 leaks PII' });
      expect(repo.github.comments[0]!.body).toContain('> [!CAUTION]\n> **EMERGENCY** requested by @\u200dalice: v2 leaks PII');
      await say(`/modelgate approve ${p.id}`, { id: 41, login: 'dave' });
      const commit = repo.github.calls.find((c) => c.path.endsWith('/git/commits'))!;
      expect(commit.body.message.split('\n').slice(0, 3)).toEqual(['[EMERGENCY] Promote sentiment v3 to production (replacing v2)', '', 'EMERGENCY: v2 leaks PII']);
      expect(parse(repo.github.file('models/registry.yaml')!).models.sentiment.history.at(-1)).toMatchObject({ stage: 'production', to: 'v3', emergency: true, reason: 'v2 leaks PII' });
      expect(repo.github.deployments.at(-1)!.payload).toMatchObject({ emergency: true, reason: 'v2 leaks PII' });
      expect(repo.github.deployments.at(-1)!['description']).toBe(`EMERGENCY promotion ${p.id}: sentiment v3 to production`);
    });

    test('a push the branch protection refuses fails the request with what to do', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      repo.github.fail(/^PATCH \/repos\/acme\/models\/git\/refs/, 422, { message: 'Protected branch update failed for refs/heads/main.' });
      await say(`/modelgate approve ${ID}`, BOB);
      const p = await store.getPromotion(ID);
      expect(p?.state).toBe('failed');
      expect(p?.stateReason).toBe(
        'GitHub refused the registry commit to main: Protected branch update failed for refs/heads/main.. Allow the modelgate App to push to main (a branch protection or ruleset bypass for the App), then request again.',
      );
      expect(repo.github.deployments).toEqual([]);
      expect(repo.github.comments[0]!.body).toContain('**❌ Failed: GitHub refused the registry commit to main');
    });

    test('concurrent requests for the same model and stage: exactly one request', async () => {
      const responses = await Promise.all(Array.from({ length: 5 }, () => deliver(url, 'issue_comment', commentPayload('/modelgate promote sentiment v3 staging', ALICE))));
      expect(responses.map((r) => r.status < 300)).toEqual([true, true, true, true, true]);
      await until(() => repo.github.comments.length === 5, 'five replies');
      expect(await store.listPromotions({ repoId: REPO_ID })).toHaveLength(1);
      const requests = repo.github.comments.filter((c) => c.body.startsWith('<!-- modelgate:promotion'));
      expect(requests).toHaveLength(1);
      const id = (await store.listPromotions({ repoId: REPO_ID }))[0]!.id;
      expect(repo.github.comments.filter((c) => c.body.startsWith('There is already an active request')).map((c) => c.body)).toEqual(
        Array(4).fill(`There is already an active request for \`sentiment\` \`staging\`: \`${id}\` (promotion of \`v3\`, ⏳ waiting for approval). Approve or reject it first: \`/modelgate approve ${id}\` or \`/modelgate reject ${id}\`.`),
      );
    });

    test('rollback moves the stage back to the version it held before, marked in the history', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      await say(`/modelgate approve ${ID}`, BOB);
      await say('/modelgate rollback sentiment staging', ALICE);
      const rollback = (await store.listPromotions({ repoId: REPO_ID, states: ['requested'] }))[0]!;
      expect(rollback).toMatchObject({ kind: 'rollback', version: 'v2', fromVersion: 'v3', stage: 'staging' });
      await say(`/modelgate approve ${rollback.id}`, BOB);
      const data = parse(repo.github.file('models/registry.yaml')!);
      expect(data.models.sentiment.stages.staging).toBe('v2');
      expect(data.models.sentiment.history.at(-1)).toMatchObject({ stage: 'staging', from: 'v3', to: 'v2', promotion: rollback.id, rollback: true });
      expect(repo.github.deployments.at(-1)).toMatchObject({ environment: 'sentiment/staging', payload: { kind: 'rollback', version: 'v2', from: 'v3' } });
    });

    test('a dry run shows the request and records nothing', async () => {
      const calls = await say('/modelgate promote sentiment v3 --dry-run', ALICE);
      expect(summary(calls)).toEqual(['POST /app/installations/7/access_tokens', 'POST /graphql', 'POST /graphql', 'POST /issues/12/comments']);
      expect(repo.github.comments[0]!.body).toMatch(/^### 🧪 Dry run: Promotion of `sentiment` `v3` to `staging`\n\n> \[!NOTE\]\n> A dry run: nothing was requested/);
      expect(await store.listPromotions({ repoId: REPO_ID })).toEqual([]);
    });

    test.each([
      ['/modelgate promote ../../.github/workflows/x v3', '`../../.github/workflows/x` is not a valid model name'],
      ['/modelgate promote sentiment v3.lock', '`v3.lock` is not a valid version'],
      ['/modelgate promote <@U123> v3', '`<@U123>` is not a valid model name'],
      ['/modelgate promote @org/team v3', '`@org/team` is not a valid model name'],
      [`/modelgate promote ${'a'.repeat(10_000)} v3`, 'The command is too long: at most 2,000 characters.'],
    ])('hostile input %#: refused with a clear message, nothing read or written', async (body, message) => {
      const calls = await say(body, ALICE);
      expect(summary(calls)).toEqual(['POST /app/installations/7/access_tokens', 'POST /issues/12/comments']);
      expect(repo.github.comments[0]!.body.split('\n')[0]).toContain(message);
    });

    test('only owners, members and collaborators may request', async () => {
      const calls = await say('/modelgate promote sentiment v3', MALLORY, { association: 'CONTRIBUTOR' });
      expect(summary(calls)).toEqual(['POST /app/installations/7/access_tokens', 'POST /issues/12/comments']);
      expect(repo.github.comments[0]!.body).toBe('Sorry @\u200dmallory, only owners, members and collaborators of acme/models can request promotions\\.');
    });

    test('a repository without a promotion section says how to configure it', async () => {
      repo.github.setFiles({ '.github/modelgate.yml': CONFIG.slice(0, CONFIG.indexOf('promotion:')) });
      await say('/modelgate promote sentiment v3', ALICE);
      expect(repo.github.comments[0]!.body).toMatch(/^acme\/models has no promotion stages yet\\. Add a `promotion:` section/);
    });

    test('production needs staging first, for the soak time', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      await say(`/modelgate approve ${ID}`, BOB);
      await say('/modelgate promote sentiment v3 production', ALICE);
      expect(repo.github.comments.at(-1)!.body).toContain('| Soak | ❌ | It has been in staging for 0 s of the 24 h soak; try again in 24 h\\. |');
      clock = new Date(T0.getTime() + 25 * 3600_000);
      await say('/modelgate promote sentiment v3 production', ALICE);
      const production = (await store.listPromotions({ repoId: REPO_ID, states: ['requested'] }))[0]!;
      expect(production).toMatchObject({ stage: 'production', fromVersion: 'v2' });
      // carol is a member of @acme/ml-leads: the team is checked through GitHub at approval time.
      await say(`/modelgate approve ${production.id}`, { id: 40, login: 'carol' });
      expect((await store.getPromotion(production.id))?.state).toBe('done');
      expect(repo.github.deployments.at(-1)).toMatchObject({ environment: 'sentiment/production', production_environment: true });
    });

    test('status shows what each stage holds and what is pending', async () => {
      await say('/modelgate promote sentiment v3', ALICE);
      await say('/modelgate status', ALICE);
      expect(repo.github.comments.at(-1)!.body).toBe(
        `**Models of acme/models**\n\n| Model | \`staging\` | \`production\` | Pending |\n| --- | --- | --- | --- |\n| \`sentiment\` | \`v2\` since 2026-11-02 | \`v2\` since 2026-11-05 | \`${ID}\` → \`staging\` |\n`,
      );
    });
  });
}

suite('SQLite', { missing: null, create: async () => ':memory:', drop: async () => undefined });
suite('PostgreSQL', await testDatabase('mg_promo'));
