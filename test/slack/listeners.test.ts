import { describe, expect, test } from '@jest/globals';
import type { SlackDeps, SlashCommand } from '../../src/slack/context.js';
import { modelgateCommand } from '../../src/slack/listeners/commands/modelgate.js';
import { moveCommand } from '../../src/slack/listeners/commands/promote.js';

/** Listeners called directly with a fake ack and respond: what is acknowledged, what is answered, and that nothing else is touched. */
function harness() {
  const acks: unknown[] = [];
  const answers: unknown[] = [];
  const touched: string[] = [];
  const untouchable = new Proxy({}, { get: (_t, key) => (touched.push(String(key)), () => Promise.reject(new Error(`unexpected ${String(key)}`))) });
  const deps = { team: 'T0TEAM', store: untouchable, service: untouchable, directory: untouchable, api: untouchable, notifier: untouchable, link: null, now: () => new Date(0), log: { info: () => undefined, warn: () => undefined } } as unknown as SlackDeps;
  return { deps, acks, answers, touched, ack: async (r?: unknown) => void acks.push(r ?? null), respond: async (m: unknown) => void answers.push(m) };
}

const cmd = (command: string, text: string, team = 'T0TEAM'): SlashCommand => ({ command, text, team_id: team, channel_id: 'C0MODELS', user_id: 'U0ALICE', response_url: 'https://hooks.slack.test/x' });

describe('listeners, with a fake ack and respond', () => {
  test('/promote with bad arguments: acked empty first, then one private answer; the store and GitHub untouched', async () => {
    const h = harness();
    await moveCommand(h.deps, 'promote', cmd('/promote', 'sentiment'), h.ack, h.respond);
    expect(h.acks).toEqual([null]);
    expect(h.answers).toEqual([{ response_type: 'ephemeral', text: '`/promote` needs a version. Usage: `/promote <model> <version> [stage] [--dry-run] [--emergency "reason"]`.' }]);
    expect(h.touched).toEqual([]);
  });

  test('a command from another workspace is refused before anything is read', async () => {
    const h = harness();
    await moveCommand(h.deps, 'rollback', cmd('/rollback', 'sentiment staging', 'T0OTHER'), h.ack, h.respond);
    expect(h.answers).toEqual([{ response_type: 'ephemeral', text: 'modelgate answers only the Slack workspace it is installed in.' }]);
    expect(h.touched).toEqual([]);
  });

  test('/modelgate link without OAuth configured says who can link you', async () => {
    const h = harness();
    await modelgateCommand(h.deps, cmd('/modelgate', 'link'), h.ack, h.respond);
    expect(h.answers).toEqual([{ response_type: 'ephemeral', text: 'Self-service linking is off here (the operator has not set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and MODELGATE_URL): ask them to add you to the links in SLACK_CONFIG.' }]);
    expect(h.touched).toEqual([]);
  });
});
