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
  });
}

suite('SQLite', sqlite);
suite('PostgreSQL', await postgres());
