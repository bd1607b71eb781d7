import { afterEach, beforeEach, expect, test } from '@jest/globals';
import nock from 'nock';
import type { ModelgateServer } from '../../src/server.js';
import type { Store } from '../../src/store/index.js';
import { postgres, sqlite, type Database } from '../helpers/databases.js';
import { isolateNetwork } from '../helpers/nock.js';
import { describeWith } from '../helpers/prerequisite.js';
import { ALICE, BOB, CAROL, commentPayload, CONFIG, deliver, evaluation, INSTALLATION, MALLORY, promotionRepo, REPO_ID, startApp, T0, until, type PromotionRepoFixture } from '../helpers/promotion-fixture.js';
import {
  blockAction,
  CHANNEL,
  commandBody,
  FakeSlack,
  post,
  sendCommand,
  SLACK_ENV,
  TEAM,
  U_ALICE,
  U_BOB,
  U_BOB2,
  U_CAROL,
  U_ERIN,
  U_MALLORY,
  viewSubmission,
} from '../helpers/slack.js';

const ID = 'p-abcdefghij23';
const ID2 = 'p-abcdefghij24';

function suite(name: string, database: Database) {
  describeWith(`Slack over real HTTP (${name})`, database.missing, () => {
    let repo: PromotionRepoFixture;
    let server: ModelgateServer | null = null;
    let store: Store;
    let url: string;
    let clock: Date;
    let slack: FakeSlack;

    const start = async (options: { config?: string; env?: Record<string, string> } = {}) => {
      repo = await promotionRepo(options.config ? { config: options.config } : {});
      repo.github.permissions.set('alice', 'write');
      repo.github.permissions.set('mallory', 'read');
      const ids = [ID, ID2, 'p-abcdefghij25'];
      const app = await startApp(repo.github, {
        databaseUrl: await database.create(),
        now: () => clock,
        newId: () => ids.shift() ?? 'p-zzzzzzzzzzzz',
        env: { ...SLACK_ENV, ...options.env },
        slackRetries: 0,
        seed: async (s) => {
          await s.recordEvaluation(evaluation('v2', 0.9));
          await s.recordEvaluation(evaluation('v3', 0.92));
          await s.rememberRepository({ repoId: REPO_ID, fullName: 'acme/models', installationId: INSTALLATION, defaultBranch: 'main', htmlUrl: 'https://github.com/acme/models' });
          await s.rememberModels(REPO_ID, ['sentiment']);
          for (const [user, actor] of [[U_ALICE, ALICE], [U_BOB, BOB], [U_BOB2, BOB], [U_CAROL, CAROL], [U_MALLORY, MALLORY]] as const) {
            await s.linkSlackUser({ team: TEAM, user: user.id, githubId: actor.id, githubLogin: actor.login, source: 'seed' });
          }
        },
      });
      ({ server, store, url } = app);
    };

    beforeEach(async () => {
      isolateNetwork();
      clock = T0;
      slack = new FakeSlack();
      slack.install();
    });

    afterEach(async () => {
      await server?.stop();
      server = null;
      await repo?.github.stop();
      await database.drop();
      nock.cleanAll();
      nock.enableNetConnect();
    });

    /** A command, answered at once; then its work, until its answer through response_url. */
    const command = async (cmd: string, text: string, user = U_ALICE, options: { channel?: string } = {}) => {
      const before = { github: repo.github.calls.length, responses: slack.responses.length, calls: slack.calls.length };
      const response = await sendCommand(url, cmd, text, user, options);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      await until(() => slack.responses.length > before.responses, `the answer to ${cmd} ${text}`);
      return { github: repo.github.calls.slice(before.github), answer: slack.responses.at(-1)!.body, slack: slack.calls.slice(before.calls) };
    };
    const click = async (action: 'modelgate_approve' | 'modelgate_reject', user = U_BOB, id = ID) => {
      const message = slack.posted()[0]!;
      const ts = (await store.slackMessages(id))[0]!.ts!;
      const before = { github: repo.github.calls.length, responses: slack.responses.length, calls: slack.calls.length };
      const response = await post(url, blockAction(action, id, user, { channel: message.body['channel'], ts }));
      expect(response.status).toBe(200);
      return { before, ts };
    };
    const approve = async (user = U_BOB, id = ID) => {
      const { before } = await click('modelgate_approve', user, id);
      await until(() => slack.responses.length > before.responses, 'the answer to the click');
      return { github: repo.github.calls.slice(before.github), answer: slack.responses.at(-1)!.body, slack: slack.calls.slice(before.calls) };
    };
    const summary = (calls: Array<{ method: string; path: string }>) => calls.map((c) => `${c.method} ${c.path.replace('/repos/acme/models', '')}`);
    const writes = () => repo.github.calls.filter((c) => c.path.includes('/git/') || c.path.includes('/deployments'));

    test('/promote to done: the request message, a second person\'s click, the registry commit and deployment, the message updated and the outcome in its thread', async () => {
      await start();
      const requested = await command('/promote', 'sentiment v3');
      expect(summary(requested.github)).toEqual([
        'POST /app/installations/7/access_tokens',
        'GET /collaborators/alice/permission',
        'POST /graphql',
        'POST /graphql',
        'POST /issues/12/comments',
      ]);
      expect(requested.answer).toEqual({ response_type: 'ephemeral', text: `Requested \`${ID}\`: the request is in this channel, waiting for approval.` });
      expect(slack.summary()).toEqual(['chat.postMessage']);
      const message = slack.posted()[0]!.body;
      expect(message).toMatchObject({ channel: CHANNEL, text: `Promotion of sentiment v3 to staging (${ID}): waiting for approval`, unfurl_links: 'false' });
      expect(message['blocks']).toEqual([
        { type: 'header', text: { type: 'plain_text', text: '🚀 Promotion of sentiment v3 to staging', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: '*⏳ Waiting for approval: 0 of 1 approval · expires 2026-12-02 12:00 UTC (in 24 h)*' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Model*\n`sentiment` in <https://github.com/acme/models|acme/models>' },
            { type: 'mrkdwn', text: '*Version → stage*\n`v3` → `staging`' },
            { type: 'mrkdwn', text: '*Replaces*\n`v2`' },
            { type: 'mrkdwn', text: '*Requested by*\n<@U0ALICE> (GitHub @alice)' },
            { type: 'mrkdwn', text: '*Pull request*\n<https://github.com/acme/models/pull/12|#12>' },
            { type: 'mrkdwn', text: '*Who may approve*\nbob or carol, not the requester' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('✅ *Gates passed*: Evaluation 2 passed its metric gates.') } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Metrics against staging (v2)* · gates passed ✅ (1 pass, 0 fail)\n```\nmetric         base  head  Δ\neval.accuracy  0.9   0.92  +0.02  improved\n```\nThe full diff: <https://github.com/acme/models/pull/12|#12 on GitHub>' },
        },
        {
          type: 'actions',
          block_id: 'modelgate_decision',
          elements: [
            expect.objectContaining({ action_id: 'modelgate_approve', value: ID, style: 'primary', confirm: expect.objectContaining({ title: { type: 'plain_text', text: 'Approve this request?' } }) }),
            expect.objectContaining({ action_id: 'modelgate_reject', value: ID, style: 'danger' }),
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Request \`${ID}\` · modelgate` }] },
      ]);
      // Both sides see one request: its comment on the version's pull request too.
      expect(repo.github.comments[0]!.body).toContain(`Requested by @\u200dalice in Slack.`);

      const approved = await approve(U_BOB);
      expect(summary(approved.github)).toEqual([
        'POST /graphql',
        'POST /git/trees',
        'POST /git/commits',
        'PATCH /git/refs/heads/main',
        'POST /deployments',
        'POST /deployments/1002/statuses',
        'POST /deployments/1002/statuses',
        `PATCH /issues/comments/${repo.github.comments[0]!.id}`,
      ]);
      expect(approved.answer).toEqual({ response_type: 'ephemeral', replace_original: false, text: 'Approved: Promotion of sentiment v3 to staging is done.' });
      expect(slack.summary()).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage (thread)']);
      const update = slack.calls.find((c) => c.method === 'chat.update')!.body;
      expect(update).toMatchObject({ channel: CHANNEL, ts: '1764590400.000001', text: `Promotion of sentiment v3 to staging (${ID}): done` });
      expect(update['blocks'][1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*✅ Done*' } });
      expect(update['blocks'].some((b: { type: string }) => b.type === 'actions')).toBe(false);
      expect(update['blocks']).toContainEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Approvals:* @bob (Slack)' } });
      expect(update['blocks']).toContainEqual({
        type: 'section',
        text: { type: 'mrkdwn', text: `*Result:* registry commit <https://github.com/acme/models/commit/${repo.github.head}|${repo.github.head.slice(0, 7)}>, deployment <https://github.com/acme/models/deployments/sentiment%2Fstaging|sentiment/staging>` },
      });
      const thread = slack.calls.find((c) => c.body['thread_ts'])!.body;
      expect(thread).toMatchObject({
        channel: CHANNEL,
        thread_ts: '1764590400.000001',
        text: `✅ Promotion of sentiment v3 to staging: done. registry commit <https://github.com/acme/models/commit/${repo.github.head}|${repo.github.head.slice(0, 7)}>, deployment <https://github.com/acme/models/deployments/sentiment%2Fstaging|sentiment/staging>.`,
      });
      expect(await store.getPromotion(ID)).toMatchObject({ state: 'done', source: { kind: 'slack', team: TEAM, channel: CHANNEL, user: 'U0ALICE' } });
      expect((await store.approvals(ID)).map((a) => `${a.approver.login} via ${a.via}`)).toEqual(['bob via slack']);
      expect(repo.github.file('models/registry.yaml')).toContain('stages: {staging: v3, production: v2}');
    });

    test('self-approval, an ineligible approver and an unlinked clicker are told why, privately; nothing changes', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      const self = await approve(U_ALICE);
      expect(self.answer).toEqual({ response_type: 'ephemeral', replace_original: false, text: '@alice: you made this request, and someone else must approve it (four-eyes).' });
      const other = await approve(U_MALLORY);
      expect(other.answer.text).toBe('@mallory: only bob or carol may approve staging.');
      const stranger = await approve(U_ERIN);
      expect(stranger.answer.text).toBe('Your Slack account is not linked to a GitHub account, and self-service linking is off here: ask an operator to add you to the links in SLACK_CONFIG.');
      expect(stranger.github).toEqual([]);
      expect(writes()).toEqual([]);
      expect(slack.summary()).toEqual(['chat.postMessage']);
      expect((await store.getPromotion(ID))?.state).toBe('requested');
      expect(await store.approvals(ID)).toEqual([]);
    });

    test('one GitHub identity counts once however many Slack accounts point at it; a double click is one approval', async () => {
      const twoApprovals = CONFIG.replace('      approvals: 1\n      approvers: [bob, carol]', '      approvals: 2\n      approvers: [bob, carol]');
      await start({ config: twoApprovals });
      await command('/promote', 'sentiment v3');
      const first = await approve(U_BOB);
      expect(first.answer.text).toBe('Your approval of Promotion of sentiment v3 to staging is recorded: 1 more approval is needed.');
      const again = await approve(U_BOB2);
      expect(again.answer.text).toBe('@bob: you have already approved it; each person counts once.');
      expect((await store.approvals(ID)).map((a) => a.approver.login)).toEqual(['bob']);
      expect(writes()).toEqual([]);
      const update = slack.calls.filter((c) => c.method === 'chat.update');
      expect(update).toHaveLength(1);
      expect(update[0]!.body['blocks'][1].text.text).toBe('*⏳ Waiting for approval: 1 of 2 approvals · expires 2026-12-02 12:00 UTC (in 24 h)*');
      const done = await approve(U_CAROL);
      expect(done.answer.text).toBe('Approved: Promotion of sentiment v3 to staging is done.');
      expect(repo.github.deployments).toHaveLength(1);
    });

    test('an unlinked user cannot request; a reader of the repository cannot either; neither reaches a GitHub write', async () => {
      await start();
      const unlinked = await command('/promote', 'sentiment v3', U_ERIN);
      expect(unlinked.answer).toEqual({ response_type: 'ephemeral', text: 'Your Slack account is not linked to a GitHub account, and self-service linking is off here: ask an operator to add you to the links in SLACK_CONFIG.' });
      expect(unlinked.github).toEqual([]);
      const reader = await command('/promote', 'sentiment v3', U_MALLORY);
      expect(reader.answer.text).toBe('GitHub @mallory has no write access to acme/models, so cannot request promotions there.');
      expect(summary(reader.github)).toEqual(['POST /app/installations/7/access_tokens', 'GET /collaborators/mallory/permission']);
      expect(slack.summary()).toEqual([]);
      expect(await store.listPromotions({ repoId: REPO_ID })).toEqual([]);
    });

    test('a new evaluation of the version voids the approval; the message and its thread say why', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      await store.recordEvaluation(evaluation('v3', 0.95, { runId: 904, createdAt: T0 }));
      const voided = await approve(U_BOB);
      expect(voided.answer.text).toBe('Your approval was not counted: The evidence changed since the request: a new evaluation of v3 was recorded (evaluation 3, was 2). Request the promotion again.');
      expect(writes()).toEqual([]);
      expect(slack.summary()).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage (thread)']);
      expect(slack.calls[2]!.body['blocks'][1].text.text).toBe('*⚠️ Void: The evidence changed since the request: a new evaluation of v3 was recorded (evaluation 3, was 2). Request the promotion again.*');
      expect(slack.calls[3]!.body['text']).toBe('⚠️ Promotion of sentiment v3 to staging is void: The evidence changed since the request: a new evaluation of v3 was recorded (evaluation 3, was 2). Request the promotion again.');
    });

    test('an expired request: the click is refused and the message says it expired', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      clock = new Date(T0.getTime() + 25 * 3600_000);
      const late = await approve(U_BOB);
      expect(late.answer.text).toBe('This request is expired, so it cannot be approved any more.');
      expect(writes()).toEqual([]);
      expect(slack.summary()).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage (thread)']);
      expect(slack.calls.at(-1)!.body['text']).toBe('⌛ Promotion of sentiment v3 to staging: expired without enough approvals.');
    });

    test('ten concurrent /promote for one model and stage make exactly one request and one message', async () => {
      await start();
      const before = slack.responses.length;
      const responses = await Promise.all(Array.from({ length: 10 }, () => sendCommand(url, '/promote', 'sentiment v3', U_ALICE)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      await until(() => slack.responses.length >= before + 10, 'ten answers');
      const texts = slack.responses.slice(before).map((r) => r.body['text'] as string);
      // The ten take ids in the order they ask for one, and any of them may win the insert: the
      // nine others name the winner's id, whichever it is.
      const stored = await store.listPromotions({ repoId: REPO_ID });
      expect(stored).toHaveLength(1);
      const active = `There is already an active request for \`sentiment\` \`staging\`: \`${stored[0]!.id}\``;
      // Sorted kinds, with any other answer in full, so that a failure shows what was said.
      const kinds = texts.map((t) => (t.startsWith('Requested') ? 'Requested' : t.startsWith(active) ? 'already active' : t)).sort();
      expect(kinds).toEqual(['Requested', ...Array(9).fill('already active')].sort());
      expect(slack.posted()).toHaveLength(1);
    });

    test('a Slack retry of a request already taken is answered and not acted on again', async () => {
      await start();
      const body = commandBody('/promote', 'sentiment v3', U_ALICE);
      expect((await post(url, body)).status).toBe(200);
      await until(() => slack.responses.length === 1, 'the answer');
      const retried = await post(url, body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
      expect(retried.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(slack.responses).toHaveLength(1);
      expect(slack.posted()).toHaveLength(1);
    });

    test('stale, forged and future-dated requests get 401 and do nothing; an oversized body is refused unread', async () => {
      await start();
      const now = Math.floor(Date.now() / 1000);
      const body = commandBody('/promote', 'sentiment v3', U_ALICE);
      expect((await post(url, body, { timestamp: now - 301 })).status).toBe(401);
      expect((await post(url, body, { timestamp: now + 120 })).status).toBe(401);
      expect((await post(url, body, { secret: 'not-the-secret' })).status).toBe(401);
      expect((await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).status).toBe(401);
      expect((await post(url, `${body}&pad=${'x'.repeat(600 * 1024)}`)).status).toBe(413);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(slack.summary()).toEqual([]);
      expect(slack.responses).toEqual([]);
      expect(repo.github.calls).toEqual([]);
    });

    test.each([
      ['../../.github/workflows/x v3', '`../../.github/workflows/x` is not a valid model name'],
      ['<@U0BOB> v3', '`&lt;@U0BOB&gt;` is not a valid model name'],
      ['<!channel> v3', '`&lt;!channel&gt;` is not a valid model name'],
      ['sentiment v3.lock', '`v3.lock` is not a valid version'],
      ['sentiment v3\u0000', '`v3\u0000` is not a valid version'],
      ['sentiment v3 prod --force', 'Unknown option `--force`.'],
    ])('hostile input %j is refused with a clear message and no GitHub call', async (text, expected) => {
      await start();
      const refused = await command('/promote', text);
      expect(refused.answer.response_type).toBe('ephemeral');
      expect(refused.answer.text).toContain(expected);
      expect(refused.answer.text).not.toMatch(/<[@!]/);
      expect(refused.github).toEqual([]);
      expect(slack.summary()).toEqual([]);
    });

    test('a dry run answers only the requester, with every check and the metric diff; nothing is requested', async () => {
      await start();
      const dry = await command('/promote', 'sentiment v3 --dry-run');
      expect(dry.answer).toMatchObject({ response_type: 'ephemeral', text: `Dry run: Promotion of sentiment v3 to staging (p-dryrundryrun): waiting for approval` });
      expect(dry.answer['blocks'][0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🧪 Dry run: Promotion of sentiment v3 to staging', emoji: true } });
      expect(dry.answer['blocks'].some((b: { type: string }) => b.type === 'actions')).toBe(false);
      expect(slack.summary()).toEqual([]);
      expect(repo.github.comments).toEqual([]);
      expect(await store.listPromotions({ repoId: REPO_ID })).toEqual([]);
    });

    test('/rollback moves the stage back to the version before, after a second person approves', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      await approve(U_BOB);
      const rollback = await command('/rollback', 'sentiment staging');
      expect(rollback.answer.text).toBe(`Requested \`${ID2}\`: the request is in this channel, waiting for approval.`);
      const message = slack.posted()[1]!.body;
      expect(message['blocks'][0].text.text).toBe('↩️ Rollback of sentiment staging to v2');
      const ts = (await store.slackMessages(ID2))[0]!.ts!;
      const before = slack.responses.length;
      await post(url, blockAction('modelgate_approve', ID2, U_CAROL, { channel: CHANNEL, ts }));
      await until(() => slack.responses.length > before, 'the answer');
      expect(slack.responses.at(-1)!.body['text']).toBe('Approved: Rollback of sentiment staging to v2 is done.');
      expect(repo.github.file('models/registry.yaml')).toContain('stages: {staging: v2, production: v2}');
    });

    test('Reject opens a modal; its reason rejects the request, and the message and thread say so', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      await click('modelgate_reject', U_BOB);
      await until(() => slack.calls.some((c) => c.method === 'views.open'), 'the modal');
      const open = slack.calls.find((c) => c.method === 'views.open')!.body;
      expect(open['view']).toMatchObject({ type: 'modal', callback_id: 'modelgate_reject_reason', private_metadata: JSON.stringify({ id: ID, channel: CHANNEL }) });
      const submitted = await post(url, viewSubmission('modelgate_reject_reason', open['view'].private_metadata, 'the F1 on <!here> dropped\nbadly', U_BOB));
      expect(submitted.status).toBe(200);
      await until(() => slack.calls.some((c) => c.method === 'chat.postEphemeral'), 'the confirmation');
      expect(slack.calls.find((c) => c.method === 'chat.postEphemeral')!.body).toMatchObject({ channel: CHANNEL, user: 'U0BOB', text: 'Rejected Promotion of sentiment v3 to staging.' });
      const p = await store.getPromotion(ID);
      expect(p).toMatchObject({ state: 'rejected', stateReason: 'Rejected by @bob: the F1 on <!here> dropped badly' });
      expect(slack.calls.find((c) => c.method === 'chat.update')!.body['blocks'][1].text.text).toBe('*🚫 Rejected: Rejected by @bob: the F1 on &lt;!here&gt; dropped badly*');
      expect(slack.calls.find((c) => c.body['thread_ts'])!.body['text']).toBe('🚫 Promotion of sentiment v3 to staging: Rejected by @bob: the F1 on &lt;!here&gt; dropped badly');
      expect(writes()).toEqual([]);
    });

    test('a request made in Slack is approved in a PR comment, and the Slack message follows', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      const response = await deliver(url, 'issue_comment', commentPayload(`/modelgate approve ${ID}`, BOB));
      expect(response.status).toBeLessThan(300);
      await until(() => slack.calls.some((c) => c.body['thread_ts']), 'the outcome in the thread');
      expect(slack.summary()).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage (thread)']);
      expect((await store.approvals(ID)).map((a) => `${a.approver.login} via ${a.via}`)).toEqual(['bob via github']);
      expect(slack.calls[2]!.body['blocks']).toContainEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Approvals:* @bob' } });
    });

    test('a request made in a PR comment is announced in the policy\'s channel and approved there with a click', async () => {
      await start({ config: CONFIG.replace('promotion:\n', 'promotion:\n  slack_channel: C0ANNOUNCE\n') });
      const response = await deliver(url, 'issue_comment', commentPayload('/modelgate promote sentiment v3', ALICE));
      expect(response.status).toBeLessThan(300);
      await until(() => slack.posted().length === 1, 'the announcement');
      expect(slack.posted()[0]!.body).toMatchObject({ channel: 'C0ANNOUNCE', text: `Promotion of sentiment v3 to staging (${ID}): waiting for approval` });
      expect(slack.posted()[0]!.body['blocks'][2].fields[3]).toEqual({ type: 'mrkdwn', text: '*Requested by*\n@alice on GitHub' });
      const done = await approve(U_BOB);
      expect(done.answer.text).toBe('Approved: Promotion of sentiment v3 to staging is done.');
      expect(repo.github.comments[0]!.body).toContain('**✅ Done**');
    });

    test('a click on a message that is not the request\'s, or from another workspace, changes nothing', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      const before = slack.responses.length;
      await post(url, blockAction('modelgate_approve', ID, U_BOB, { channel: CHANNEL, ts: '1111.2222' }));
      await post(url, blockAction('modelgate_approve', ID, U_BOB, { channel: CHANNEL, ts: (await store.slackMessages(ID))[0]!.ts! }, { team: 'T0OTHER' }));
      await until(() => slack.responses.length === before + 2, 'two answers');
      expect(slack.responses.slice(before).map((r) => r.body['text']).sort()).toEqual([
        'This is not the message modelgate posted for that request; use the buttons on the request itself.',
        'modelgate answers only the Slack workspace it is installed in.',
      ]);
      expect(await store.approvals(ID)).toEqual([]);
    });

    test('a channel modelgate is not in: the requester is told to invite it; asking again posts the message', async () => {
      await start();
      slack.failNext('chat.postMessage', 'not_in_channel');
      const first = await command('/promote', 'sentiment v3');
      expect(first.answer.text).toBe('The request could not be completed: modelgate is not in this channel: invite it with `/invite @modelgate`, then run the command again. Run the command again to see where it stands.');
      const again = await command('/promote', 'sentiment v3');
      expect(again.answer.text).toBe(`There is already an active request for \`sentiment\` \`staging\`: \`${ID}\` (promotion of \`v3\`, requested); its message is in <#${CHANNEL}>. Approve or reject it first.`);
      await until(() => slack.posted().length === 2, 'the message posted');
      let ts: string | null = null;
      for (let i = 0; i < 200 && ts === null; i++) {
        ts = (await store.slackMessages(ID))[0]!.ts;
        if (ts === null) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(ts).toBe('1764590400.000001');
    });

    test('/models lists what each stage holds and the pending requests', async () => {
      await start();
      await command('/promote', 'sentiment v3');
      const models = await command('/models', '');
      expect(models.answer['blocks']).toEqual([
        { type: 'header', text: { type: 'plain_text', text: 'Models of acme/models' } },
        { type: 'section', text: { type: 'mrkdwn', text: `*\`sentiment\`*  \`staging\` \`v2\` since 2026-11-02 · \`production\` \`v2\` since 2026-11-05\nPending: \`${ID}\` → \`staging\` (\`v3\`)\nLatest evaluation: \`v3\` ✅ gates passed · <https://github.com/acme/models/actions/runs/903|run 903> · 2026-12-01` } },
      ]);
      const unknown = await command('/models', 'acme/other:sentiment');
      expect(unknown.answer.text).toBe('modelgate is not installed on acme/other, or cannot see it: install the GitHub App there (or check the name).');
    });

    test('/modelgate help, whoami, unlink and unknown words', async () => {
      await start();
      expect((await command('/modelgate', 'help')).answer.text).toContain('`/promote <model> <version> [stage] [--dry-run] [--emergency "reason"]`');
      expect((await command('/modelgate', 'whoami', U_BOB)).answer.text).toBe('This Slack account is GitHub @bob (id 20) for modelgate, linked 2026-12-01 by an operator.');
      expect((await command('/modelgate', 'unlink', U_BOB)).answer.text).toBe('Unlinked: this Slack account no longer acts as a GitHub identity in modelgate.');
      expect((await command('/modelgate', 'whoami', U_BOB)).answer.text).toBe('This Slack account is not linked to GitHub: run `/modelgate link`.');
      expect((await command('/modelgate', '<!channel>')).answer.text).toMatch(/^Unknown command `&lt;!channel&gt;`\.\n\n\*modelgate in Slack\*/);
      expect((await command('/modelgate', 'link')).answer.text).toContain('Self-service linking is off here');
    });

    test('linking through GitHub: a one-time state bound to the Slack user; a replayed or expired state links nothing', async () => {
      await start({ env: { GITHUB_CLIENT_ID: 'Iv1.client', GITHUB_CLIENT_SECRET: 'client-secret', MODELGATE_URL: 'https://modelgate.example.com/' } });
      const linked = await command('/modelgate', 'link', U_ERIN);
      const authorize = /<(http:\/\/127\.0\.0\.1:\d+\/login\/oauth\/authorize\?[^|>]+)\|Link your GitHub account>/.exec(linked.answer.text as string)![1]!;
      const query = new URL(authorize.replace(/&amp;/g, '&')).searchParams;
      expect(query.get('client_id')).toBe('Iv1.client');
      expect(query.get('redirect_uri')).toBe('https://modelgate.example.com/slack/link/callback');
      const state = query.get('state')!;
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      repo.github.issueOauthCode('code-1', { id: 30, login: 'erin' });
      const callback = await fetch(`${url}/slack/link/callback?code=code-1&state=${state}`);
      expect(callback.status).toBe(200);
      expect(await callback.text()).toContain('Linked to GitHub @erin');
      expect(await store.slackLink(TEAM, U_ERIN.id)).toMatchObject({ githubId: 30, githubLogin: 'erin', source: 'oauth' });
      await until(() => slack.responses.some((r) => r.body['text'] === 'Linked: your Slack account is now GitHub @erin for modelgate.'), 'the confirmation');
      // The state works once: a replay (with a fresh code) links nothing.
      repo.github.issueOauthCode('code-2', { id: 66, login: 'mallory' });
      const replay = await fetch(`${url}/slack/link/callback?code=code-2&state=${state}`);
      expect(replay.status).toBe(400);
      expect(await replay.text()).toContain('This link was used or has expired');
      // Past ten minutes a state is dead.
      const second = await command('/modelgate', 'link', U_ERIN);
      const late = new URL((/<(http[^|>]+)\|/.exec(second.answer.text as string)![1]!).replace(/&amp;/g, '&')).searchParams.get('state')!;
      clock = new Date(T0.getTime() + 11 * 60_000);
      expect((await fetch(`${url}/slack/link/callback?code=code-2&state=${late}`)).status).toBe(400);
      expect(await store.slackLink(TEAM, U_ERIN.id)).toMatchObject({ githubLogin: 'erin' });
      expect((await fetch(`${url}/slack/link/callback?code=x&state=short`)).status).toBe(400);
    });
  });
}

suite('SQLite', sqlite);
suite('PostgreSQL', await postgres('mg_slack'));
