import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSlackConfig } from '../../src/slack/config.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-slack-config-'));
const base = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' };

describe('readSlackConfig', () => {
  test('off, with the reason, when neither secret nor token is set', () => {
    expect(readSlackConfig({}, dir)).toEqual({ off: 'SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not set' });
  });

  test('the defaults', () => {
    expect(readSlackConfig(base, dir)).toEqual({ signingSecret: 's', botToken: 'xoxb-1', appToken: null, apiUrl: 'https://slack.com/api/', file: { channels: {}, links: [] }, oauth: null });
  });

  test('every problem at once, one line each, saying what to set', () => {
    expect(() => readSlackConfig({ SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: 'nope', SLACK_API_URL: 'ftp://x', GITHUB_CLIENT_ID: 'Iv1.x' }, dir)).toThrow(
      [
        "SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: copy the bot token (xoxb-…) from the Slack app's OAuth & Permissions page.",
        'SLACK_APP_TOKEN must be an app-level token (it starts with xapp-), for Socket Mode.',
        'SLACK_API_URL must be an http(s) URL such as https://slack.com/api/; got "ftp://x".',
        "Set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App's client id and a client secret) for /modelgate link, or neither.",
      ].join('\n'),
    );
    expect(() => readSlackConfig({ ...base, GITHUB_CLIENT_ID: 'Iv1.x', GITHUB_CLIENT_SECRET: 'y' }, dir)).toThrow(/^MODELGATE_URL must be this server's public https URL/);
  });

  test('SLACK_CONFIG: channel defaults and seeded links, checked with file:line:column errors', () => {
    writeFileSync(join(dir, 'good.yml'), 'channels:\n  C0MODELS: acme/models\nlinks:\n  - {slack_team: T0TEAM, slack_user: U0BOB, github_id: 20, github_login: bob}\n');
    expect(readSlackConfig({ ...base, SLACK_CONFIG: 'good.yml' }, dir)).toMatchObject({
      file: { channels: { C0MODELS: 'acme/models' }, links: [{ slack_team: 'T0TEAM', slack_user: 'U0BOB', github_id: 20, github_login: 'bob' }] },
    });
    writeFileSync(join(dir, 'bad.yml'), 'channels:\n  general: acme/models\nlinks:\n  - {slack_team: T0TEAM, slack_user: bob, github_id: 20, github_login: bob}\nchanels: {}\n');
    const error = (() => {
      try {
        readSlackConfig({ ...base, SLACK_CONFIG: 'bad.yml' }, dir);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error.split('\n')).toEqual([expect.stringMatching(/^bad\.yml:2:\d+: .*"general" is not a Slack channel id/), 'bad.yml:4:38: `links[0].slack_user`: a Slack user id such as U0123ABCD. See README.md#slack for what each key accepts.', expect.stringMatching(/^bad\.yml:5:1: Unknown key `chanels`.*Did you mean `channels`/)]);
    expect(() => readSlackConfig({ ...base, SLACK_CONFIG: 'missing.yml' }, dir)).toThrow('SLACK_CONFIG points to "missing.yml", which cannot be read (ENOENT).');
  });
});
