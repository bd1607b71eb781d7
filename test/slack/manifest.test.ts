import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const manifest = parse(readFileSync(new URL('../../slack-manifest.yml', import.meta.url), 'utf8'));
const listeners = readFileSync(new URL('../../src/slack/listeners/index.ts', import.meta.url), 'utf8');

describe('slack-manifest.yml', () => {
  test('asks for the least: the commands and posting where invited, nothing that reads Slack', () => {
    expect(manifest.oauth_config.scopes).toEqual({ bot: ['commands', 'chat:write'] });
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  test('declares exactly the slash commands the app listens to, all at /slack/events', () => {
    const declared = manifest.features.slash_commands.map((c: { command: string }) => c.command).sort();
    const registered = [...listeners.matchAll(/\['(\/[a-z]+)'/g)].map((m) => m[1]).sort();
    expect(declared).toEqual(registered);
    expect(declared).toEqual(['/modelgate', '/models', '/promote', '/rollback']);
    for (const c of manifest.features.slash_commands) expect(c.url).toBe('https://modelgate.example.com/slack/events');
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://modelgate.example.com/slack/events' });
  });

  test('each scope says why it is there', () => {
    const text = readFileSync(new URL('../../slack-manifest.yml', import.meta.url), 'utf8');
    for (const scope of ['commands', 'chat:write']) {
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.trim() === `- ${scope}`);
      expect(lines[at - 1]!.trim().startsWith('#')).toBe(true);
    }
  });
});
