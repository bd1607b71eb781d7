/**
 * The Slack app's settings: environment variables, and the operator's optional file of channel
 * defaults and seeded identity links (SLACK_CONFIG). Everything is checked when the server starts,
 * so a typo is one clear line at start-up, not a surprise at the first command.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { findingText } from '../core/common/index.js';
import { parseSchemaFile } from '../core/config/index.js';
import { GITHUB_LOGIN } from '../core/promotion/index.js';

type Env = Record<string, string | undefined>;

export const SLACK_TEAM = /^[TE][A-Z0-9]{2,20}$/;
export const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
export const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,20}$/;
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;

/** SLACK_CONFIG: what an operator may set in a file (YAML). */
export const SlackFileSchema = z.strictObject({
  /** A channel's default repository: `/promote sentiment v3` there means that repository's model. */
  channels: z
    .record(z.string(), z.string().regex(REPO, 'owner/repo'))
    .superRefine((channels, ctx) => {
      for (const id of Object.keys(channels)) {
        if (!SLACK_CHANNEL.test(id)) ctx.addIssue({ code: 'custom', path: [id], message: `"${id}" is not a Slack channel id: use the id (such as C0123ABCD, from the channel's details), not its name` });
      }
    })
    .default({}),
  /** Identity links to start with (bootstrapping); users link themselves with `/modelgate link`. */
  links: z
    .array(
      z.strictObject({
        slack_team: z.string().regex(SLACK_TEAM, 'a Slack team id such as T0123ABCD'),
        slack_user: z.string().regex(SLACK_USER, 'a Slack user id such as U0123ABCD'),
        github_id: z.number().int().positive(),
        github_login: z.string().regex(GITHUB_LOGIN, 'a GitHub login'),
      }),
    )
    .max(10_000)
    .default([]),
});
export type SlackFile = z.output<typeof SlackFileSchema>;

export interface SlackConfig {
  signingSecret: string;
  botToken: string;
  /** Socket Mode (local development without a public URL). */
  appToken: string | null;
  /** Slack's Web API, `https://slack.com/api/` unless set (tests, proxies). */
  apiUrl: string;
  file: SlackFile;
  /** GitHub OAuth of the App, for `/modelgate link`; null: linking is off (seeded links still work). */
  oauth: { clientId: string; clientSecret: string; publicUrl: string } | null;
}

export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}

/**
 * The Slack settings, or `{off: why}` when Slack is not configured. Throws SlackConfigError with
 * every problem (one per line) when it is configured wrongly.
 */
export function readSlackConfig(env: Env, cwd: string): SlackConfig | { off: string } {
  const secret = env['SLACK_SIGNING_SECRET'];
  const token = env['SLACK_BOT_TOKEN'];
  if (!secret && !token) return { off: 'SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not set' };
  const problems: string[] = [];
  if (!secret) problems.push('SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: copy the signing secret from the Slack app\'s Basic Information page.');
  if (!token) problems.push('SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: copy the bot token (xoxb-…) from the Slack app\'s OAuth & Permissions page.');
  if (token && !token.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-).');
  const appToken = env['SLACK_APP_TOKEN'] || null;
  if (appToken && !appToken.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN must be an app-level token (it starts with xapp-), for Socket Mode.');
  let apiUrl = 'https://slack.com/api/';
  if (env['SLACK_API_URL']) {
    const url = parseUrl(env['SLACK_API_URL']);
    if (!url) problems.push(`SLACK_API_URL must be an http(s) URL such as https://slack.com/api/; got "${env['SLACK_API_URL']}".`);
    else apiUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  const oauth = readOauth(env, problems);
  let file: SlackFile = { channels: {}, links: [] };
  if (env['SLACK_CONFIG']) {
    const path = resolve(cwd, env['SLACK_CONFIG']);
    let text: string | null = null;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`SLACK_CONFIG points to "${env['SLACK_CONFIG']}", which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    if (text !== null) {
      const parsed = parseSlackFile(text);
      if (parsed.ok) file = parsed.file;
      else problems.push(...parsed.errors.map((e) => `${env['SLACK_CONFIG']}:${e}`));
    }
  }
  if (problems.length > 0) throw new SlackConfigError(problems.join('\n'));
  return { signingSecret: secret!, botToken: token!, appToken, apiUrl, file, oauth };
}

/** The SLACK_CONFIG file's text, checked: errors as `line:column: message`. */
export function parseSlackFile(text: string): { ok: true; file: SlackFile } | { ok: false; errors: string[] } {
  const parsed = parseSchemaFile(text, SlackFileSchema, { prefix: 'slack-config', what: 'The Slack config', maxChars: 4 * 1024 * 1024, maxTokens: 500_000, maxErrors: 20, maxAliases: 0, schemaFile: 'README.md#slack' });
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => `${e.line}:${e.column}: ${findingText(e).replace(/\n/g, ' ')}`) };
  return { ok: true, file: parsed.value ?? SlackFileSchema.parse({}) };
}

function readOauth(env: Env, problems: string[]): SlackConfig['oauth'] {
  const id = env['GITHUB_CLIENT_ID'];
  const secret = env['GITHUB_CLIENT_SECRET'];
  const publicUrl = env['MODELGATE_URL'];
  if (!id && !secret) return null;
  if (!id || !secret) {
    problems.push('Set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App\'s client id and a client secret) for /modelgate link, or neither.');
    return null;
  }
  const url = publicUrl ? parseUrl(publicUrl) : null;
  if (!url) {
    problems.push(`MODELGATE_URL must be this server's public https URL (GitHub sends people back to it after they authorize), e.g. https://modelgate.example.com${publicUrl ? `; got "${publicUrl}"` : ''}.`);
    return null;
  }
  return { clientId: id, clientSecret: secret, publicUrl: url.href.replace(/\/+$/, '') };
}

function parseUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}
